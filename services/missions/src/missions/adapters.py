"""Persistence of projects, missions, days and declarations; mapping to events."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from alize_contracts import JobDeclared, Jobs, MissionDayLogged, ProjectApproved

from missions.domain import Mission


async def open_project(conn: asyncpg.Connection, event: ProjectApproved, trace_context: dict[str, str]) -> None:
    """Record the approved project and, when it has skill days, open its mission."""
    inserted = await conn.fetchval(
        """
        INSERT INTO projects (application_id, territory, programme, firm_id, trace_context)
        VALUES ($1, $2, $3, $4, $5) ON CONFLICT (application_id) DO NOTHING RETURNING true
        """,
        event.application_id,
        event.territory,
        event.programme,
        event.firm_id,
        trace_context,
    )
    if inserted and event.skill_days_contracted > 0:
        await conn.execute(
            "INSERT INTO missions (id, application_id, days_budget) VALUES ($1, $2, $3)",
            uuid4(),
            event.application_id,
            Decimal(str(event.skill_days_contracted)),
        )


async def mission_for_update(conn: asyncpg.Connection, mission_id: UUID) -> tuple[Mission, dict[str, str]] | None:
    row = await conn.fetchrow(
        """
        SELECT m.id, m.application_id, p.territory, m.days_budget, p.trace_context,
               coalesce((SELECT sum(days) FROM mission_days d WHERE d.mission_id = m.id), 0)
                   AS days_logged
        FROM missions m JOIN projects p USING (application_id)
        WHERE m.id = $1 FOR UPDATE OF m
        """,
        mission_id,
    )
    if row is None:
        return None
    mission = Mission(
        id=row["id"],
        application_id=row["application_id"],
        territory=row["territory"],
        days_budget=row["days_budget"],
        days_logged=row["days_logged"],
    )
    return mission, row["trace_context"]


async def days_on(conn: asyncpg.Connection, mission_id: UUID, worked_on: date) -> Decimal:
    value: Decimal = await conn.fetchval(
        "SELECT coalesce(sum(days), 0) FROM mission_days WHERE mission_id = $1 AND worked_on = $2",
        mission_id,
        worked_on,
    )
    return value


async def add_day(conn: asyncpg.Connection, day_id: UUID, mission_id: UUID, worked_on: date, days: Decimal) -> None:
    await conn.execute(
        "INSERT INTO mission_days (id, mission_id, worked_on, days) VALUES ($1, $2, $3, $4)",
        day_id,
        mission_id,
        worked_on,
        days,
    )


async def project(conn: asyncpg.Connection, application_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow("SELECT * FROM projects WHERE application_id = $1", application_id)
    return dict(row) if row else None


async def add_declaration(
    conn: asyncpg.Connection,
    declaration_id: UUID,
    application_id: UUID,
    as_of: date,
    created: int,
    maintained: int,
) -> None:
    await conn.execute(
        """
        INSERT INTO job_declarations (id, application_id, as_of, jobs_created, jobs_maintained)
        VALUES ($1, $2, $3, $4, $5)
        """,
        declaration_id,
        application_id,
        as_of,
        created,
        maintained,
    )


async def list_missions(pool: asyncpg.Pool, application_id: UUID | None) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        """
        SELECT m.id AS mission_id, m.application_id, p.territory, m.days_budget,
               coalesce(sum(d.days), 0) AS days_logged
        FROM missions m JOIN projects p USING (application_id)
        LEFT JOIN mission_days d ON d.mission_id = m.id
        WHERE $1::uuid IS NULL OR m.application_id = $1
        GROUP BY m.id, p.territory ORDER BY m.opened_at
        """,
        application_id,
    )
    return [dict(r) for r in rows]


def day_logged_event(mission: Mission, day_id: UUID, worked_on: date, days: Decimal) -> MissionDayLogged:
    return MissionDayLogged(
        territory=mission.territory,
        mission_id=mission.id,
        day_id=day_id,
        application_id=mission.application_id,
        worked_on=worked_on,
        days=float(days),
    )


def job_declared_event(
    project_row: dict[str, Any], declaration_id: UUID, as_of: date, created: int, maintained: int
) -> JobDeclared:
    return JobDeclared(
        territory=project_row["territory"],
        declaration_id=declaration_id,
        application_id=project_row["application_id"],
        firm_id=project_row["firm_id"],
        as_of=as_of,
        jobs=Jobs(created=created, maintained=maintained),
    )
