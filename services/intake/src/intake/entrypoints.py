"""HTTP API of intake: calls for applications, eligibility rules, applications, applicants."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID, uuid4

import asyncpg
from alize_chassis.api import Strict
from alize_chassis.errors import NotFound
from alize_chassis.idempotency import IdempotencyKeyHeader, run_once
from alize_chassis.service import pool
from alize_contracts import Programme, Territory
from alize_contracts.dates import PastDate, PlannedDate
from alize_contracts.events import Cents, FirmSize, HalfDays, Headcount, NaceCode, ProjectKind, SkillsNeeded
from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, EmailStr, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from intake import adapters, service_layer
from intake.domain import Call, Decision, EligibilityRules

router = APIRouter()
Pool = Annotated[asyncpg.Pool, Depends(pool)]
IdempotencyKey = Annotated[str | None, IdempotencyKeyHeader]


# --- calls -------------------------------------------------------------------------


class OpenCall(Strict):
    territory: Territory
    programme: Programme
    opens_on: PlannedDate
    closes_on: PlannedDate = Field(description="Last day on which applications are accepted.")
    skill_days_budget: HalfDays
    advances_budget_cents: Cents


class CallView(BaseModel):
    call_id: UUID
    territory: str
    programme: str
    opens_on: date
    closes_on: date
    skill_days_budget: float
    advances_budget_cents: int
    closed_at: datetime | None


def _call_view(call: Call) -> CallView:
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


@router.post("/calls", status_code=201, tags=["calls"])
async def open_call(body: OpenCall, db: Pool) -> CallView:
    call = Call(id=uuid4(), **body.model_dump())
    async with db.acquire() as conn, conn.transaction():
        return _call_view(await service_layer.open_call(conn, call))


@router.post("/calls/{call_id}/close", tags=["calls"])
async def close_call(call_id: UUID, db: Pool) -> CallView:
    async with db.acquire() as conn, conn.transaction():
        return _call_view(await service_layer.close_call(conn, call_id))


@router.get("/calls", tags=["calls"])
async def calls(db: Pool, territory: Territory | None = None) -> list[CallView]:
    return [_call_view(c) for c in await adapters.list_calls(db, territory)]


@router.get("/calls/{call_id}", tags=["calls"])
async def get_call(call_id: UUID, db: Pool) -> CallView:
    call = await adapters.get_call(db, call_id)
    if call is None:
        raise NotFound(f"no call {call_id}")
    return _call_view(call)


# --- eligibility rules ---------------------------------------------------------------


class Rules(Strict):
    min_jobs_planned: Annotated[int, Field(ge=0, le=10_000)] = Field(
        description="Minimum jobs planned (created + maintained)."
    )
    max_headcount: Headcount | None = Field(description="Largest baseline headcount accepted; null for no limit.")
    min_firm_age_months: Annotated[int, Field(ge=0, le=1200)] = 0


@router.put("/territories/{territory}/eligibility-rules/{programme}", tags=["screening"])
async def put_rules(territory: Territory, programme: Programme, body: Rules, db: Pool) -> Rules:
    async with db.acquire() as conn, conn.transaction():
        await service_layer.set_rules(conn, territory, programme, EligibilityRules(**body.model_dump()))
    return body


@router.get("/territories/{territory}/eligibility-rules/{programme}", tags=["screening"])
async def get_rules(territory: Territory, programme: Programme, db: Pool) -> Rules:
    rules = await adapters.rules_for(db, territory, programme)
    return Rules(**rules.__dict__)


# --- applications --------------------------------------------------------------------


class JobsPlanned(Strict):
    created: Headcount
    maintained: Headcount


class Contact(Strict):
    """Personal data: kept in intake's database only, erasable on request."""

    full_name: Annotated[str, Field(min_length=1, max_length=200)]
    email: EmailStr
    phone: Annotated[str, Field(max_length=40)] | None = None
    social_aid_status: Annotated[str, Field(max_length=100)] | None = None


class NewApplication(Strict):
    call_id: UUID
    firm_id: str | None = Field(
        default=None,
        max_length=32,
        description="SIREN, SIRET or Belgian enterprise number; omit for a person with no firm yet.",
    )
    contact: Contact | None = None
    firm_size: FirmSize | None = Field(default=None, description="Derived from the headcount when omitted.")
    sector: NaceCode | None = Field(default=None, description="NACE rev. 2 code, e.g. C25.62.")
    firm_created_on: PastDate | None = None
    project_kind: ProjectKind | None = None
    project_summary: Annotated[str, Field(min_length=1, max_length=5000)] | None = None
    jobs_planned: JobsPlanned = Field(description="Jobs planned over three years.")
    baseline_headcount: Headcount
    skills_needed: SkillsNeeded = Field(default_factory=list, description="Codes from GET /competences.")
    advance_requested_cents: Cents | None = None
    submit: bool = Field(default=False, description="Submit at once instead of keeping a draft.")


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


def _view(row: dict[str, Any]) -> dict[str, Any]:
    return ApplicationView(
        application_id=row["id"],
        jobs_planned=JobsPlanned(created=row["jobs_planned_created"], maintained=row["jobs_planned_maintained"]),
        **{k: row[k] for k in ApplicationView.model_fields if k in row},
    ).model_dump(mode="json")


async def _stored_view(conn: asyncpg.Connection, application_id: UUID) -> dict[str, Any]:
    row = await adapters.get(conn, application_id)
    assert row is not None
    return _view(row)


@router.post("/applications", status_code=201, tags=["applications"], response_model=ApplicationView)
async def create_application(body: NewApplication, db: Pool, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def command(conn: asyncpg.Connection) -> dict[str, Any]:
        details = body.model_dump(exclude={"call_id", "firm_id", "contact", "jobs_planned", "submit"})
        details["jobs_planned_created"] = body.jobs_planned.created
        details["jobs_planned_maintained"] = body.jobs_planned.maintained
        application = await service_layer.create_application(
            conn,
            call_id=body.call_id,
            firm_id=body.firm_id,
            contact=body.contact.model_dump() if body.contact else None,
            details=details,
            submit=body.submit,
        )
        return await _stored_view(conn, application.id)

    status, response = await run_once(
        db, scope="POST /applications", key=idempotency_key, request=body.model_dump(mode="json"), command=command
    )
    return JSONResponse(response, status_code=status)


class DraftChanges(Strict):
    """Fields of a draft to change; those not given stay as they are. An optional
    field given as null is cleared; a required one cannot be null."""

    firm_id: str | None = Field(default=None, max_length=32)
    firm_size: FirmSize | None = None
    sector: NaceCode | None = None
    firm_created_on: PastDate | None = None
    project_kind: ProjectKind | None = None
    project_summary: Annotated[str, Field(min_length=1, max_length=5000)] | None = None
    # Required on an application: absent means unchanged, and the schema offers no null.
    jobs_planned: JobsPlanned | SkipJsonSchema[None] = None
    baseline_headcount: Headcount | SkipJsonSchema[None] = None
    skills_needed: SkillsNeeded | SkipJsonSchema[None] = None
    advance_requested_cents: Cents | None = None

    @field_validator("jobs_planned", "baseline_headcount", "skills_needed")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:  # validators run on given values only: this null was sent
            raise ValueError("cannot be null (leave the field out to keep it)")
        return value


@router.patch("/applications/{application_id}", tags=["applications"])
async def revise_draft(application_id: UUID, body: DraftChanges, db: Pool) -> ApplicationView:
    changes = body.model_dump(exclude_unset=True, exclude={"jobs_planned"})
    if body.jobs_planned is not None:
        changes["jobs_planned_created"] = body.jobs_planned.created
        changes["jobs_planned_maintained"] = body.jobs_planned.maintained
    async with db.acquire() as conn, conn.transaction():
        await service_layer.revise_draft(conn, application_id, changes)
        return ApplicationView(**await _stored_view(conn, application_id))


@router.post("/applications/{application_id}/submit", tags=["applications"], response_model=ApplicationView)
async def submit(application_id: UUID, db: Pool, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    async def command(conn: asyncpg.Connection) -> dict[str, Any]:
        await service_layer.submit(conn, application_id)
        return await _stored_view(conn, application_id)

    status, response = await run_once(
        db,
        scope="POST /applications/{id}/submit",
        key=idempotency_key,
        request=str(application_id),
        command=command,
        status_code=200,
    )
    return JSONResponse(response, status_code=status)


@router.post("/applications/{application_id}/withdraw", tags=["applications"])
async def withdraw(application_id: UUID, db: Pool) -> ApplicationView:
    async with db.acquire() as conn, conn.transaction():
        await service_layer.withdraw(conn, application_id)
        return ApplicationView(**await _stored_view(conn, application_id))


@router.get("/applications/{application_id}", tags=["applications"])
async def get_application(application_id: UUID, db: Pool) -> ApplicationView:
    row = await adapters.get(db, application_id)
    if row is None:
        raise NotFound(f"no application {application_id}")
    return ApplicationView(**_view(row))


# --- applicants (personal data) -------------------------------------------------------


class ApplicantView(BaseModel):
    applicant_id: UUID
    full_name: str | None
    email: str | None
    phone: str | None
    social_aid_status: str | None
    erased_at: datetime | None


@router.get("/applicants/{applicant_id}", tags=["applicants"])
async def get_applicant(applicant_id: UUID, db: Pool) -> ApplicantView:
    row = await adapters.get_applicant(db, applicant_id)
    if row is None:
        raise NotFound(f"no applicant {applicant_id}")
    return ApplicantView(applicant_id=row["id"], **{k: row[k] for k in ApplicantView.model_fields if k in row})


@router.delete("/applicants/{applicant_id}", status_code=204, tags=["applicants"])
async def erase_applicant(applicant_id: UUID, db: Pool) -> Response:
    """Erasure request: the person's data is removed; the anonymous facts of their
    applications stay (no event ever carried the personal data)."""
    async with db.acquire() as conn, conn.transaction():
        await service_layer.erase_applicant(conn, applicant_id)
    return Response(status_code=204)


# --- reference data ----------------------------------------------------------------


@router.get("/competences", tags=["reference"])
async def competences() -> dict[str, str]:
    """The shared competence catalogue: code → label."""
    from alize_contracts.competences import CATALOGUE

    return CATALOGUE
