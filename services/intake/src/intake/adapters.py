"""Persistence of applications and their mapping to contract events."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
from alize_contracts import ApplicationSubmitted, Jobs

from intake.domain import Application


async def add(conn: asyncpg.Connection, app: Application) -> None:
    await conn.execute(
        """
        INSERT INTO applications (id, territory, programme, firm_id, submitted_at,
            jobs_planned_created, jobs_planned_maintained, baseline_headcount, skills_needed)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        """,
        app.id,
        app.territory,
        app.programme,
        app.firm_id,
        app.submitted_at,
        app.jobs_planned_created,
        app.jobs_planned_maintained,
        app.baseline_headcount,
        app.skills_needed,
    )


async def get(conn: asyncpg.Connection | asyncpg.Pool, application_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow("SELECT * FROM applications WHERE id = $1", application_id)
    return dict(row) if row else None


def submitted_event(app: Application) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        territory=app.territory,
        application_id=app.id,
        programme=app.programme,  # type: ignore[arg-type]
        firm_id=app.firm_id,
        submitted_at=app.submitted_at,
        jobs_planned=Jobs(created=app.jobs_planned_created, maintained=app.jobs_planned_maintained),
        baseline_headcount=app.baseline_headcount,
        skills_needed=app.skills_needed,
    )
