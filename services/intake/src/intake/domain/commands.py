"""What intake can be asked to do. A command whose fields are exactly a request's
body is that body (the HTTP layer adds nothing); the others carry the path's ids too."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from alize_chassis.api import Strict
from alize_chassis.unit_of_work import Command, PersonalData
from alize_contracts import Programme, Territory
from alize_contracts.dates import PastDate, PlannedDate
from alize_contracts.events import Cents, FirmSize, HalfDays, Headcount, NaceCode, ProjectKind, SkillsNeeded
from pydantic import EmailStr, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

# --- calls -------------------------------------------------------------------------


class OpenCall(Command):
    territory: Territory
    programme: Programme
    opens_on: PlannedDate
    closes_on: PlannedDate = Field(description="Last day on which applications are accepted.")
    skill_days_budget: HalfDays
    advances_budget_cents: Cents


class CloseCall(Command):
    call_id: UUID


class Rules(Strict):
    min_jobs_planned: Annotated[int, Field(ge=0, le=10_000)] = Field(
        description="Minimum jobs planned (created + maintained)."
    )
    max_headcount: Headcount | None = Field(description="Largest baseline headcount accepted; null for no limit.")
    min_firm_age_months: Annotated[int, Field(ge=0, le=1200)] = 0


class SetEligibilityRules(Command):
    territory: Territory
    programme: Programme
    rules: Rules


# --- applications --------------------------------------------------------------------


class JobsPlanned(Strict):
    created: Headcount
    maintained: Headcount


class Contact(PersonalData):
    """Personal data: kept in intake's database only, erasable on request."""

    full_name: Annotated[str, Field(min_length=1, max_length=200)]
    email: EmailStr
    phone: Annotated[str, Field(max_length=40)] | None = None
    social_aid_status: Annotated[str, Field(max_length=100)] | None = None


class CreateApplication(Command):
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


class ReviseDraft(Command):
    application_id: UUID
    changes: DraftChanges


class SubmitApplication(Command):
    application_id: UUID


class WithdrawApplication(Command):
    application_id: UUID


class EraseApplicant(Command):
    """Erasure request: the person's data is removed; the anonymous facts of their
    applications stay (no event ever carried the personal data)."""

    applicant_id: UUID
