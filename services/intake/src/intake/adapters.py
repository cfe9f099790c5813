"""Persistence of calls, applications, applicants and rules; mapping to contract events."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeAlias
from uuid import UUID

import asyncpg
from alize_contracts import ApplicationSubmitted, Jobs
from alize_contracts.events import ApplicationScreened, ApplicationWithdrawn, CallClosed, CallOpened

from intake.domain import DEFAULT_RULES, Application, Call, Decision, EligibilityRules, Status

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool

# --- calls ---------------------------------------------------------------------------

_CALL_COLUMNS = "id, territory, programme, opens_on, closes_on, skill_days_budget, advances_budget_cents, closed_at"


def _call(row: asyncpg.Record) -> Call:
    values = dict(row)
    values["skill_days_budget"] = float(values["skill_days_budget"])
    return Call(**values)


async def add_call(conn: Conn, call: Call) -> None:
    await conn.execute(
        f"INSERT INTO calls ({_CALL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        call.id,
        call.territory,
        call.programme,
        call.opens_on,
        call.closes_on,
        Decimal(str(call.skill_days_budget)),
        call.advances_budget_cents,
        call.closed_at,
    )


async def get_call(conn: Conn, call_id: UUID, *, for_update: bool = False) -> Call | None:
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(f"SELECT {_CALL_COLUMNS} FROM calls WHERE id = $1{lock}", call_id)
    return _call(row) if row else None


async def list_calls(conn: Conn, territory: str | None) -> list[Call]:
    rows = await conn.fetch(
        f"SELECT {_CALL_COLUMNS} FROM calls WHERE $1::text IS NULL OR territory = $1 ORDER BY opens_on, id",
        territory,
    )
    return [_call(r) for r in rows]


async def expired_open_calls(conn: Conn, today: Any) -> list[UUID]:
    rows = await conn.fetch("SELECT id FROM calls WHERE closed_at IS NULL AND closes_on < $1", today)
    return [r["id"] for r in rows]


async def save_call_closure(conn: Conn, call: Call) -> None:
    await conn.execute("UPDATE calls SET closed_at = $2 WHERE id = $1", call.id, call.closed_at)


def call_opened_event(call: Call) -> CallOpened:
    return CallOpened(
        territory=call.territory,
        call_id=call.id,
        programme=call.programme,  # type: ignore[arg-type]
        opens_on=call.opens_on,
        closes_on=call.closes_on,
        skill_days_budget=call.skill_days_budget,
        advances_budget_cents=call.advances_budget_cents,
    )


def call_closed_event(call: Call, reason: str) -> CallClosed:
    assert call.closed_at is not None
    return CallClosed(
        territory=call.territory,
        call_id=call.id,
        programme=call.programme,  # type: ignore[arg-type]
        closed_at=call.closed_at,
        reason=reason,  # type: ignore[arg-type]
    )


# --- rules ---------------------------------------------------------------------------


async def rules_for(conn: Conn, territory: str, programme: str) -> EligibilityRules:
    row = await conn.fetchrow(
        "SELECT min_jobs_planned, max_headcount, min_firm_age_months FROM eligibility_rules "
        "WHERE territory = $1 AND programme = $2",
        territory,
        programme,
    )
    return EligibilityRules(**dict(row)) if row else DEFAULT_RULES[programme]


async def set_rules(conn: Conn, territory: str, programme: str, rules: EligibilityRules) -> None:
    await conn.execute(
        """
        INSERT INTO eligibility_rules (territory, programme, min_jobs_planned, max_headcount, min_firm_age_months)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (territory, programme) DO UPDATE SET min_jobs_planned = EXCLUDED.min_jobs_planned,
            max_headcount = EXCLUDED.max_headcount, min_firm_age_months = EXCLUDED.min_firm_age_months
        """,
        territory,
        programme,
        rules.min_jobs_planned,
        rules.max_headcount,
        rules.min_firm_age_months,
    )


# --- applicants (personal data) -----------------------------------------------------


async def add_applicant(conn: Conn, applicant_id: UUID, contact: dict[str, str | None]) -> None:
    await conn.execute(
        "INSERT INTO applicants (id, full_name, email, phone, social_aid_status) VALUES ($1, $2, $3, $4, $5)",
        applicant_id,
        contact["full_name"],
        contact["email"],
        contact.get("phone"),
        contact.get("social_aid_status"),
    )


async def get_applicant(conn: Conn, applicant_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow("SELECT * FROM applicants WHERE id = $1", applicant_id)
    return dict(row) if row else None


async def erase_applicant(conn: Conn, applicant_id: UUID) -> bool:
    erased = await conn.fetchval(
        """
        UPDATE applicants SET full_name = NULL, email = NULL, phone = NULL, social_aid_status = NULL,
            erased_at = coalesce(erased_at, now())
        WHERE id = $1 RETURNING true
        """,
        applicant_id,
    )
    return bool(erased)


# --- applications --------------------------------------------------------------------

_APP_FIELDS = (
    "firm_id",
    "applicant_id",
    "jobs_planned_created",
    "jobs_planned_maintained",
    "baseline_headcount",
    "skills_needed",
    "project_kind",
    "project_summary",
    "firm_size",
    "sector",
    "firm_created_on",
    "advance_requested_cents",
    "status",
    "submitted_at",
)


async def add(conn: Conn, app: Application) -> None:
    values = asdict(app)
    await conn.execute(
        f"""
        INSERT INTO applications (id, territory, programme, call_id, {", ".join(_APP_FIELDS)})
        VALUES ($1, $2, $3, $4, {", ".join(f"${i + 5}" for i in range(len(_APP_FIELDS)))})
        """,
        app.id,
        app.territory,
        app.programme,
        app.call.id,
        *(values[f] for f in _APP_FIELDS),
    )


_LATEST_DECISION = (
    "(SELECT d.decision FROM committee_decisions d WHERE d.application_id = applications.id "
    "ORDER BY d.seq DESC LIMIT 1) AS committee_decision"
)


async def get_for_update(conn: asyncpg.Connection, application_id: UUID) -> Application | None:
    row = await conn.fetchrow(
        f"SELECT call_id, {', '.join(_APP_FIELDS)} FROM applications WHERE id = $1 FOR UPDATE", application_id
    )
    if row is None:
        return None
    values = dict(row)
    # Read after the lock, in a statement of its own: a decision stored while this
    # command waited for the row is seen (the locking statement's snapshot predates it).
    values["committee_decision"] = await conn.fetchval(
        "SELECT decision FROM committee_decisions WHERE application_id = $1 ORDER BY seq DESC LIMIT 1",
        application_id,
    )
    call = await get_call(conn, values.pop("call_id"))
    assert call is not None
    return Application(id=application_id, call=call, **values)


async def save_draft(conn: Conn, app: Application) -> None:
    values = asdict(app)
    assignments = ", ".join(f"{f} = ${i + 2}" for i, f in enumerate(_APP_FIELDS))
    await conn.execute(
        f"UPDATE applications SET {assignments} WHERE id = $1", app.id, *(values[f] for f in _APP_FIELDS)
    )


async def save_submission(conn: Conn, app: Application, screened_at: datetime, reasons: list[str]) -> None:
    await conn.execute(
        """
        UPDATE applications SET status = $2, submitted_at = $3, screened_at = $4,
            screened_eligible = $5, screening_reasons = $6
        WHERE id = $1
        """,
        app.id,
        app.status,
        app.submitted_at,
        screened_at,
        not reasons,
        reasons,
    )


async def save_withdrawal(conn: Conn, app: Application, at: datetime) -> None:
    await conn.execute("UPDATE applications SET status = $2, withdrawn_at = $3 WHERE id = $1", app.id, app.status, at)


async def get(conn: Conn, application_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(f"SELECT *, {_LATEST_DECISION} FROM applications WHERE id = $1", application_id)
    return dict(row) if row else None


async def add_committee_decision(
    conn: Conn, application_id: UUID, decision: Decision, decided_at: datetime
) -> Status | None:
    """Record a decision on one of intake's applications; returns the application's status
    (None: not an application of this intake)."""
    # The application's row lock orders this against a withdrawal: whichever comes
    # second sees the first (a decision after a withdrawal is reported by the caller).
    status: Status | None = await conn.fetchval(
        "SELECT status FROM applications WHERE id = $1 FOR UPDATE", application_id
    )
    if status is not None:
        await conn.execute(
            "INSERT INTO committee_decisions (application_id, decision, decided_at) VALUES ($1, $2, $3)",
            application_id,
            decision,
            decided_at,
        )
    return status


def submitted_event(app: Application) -> ApplicationSubmitted:
    assert app.submitted_at is not None
    return ApplicationSubmitted(
        territory=app.territory,
        application_id=app.id,
        programme=app.programme,  # type: ignore[arg-type]
        firm_id=app.firm_id,
        submitted_at=app.submitted_at,
        jobs_planned=Jobs(created=app.jobs_planned_created, maintained=app.jobs_planned_maintained),
        baseline_headcount=app.baseline_headcount,
        skills_needed=app.skills_needed,
        call_id=app.call.id,
        project_kind=app.project_kind,  # type: ignore[arg-type]
        firm_size=app.firm_size,  # type: ignore[arg-type]
        sector=app.sector,
        advance_requested_cents=app.advance_requested_cents,
    )


def screened_event(app: Application, at: datetime, reasons: list[str]) -> ApplicationScreened:
    return ApplicationScreened(
        territory=app.territory,
        application_id=app.id,
        programme=app.programme,  # type: ignore[arg-type]
        call_id=app.call.id,
        screened_at=at,
        eligible=not reasons,
        reasons=reasons,
    )


def withdrawn_event(app: Application, at: datetime) -> ApplicationWithdrawn:
    return ApplicationWithdrawn(
        territory=app.territory,
        application_id=app.id,
        programme=app.programme,  # type: ignore[arg-type]
        withdrawn_at=at,
    )
