"""Event contracts, version 1.

Each class is the JSON data of one CloudEvent type. Identifiers are opaque
UUIDs; no event carries a name, contact or any other personal data: those stay
in the owning service's database behind an opaque id.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from alize_contracts import topics
from alize_contracts.base import Event, FirmId

Programme = Literal["skill_sponsorship", "self_employment"]
"""skill_sponsorship: partner companies lend skills (Alize model);
self_employment: guidance towards creating one's own job."""

Headcount = Annotated[int, Field(ge=0, le=100_000)]
Days = Annotated[float, Field(gt=0, le=10_000, multiple_of=0.5)]


class Jobs(BaseModel):
    """Full-time equivalents, kept apart: created (IRIS+ PI3687: net new FTE since
    the baseline) and maintained (IRIS+ PI5691: baseline positions still filled)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    created: Headcount
    maintained: Headcount


class ApplicationSubmitted(Event):
    TYPE: ClassVar[str] = "org.alize.intake.application.submitted.v1"
    TOPIC: ClassVar[str] = topics.APPLICATIONS
    KEY_FIELD: ClassVar[str] = "application_id"
    SUBJECT_FIELD: ClassVar[str] = "application_id"

    application_id: UUID
    programme: Programme
    firm_id: FirmId | None = Field(
        description="Registry number of the firm; null for a person with no firm yet."
    )
    submitted_at: datetime
    jobs_planned: Jobs = Field(description="Jobs the applicant plans, as stated at application.")
    baseline_headcount: Headcount
    skills_needed: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(
        default_factory=list, max_length=50
    )


class ProjectApproved(Event):
    TYPE: ClassVar[str] = "org.alize.committee.project.approved.v1"
    TOPIC: ClassVar[str] = topics.PROJECTS
    KEY_FIELD: ClassVar[str] = "application_id"
    SUBJECT_FIELD: ClassVar[str] = "application_id"

    application_id: UUID = Field(description="The approved application; the project keeps its id.")
    programme: Programme
    firm_id: FirmId | None
    decided_at: datetime
    skill_days_contracted: Annotated[float, Field(ge=0, le=10_000, multiple_of=0.5)]
    advance_amount_cents: Annotated[int, Field(gt=0)] | None = Field(
        default=None, description="Repayable advance granted, in euro cents; null when none."
    )
    jobs_planned: Jobs = Field(description="Jobs planned at approval; a forecast, not an outcome.")


class ProjectRejected(Event):
    TYPE: ClassVar[str] = "org.alize.committee.project.rejected.v1"
    TOPIC: ClassVar[str] = topics.PROJECTS
    KEY_FIELD: ClassVar[str] = "application_id"
    SUBJECT_FIELD: ClassVar[str] = "application_id"

    application_id: UUID
    programme: Programme
    decided_at: datetime
    reason: Annotated[str, Field(min_length=1, max_length=500)] = Field(
        description="Why the committee rejected the project (about the project, not a person)."
    )


class MissionDayLogged(Event):
    TYPE: ClassVar[str] = "org.alize.missions.mission.day_logged.v1"
    TOPIC: ClassVar[str] = topics.MISSIONS
    KEY_FIELD: ClassVar[str] = "mission_id"
    SUBJECT_FIELD: ClassVar[str] = "mission_id"

    mission_id: UUID
    day_id: UUID
    application_id: UUID
    worked_on: date
    days: Annotated[float, Field(gt=0, le=1, multiple_of=0.5)] = Field(
        description="0.5 for a half day, 1 for a full day."
    )


class JobDeclared(Event):
    TYPE: ClassVar[str] = "org.alize.missions.jobs.declared.v1"
    TOPIC: ClassVar[str] = topics.JOBS
    KEY_FIELD: ClassVar[str] = "application_id"
    SUBJECT_FIELD: ClassVar[str] = "application_id"

    declaration_id: UUID
    application_id: UUID
    firm_id: FirmId | None
    as_of: date = Field(description="Date the declared figures describe.")
    jobs: Jobs = Field(
        description="Jobs actually created and maintained at `as_of`. A later declaration "
        "for the same application supersedes an earlier one."
    )


EVENT_TYPES: dict[str, type[Event]] = {
    cls.TYPE: cls
    for cls in (ApplicationSubmitted, ProjectApproved, ProjectRejected, MissionDayLogged, JobDeclared)
}
"""Every event type this version of the contracts knows, by CloudEvents `type`."""
