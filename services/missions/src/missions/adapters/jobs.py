"""Job declarations: every declaration is kept (history); the latest counts."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from alize_contracts import JobDeclared, Jobs

from missions.adapters import Conn


async def add_declaration(
    conn: Conn,
    declaration_id: UUID,
    application_id: UUID,
    as_of: date,
    headcount: int,
    baseline: int,
    created: int,
    maintained: int,
) -> None:
    await conn.execute(
        """
        INSERT INTO job_declarations (id, application_id, as_of, headcount, baseline_headcount, jobs_created,
            jobs_maintained)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """,
        declaration_id,
        application_id,
        as_of,
        headcount,
        baseline,
        created,
        maintained,
    )


async def history(conn: Conn, application_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT id AS declaration_id, as_of, headcount, baseline_headcount, jobs_created, jobs_maintained, declared_at
        FROM job_declarations WHERE application_id = $1 ORDER BY as_of, declared_at
        """,
        application_id,
    )
    return [dict(r) for r in rows]


def declared_event(
    project: dict[str, Any],
    declaration_id: UUID,
    as_of: date,
    headcount: int,
    baseline: int,
    created: int,
    maintained: int,
) -> JobDeclared:
    return JobDeclared(
        territory=project["territory"],
        declaration_id=declaration_id,
        application_id=project["application_id"],
        firm_id=project["firm_id"],
        as_of=as_of,
        jobs=Jobs(created=created, maintained=maintained),
        headcount=headcount,
        baseline_headcount=baseline,
    )
