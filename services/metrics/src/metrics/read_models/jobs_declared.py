"""Jobs declared (created, maintained): the latest declaration of each project
counts; an earlier one is superseded, never added to it."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
from alize_chassis.wire import Received
from alize_contracts import JobDeclared

from metrics.read_models import handlers

_NO_TIME = datetime.fromtimestamp(0, UTC)  # ce_time is optional in CloudEvents


@handlers.on(JobDeclared)
async def on_declared(conn: asyncpg.Connection, event: JobDeclared, received: Received) -> None:
    # Latest by the date the figures describe, then by when they were declared,
    # so a replay in any order of redelivery keeps the same winner.
    await conn.execute(
        """
        INSERT INTO latest_job_declarations
            (application_id, territory, as_of, declared_at, declaration_id, jobs_created, jobs_maintained)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (application_id) DO UPDATE SET
            as_of = EXCLUDED.as_of, declared_at = EXCLUDED.declared_at,
            declaration_id = EXCLUDED.declaration_id,
            jobs_created = EXCLUDED.jobs_created, jobs_maintained = EXCLUDED.jobs_maintained
        WHERE (EXCLUDED.as_of, EXCLUDED.declared_at)
            > (latest_job_declarations.as_of, latest_job_declarations.declared_at)
        """,
        event.application_id,
        event.territory,
        event.as_of,
        received.time or _NO_TIME,
        event.declaration_id,
        event.jobs.created,
        event.jobs.maintained,
    )
