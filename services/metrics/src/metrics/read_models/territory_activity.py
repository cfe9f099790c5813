"""Counters per territory: the application funnel (received, screened, decided,
withdrawn), sessions held, skill days, planned jobs, advances."""

from __future__ import annotations

from decimal import Decimal

import asyncpg
from alize_chassis.wire import Received
from alize_contracts import ApplicationSubmitted, MissionDayLogged, ProjectApproved, ProjectRejected
from alize_contracts.events import ApplicationScreened, ApplicationWithdrawn, CommitteeSessionHeld, ProjectDeferred

from metrics.read_models import handlers


async def _add(conn: asyncpg.Connection, territory: str, **increments: int | Decimal) -> None:
    columns = list(increments)
    values = list(increments.values())
    placeholders = ", ".join(f"${i + 2}" for i in range(len(columns)))
    updates = ", ".join(f"{c} = territory_activity.{c} + EXCLUDED.{c}" for c in columns)
    await conn.execute(
        f"""
        INSERT INTO territory_activity (territory, {", ".join(columns)})
        VALUES ($1, {placeholders})
        ON CONFLICT (territory) DO UPDATE SET {updates}
        """,
        territory,
        *values,
    )


@handlers.on(ApplicationSubmitted)
async def on_submitted(conn: asyncpg.Connection, event: ApplicationSubmitted, _: Received) -> None:
    await _add(conn, event.territory, applications=1)


@handlers.on(ProjectApproved)
async def on_approved(conn: asyncpg.Connection, event: ProjectApproved, _: Received) -> None:
    await _add(
        conn,
        event.territory,
        approved=1,
        days_contracted=Decimal(str(event.skill_days_contracted)),
        jobs_planned_created=event.jobs_planned.created,
        jobs_planned_maintained=event.jobs_planned.maintained,
        advances_granted=1 if event.advance_amount_cents else 0,
        advances_granted_cents=event.advance_amount_cents or 0,
    )


@handlers.on(ProjectRejected)
async def on_rejected(conn: asyncpg.Connection, event: ProjectRejected, _: Received) -> None:
    await _add(conn, event.territory, rejected=1)


@handlers.on(MissionDayLogged)
async def on_day_logged(conn: asyncpg.Connection, event: MissionDayLogged, _: Received) -> None:
    await _add(conn, event.territory, days_delivered=Decimal(str(event.days)))


@handlers.on(ApplicationScreened)
async def on_screened(conn: asyncpg.Connection, event: ApplicationScreened, _: Received) -> None:
    if event.eligible:
        await _add(conn, event.territory, screened_eligible=1)
    else:
        await _add(conn, event.territory, screened_ineligible=1)


@handlers.on(ProjectDeferred)
async def on_deferred(conn: asyncpg.Connection, event: ProjectDeferred, _: Received) -> None:
    await _add(conn, event.territory, deferred=1)


@handlers.on(ApplicationWithdrawn)
async def on_withdrawn(conn: asyncpg.Connection, event: ApplicationWithdrawn, _: Received) -> None:
    await _add(conn, event.territory, withdrawn=1)


@handlers.on(CommitteeSessionHeld)
async def on_session_held(conn: asyncpg.Connection, event: CommitteeSessionHeld, _: Received) -> None:
    await _add(conn, event.territory, sessions_held=1)
