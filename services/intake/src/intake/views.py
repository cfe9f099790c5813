"""What intake's HTTP API shows: read models and the queries behind them (reads only)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from alize_chassis.db import Conn
from alize_chassis.errors import NotFound
from pydantic import BaseModel, Field

from intake.adapters.applications import rules_for
from intake.adapters.calls import get_call
from intake.domain.applications import Application, Decision
from intake.domain.calls import Call
from intake.domain.commands import JobsPlanned, Rules

# --- calls -------------------------------------------------------------------------


class CallView(BaseModel):
    call_id: UUID
    territory: str
    programme: str
    opens_on: date
    closes_on: date
    skill_days_budget: float
    advances_budget_cents: int
    closed_at: datetime | None


def call_view(call: Call) -> CallView:
    return CallView(
        call_id=call.id,
        territory=call.territory,
        programme=call.programme,
        opens_on=call.opens_on,
        closes_on=call.closes_on,
        skill_days_budget=call.skill_days_budget,
        advances_budget_cents=call.advances_budget_cents,
        closed_at=call.closed_at,
    )


async def the_call(_: Conn, call: Call) -> CallView:
    """A command's call as the route shows it."""
    return call_view(call)


async def call(conn: Conn, call_id: UUID) -> CallView:
    found = await get_call(conn, call_id)
    if found is None:
        raise NotFound(f"no call {call_id}")
    return call_view(found)


async def calls(conn: Conn, territory: str | None) -> list[CallView]:
    rows = await conn.fetch(
        """
        SELECT id AS call_id, territory, programme, opens_on, closes_on, skill_days_budget, advances_budget_cents,
            closed_at
        FROM calls WHERE $1::text IS NULL OR territory = $1 ORDER BY opens_on, id
        """,
        territory,
    )
    return [CallView(**row) for row in rows]


# --- eligibility rules ---------------------------------------------------------------


async def rules(conn: Conn, territory: str, programme: str) -> Rules:
    found = await rules_for(conn, territory, programme)
    return Rules(**found.__dict__)


# --- applications --------------------------------------------------------------------


class ApplicationView(BaseModel):
    application_id: UUID
    call_id: UUID | None
    territory: str
    programme: str
    status: Literal["draft", "submitted", "withdrawn"]
    firm_id: str | None
    applicant_id: UUID | None
    firm_size: str | None
    sector: str | None
    project_kind: str | None
    jobs_planned: JobsPlanned
    baseline_headcount: int
    skills_needed: list[str]
    advance_requested_cents: int | None
    submitted_at: datetime | None
    committee_decision: Decision | None = Field(
        description="The committee's latest decision, as learnt from its events; once approved or rejected, "
        "the application can no longer be withdrawn (a deferred one still can)."
    )
    screened_eligible: bool | None
    screening_reasons: list[str]


_LATEST_DECISION = (
    "(SELECT d.decision FROM committee_decisions d WHERE d.application_id = applications.id "
    "ORDER BY d.seq DESC LIMIT 1) AS committee_decision"
)


async def application(conn: Conn, application_id: UUID) -> ApplicationView:
    row = await conn.fetchrow(f"SELECT *, {_LATEST_DECISION} FROM applications WHERE id = $1", application_id)
    if row is None:
        raise NotFound(f"no application {application_id}")
    values: dict[str, Any] = dict(row)
    return ApplicationView(
        application_id=values["id"],
        jobs_planned=JobsPlanned(created=values["jobs_planned_created"], maintained=values["jobs_planned_maintained"]),
        **{k: values[k] for k in ApplicationView.model_fields if k in values},
    )


async def the_application(conn: Conn, changed: Application) -> ApplicationView:
    """A command's application as the route shows it (read in the command's transaction)."""
    return await application(conn, changed.id)


# --- applicants (personal data) -------------------------------------------------------


class ApplicantView(BaseModel):
    applicant_id: UUID
    full_name: str | None
    email: str | None
    phone: str | None
    social_aid_status: str | None
    erased_at: datetime | None


async def applicant(conn: Conn, applicant_id: UUID) -> ApplicantView:
    row = await conn.fetchrow("SELECT * FROM applicants WHERE id = $1", applicant_id)
    if row is None:
        raise NotFound(f"no applicant {applicant_id}")
    return ApplicantView(applicant_id=row["id"], **{k: row[k] for k in ApplicantView.model_fields if k in row})
