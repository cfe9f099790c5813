"""Applications, their applicants' personal data and the territories' eligibility rules in
PostgreSQL. Locking reads are named `<thing>_for_update`."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from uuid import UUID

import asyncpg
from alize_chassis.access import Target
from alize_chassis.db import Conn

from intake.adapters.calls import get_call
from intake.domain.applications import DEFAULT_RULES, Application, Decision, EligibilityRules, Status

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
    "owner",
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


async def application_for_update(conn: asyncpg.Connection, application_id: UUID) -> Application | None:
    row = await conn.fetchrow(
        f"SELECT call_id, {', '.join(_APP_FIELDS)}, screening_reasons, withdrawn_at FROM applications "
        "WHERE id = $1 FOR UPDATE",
        application_id,
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
    if values["status"] == "draft":
        values["screening_reasons"] = None
    call = await get_call(conn, values.pop("call_id"))
    assert call is not None
    return Application(id=application_id, call=call, **values)


async def save_draft(conn: Conn, app: Application) -> None:
    values = asdict(app)
    assignments = ", ".join(f"{f} = ${i + 2}" for i, f in enumerate(_APP_FIELDS))
    await conn.execute(
        f"UPDATE applications SET {assignments} WHERE id = $1", app.id, *(values[f] for f in _APP_FIELDS)
    )


async def save_submission(conn: Conn, app: Application) -> None:
    """A submitted application and its screening (at the moment of submission)."""
    await conn.execute(
        """
        UPDATE applications SET status = $2, submitted_at = $3, screened_at = $3,
            screened_eligible = $4, screening_reasons = $5
        WHERE id = $1
        """,
        app.id,
        app.status,
        app.submitted_at,
        not app.screening_reasons,
        app.screening_reasons,
    )


async def save_withdrawal(conn: Conn, app: Application) -> None:
    await conn.execute(
        "UPDATE applications SET status = $2, withdrawn_at = $3 WHERE id = $1", app.id, app.status, app.withdrawn_at
    )


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


# --- who may act on what (alize_chassis.access) ----------------------------------------


async def application_target(db: Conn, application_id: str) -> Target | None:
    row = await db.fetchrow("SELECT territory, firm_id, owner FROM applications WHERE id = $1", UUID(application_id))
    return Target.of(row["territory"], firm_id=row["firm_id"], subject=row["owner"]) if row else None


async def applicant_target(db: Conn, applicant_id: str) -> Target | None:
    """An applicant's personal data belong to the territory of their application, and to the person: the
    account that applied (not the whole firm)."""
    row = await db.fetchrow(
        "SELECT territory, owner FROM applications WHERE applicant_id = $1 LIMIT 1", UUID(applicant_id)
    )
    return Target.of(row["territory"], subject=row["owner"]) if row else None
