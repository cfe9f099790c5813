"""The docket in PostgreSQL: entries from intake's events, decisions and the partners' days."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
from alize_chassis.access import Target
from alize_chassis.db import Conn
from alize_chassis.journey import Journey, with_journey

from committee.domain.docket import Amendment, Approval, Assignment, DocketEntry, Rejection
from committee.domain.sessions import Decided, Session

ENTRY_COLUMNS = (
    "application_id, territory, programme, firm_id, jobs_planned_created, jobs_planned_maintained, call_id, "
    "skills_needed, eligible, screening_reasons, status, decided_at, baseline_headcount"
)


async def add_entry(
    conn: Conn,
    entry: DocketEntry,
    *,
    submitted_at: datetime,
    advance_requested_cents: int | None,
    trace_context: dict[str, str],
) -> None:
    """A submitted application on the docket (once: a redelivery changes nothing)."""
    await conn.execute(
        """
        INSERT INTO docket (application_id, territory, programme, firm_id, jobs_planned_created,
            jobs_planned_maintained, submitted_at, trace_context, call_id, skills_needed, advance_requested_cents,
            baseline_headcount)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        ON CONFLICT (application_id) DO NOTHING
        """,
        entry.application_id,
        entry.territory,
        entry.programme,
        entry.firm_id,
        entry.jobs_planned_created,
        entry.jobs_planned_maintained,
        submitted_at,
        trace_context,
        entry.call_id,
        list(entry.skills_needed),
        advance_requested_cents,
        entry.baseline_headcount,
    )


async def record_screening(conn: Conn, application_id: UUID, eligible: bool, reasons: list[str]) -> None:
    await conn.execute(
        "UPDATE docket SET eligible = $2, screening_reasons = $3 WHERE application_id = $1",
        application_id,
        eligible,
        reasons,
    )


async def record_withdrawal(conn: Conn, application_id: UUID) -> None:
    await conn.execute(
        "UPDATE docket SET status = 'withdrawn' WHERE application_id = $1 AND status IN ('pending', 'deferred')",
        application_id,
    )


def _entry(row: asyncpg.Record | dict[str, Any]) -> DocketEntry:
    values = dict(row)
    values["skills_needed"] = tuple(values["skills_needed"])
    values["screening_reasons"] = tuple(values["screening_reasons"])
    return DocketEntry(**values)


async def entry(conn: Conn, application_id: UUID) -> DocketEntry | None:
    row = await conn.fetchrow(f"SELECT {ENTRY_COLUMNS} FROM docket WHERE application_id = $1", application_id)
    return _entry(row) if row else None


async def docket_for_update(
    conn: asyncpg.Connection, application_ids: Collection[UUID]
) -> tuple[dict[UUID, DocketEntry], dict[UUID, Journey]]:
    """The entries of `application_ids` that are on the docket, locked (in one order, so that
    two sessions never wait on each other), and each application's journey (trace context)."""
    rows = await conn.fetch(
        f"""
        SELECT {ENTRY_COLUMNS}, trace_context FROM docket WHERE application_id = ANY($1)
        ORDER BY application_id FOR UPDATE
        """,
        list(application_ids),
    )
    entries, journeys = {}, {}
    for row in rows:
        values, journeys[row["application_id"]] = with_journey(row)
        entries[row["application_id"]] = _entry(values)
    return entries, journeys


async def save_decisions(conn: Conn, decisions: Sequence[Decided], session: Session) -> None:
    """The docket's new state, the decisions in the history and the partners' days: each statement
    once for all of a session's decisions (none when it has nothing to write)."""
    decided: list[tuple[Any, ...]] = []
    amended: list[tuple[Any, ...]] = []
    history: list[tuple[Any, ...]] = []
    assigned: list[tuple[Any, ...]] = []
    for decision in decisions:
        entry, outcome = decision.entry, decision.outcome
        days: Decimal | None = None
        advance = reason = None
        partners: tuple[Assignment, ...] = ()
        if isinstance(outcome, Amendment):
            days, partners = outcome.additional_days, outcome.partners
            amended.append((entry.application_id, days))
        else:
            if isinstance(outcome, Approval):
                days, advance, partners = outcome.skill_days, outcome.advance_amount_cents, outcome.partners
            else:
                reason = outcome.reason
            rejection = reason if isinstance(outcome, Rejection) else None
            decided.append((entry.application_id, entry.status, entry.decided_at, days, advance, rejection))
        voters = list(decision.voters)
        history.append((entry.application_id, session.id, decision.kind, decision.at, voters, days, advance, reason))
        year = session.held_on.year
        assigned += [(entry.application_id, a.partner_id, a.competence, year, a.days) for a in partners]
    statements = [
        ("UPDATE docket SET skill_days = coalesce(skill_days, 0) + $2 WHERE application_id = $1", amended),
        (
            """
            UPDATE docket SET status = $2, decided_at = $3, skill_days = $4, advance_amount_cents = $5,
                rejection_reason = $6
            WHERE application_id = $1
            """,
            decided,
        ),
        (
            """
            INSERT INTO decisions (application_id, session_id, outcome, decided_at, voters, skill_days,
                advance_amount_cents, reason)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            history,
        ),
        (
            """
            INSERT INTO assignments (application_id, partner_id, competence, year, days) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (application_id, partner_id, competence, year)
                DO UPDATE SET days = assignments.days + EXCLUDED.days
            """,
            assigned,
        ),
    ]
    for statement, rows in statements:
        if rows:
            await conn.executemany(statement, rows)


async def application_target(db: Conn, application_id: str) -> Target | None:
    row = await db.fetchrow("SELECT territory, firm_id FROM docket WHERE application_id = $1", UUID(application_id))
    return Target.of(row["territory"], firm_id=row["firm_id"]) if row else None
