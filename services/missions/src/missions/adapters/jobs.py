"""Job declarations: every declaration is kept (history); the latest counts."""

from __future__ import annotations

from alize_chassis.db import Conn

from missions.domain.jobs import Declaration


async def add_declaration(conn: Conn, declaration: Declaration) -> None:
    await conn.execute(
        """
        INSERT INTO job_declarations (id, application_id, as_of, headcount, baseline_headcount, jobs_created,
            jobs_maintained)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """,
        declaration.id,
        declaration.application_id,
        declaration.as_of,
        declaration.headcount,
        declaration.baseline_headcount,
        declaration.jobs_created,
        declaration.jobs_maintained,
    )
