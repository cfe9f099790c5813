"""Jobs declared (created, maintained): in each territory, the latest declaration
of each firm (or, for a person with no firm, of each project) counts; an
earlier one is superseded, never added to it."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
from alize_chassis.wire import Received
from alize_contracts import JobDeclared

from metrics.read_models import handlers
from metrics.read_models.firms_supported import firm_key

_NO_TIME = datetime.fromtimestamp(0, UTC)  # ce_time is optional in CloudEvents


@handlers.on(JobDeclared)
async def on_declared(conn: asyncpg.Connection, event: JobDeclared, received: Received) -> None:
    # Latest by the date the figures describe, then by when they were declared,
    # so a replay in any order of redelivery keeps the same winner.
    await conn.execute(
        """
        INSERT INTO latest_job_declarations
            (application_id, territory, as_of, declared_at, declaration_id, jobs_created, jobs_maintained, beneficiary)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (territory, beneficiary) DO UPDATE SET
            application_id = EXCLUDED.application_id,
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
        firm_key(event.firm_id) if event.firm_id else str(event.application_id),
    )
