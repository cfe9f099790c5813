"""Intake's command handlers."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
from alize_chassis import journey, outbox

from intake import adapters
from intake.domain import Application, normalise_firm_id

SERVICE = "intake"


async def submit_application(
    pool: asyncpg.Pool,
    *,
    territory: str,
    programme: str,
    firm_id: str | None,
    jobs_planned_created: int,
    jobs_planned_maintained: int,
    baseline_headcount: int,
    skills_needed: list[str],
) -> Application:
    application = Application(
        id=uuid4(),
        territory=territory,
        programme=programme,
        firm_id=normalise_firm_id(firm_id) if firm_id else None,
        submitted_at=datetime.now(UTC),
        jobs_planned_created=jobs_planned_created,
        jobs_planned_maintained=jobs_planned_maintained,
        baseline_headcount=baseline_headcount,
        skills_needed=skills_needed,
    )
    journey.tag(application.id)
    async with pool.acquire() as conn, conn.transaction():
        await adapters.add(conn, application)
        await outbox.record(conn, adapters.submitted_event(application), service=SERVICE)
    return application
