"""Missions' handlers: events it consumes and commands it accepts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import asyncpg
from alize_chassis import outbox
from alize_chassis.consumer import Handlers
from alize_chassis.errors import NotFound
from alize_chassis.journey import continue_journey, current_context, tag
from alize_chassis.wire import Received
from alize_contracts import ProjectApproved

from missions import adapters

SERVICE = "missions"
handlers = Handlers()


@handlers.on(ProjectApproved)
async def open_mission(conn: asyncpg.Connection, event: ProjectApproved, _: Received) -> None:
    tag(event.application_id)
    await adapters.open_project(conn, event, current_context())


async def log_day(pool: asyncpg.Pool, mission_id: UUID, worked_on: date, days: Decimal) -> UUID:
    async with pool.acquire() as conn, conn.transaction():
        found = await adapters.mission_for_update(conn, mission_id)
        if found is None:
            raise NotFound(f"no mission {mission_id}")
        mission, journey = found
        tag(mission.application_id)
        with continue_journey("missions log day", journey):
            tag(mission.application_id)
            mission.check_day(days, await adapters.days_on(conn, mission_id, worked_on), worked_on)
            day_id = uuid4()
            await adapters.add_day(conn, day_id, mission_id, worked_on, days)
            await outbox.record(conn, adapters.day_logged_event(mission, day_id, worked_on, days), service=SERVICE)
    return day_id


async def declare_jobs(pool: asyncpg.Pool, application_id: UUID, as_of: date, created: int, maintained: int) -> UUID:
    tag(application_id)
    async with pool.acquire() as conn, conn.transaction():
        project = await adapters.project(conn, application_id)
        if project is None:
            raise NotFound(f"application {application_id} is not an approved project")
        with continue_journey("missions declare jobs", project["trace_context"]):
            tag(application_id)
            declaration_id = uuid4()
            await adapters.add_declaration(conn, declaration_id, application_id, as_of, created, maintained)
            await outbox.record(
                conn,
                adapters.job_declared_event(project, declaration_id, as_of, created, maintained),
                service=SERVICE,
            )
    return declaration_id
