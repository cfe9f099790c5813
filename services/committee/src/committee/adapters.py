"""Persistence of the docket and the mapping of decisions to contract events."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
from alize_contracts import ApplicationSubmitted, Jobs, ProjectApproved, ProjectRejected

from committee.domain import Approval, Decision, DocketEntry

_COLUMNS = (
    "application_id, territory, programme, firm_id, jobs_planned_created, "
    "jobs_planned_maintained, status, decided_at"
)


async def add_from_submission(
    conn: asyncpg.Connection, event: ApplicationSubmitted, trace_context: dict[str, str]
) -> None:
    await conn.execute(
        """
        INSERT INTO docket (application_id, territory, programme, firm_id,
            jobs_planned_created, jobs_planned_maintained, submitted_at, trace_context)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (application_id) DO NOTHING
        """,
        event.application_id,
        event.territory,
        event.programme,
        event.firm_id,
        event.jobs_planned.created,
        event.jobs_planned.maintained,
        event.submitted_at,
        trace_context,
    )


async def get_for_update(
    conn: asyncpg.Connection, application_id: UUID
) -> tuple[DocketEntry, dict[str, str]] | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS}, trace_context FROM docket WHERE application_id = $1 FOR UPDATE",
        application_id,
    )
    if row is None:
        return None
    values = dict(row)
    trace_context = values.pop("trace_context")
    return DocketEntry(**values), trace_context


async def save_decision(conn: asyncpg.Connection, entry: DocketEntry, decision: Decision) -> None:
    approval = decision if isinstance(decision, Approval) else None
    await conn.execute(
        """
        UPDATE docket SET status = $2, decided_at = $3, skill_days = $4,
            advance_amount_cents = $5, rejection_reason = $6
        WHERE application_id = $1
        """,
        entry.application_id,
        entry.status,
        entry.decided_at,
        approval.skill_days if approval else None,
        approval.advance_amount_cents if approval else None,
        None if approval else decision.reason,  # type: ignore[union-attr]
    )


async def list_entries(conn: asyncpg.Pool, territory: str | None, status: str | None) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"""
        SELECT {_COLUMNS}, skill_days, advance_amount_cents, rejection_reason FROM docket
        WHERE ($1::text IS NULL OR territory = $1) AND ($2::text IS NULL OR status = $2)
        ORDER BY submitted_at
        """,
        territory,
        status,
    )
    return [dict(r) for r in rows]


def decision_event(entry: DocketEntry, decision: Decision) -> ProjectApproved | ProjectRejected:
    assert entry.decided_at is not None
    if isinstance(decision, Approval):
        return ProjectApproved(
            territory=entry.territory,
            application_id=entry.application_id,
            programme=entry.programme,  # type: ignore[arg-type]
            firm_id=entry.firm_id,
            decided_at=entry.decided_at,
            skill_days_contracted=decision.skill_days,
            advance_amount_cents=decision.advance_amount_cents,
            jobs_planned=Jobs(created=entry.jobs_planned_created, maintained=entry.jobs_planned_maintained),
        )
    return ProjectRejected(
        territory=entry.territory,
        application_id=entry.application_id,
        programme=entry.programme,  # type: ignore[arg-type]
        decided_at=entry.decided_at,
        reason=decision.reason,
    )
