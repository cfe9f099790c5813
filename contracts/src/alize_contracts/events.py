"""Event contracts, version 1.

Each class is the JSON data of one CloudEvent type. Identifiers are opaque
UUIDs or public business registry numbers; no event carries a name, contact or
any other personal data: those stay in the owning service's database behind an
opaque id.

Within v1, changes are additive and optional only (see compat.py): a field
added after 1.0.0 has a default, so events written before it still validate.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from alize_contracts import topics
from alize_contracts.base import Event, FirmId, Territory

Programme = Literal["skill_sponsorship", "self_employment"]
"""skill_sponsorship: partner companies lend skills (Alize model);
self_employment: guidance towards creating one's own job."""

ProjectKind = Literal["development", "takeover", "recovery", "creation"]
FirmSize = Literal["micro", "small", "medium", "large"]
"""EU size classes by headcount: micro < 10, small < 50, medium < 250."""

Headcount = Annotated[int, Field(ge=0, le=100_000)]
HalfDays = Annotated[float, Field(ge=0, le=10_000, multiple_of=0.5)]
Cents = Annotated[int, Field(ge=0, le=10_000_000_000)]
CompetenceCode = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
"""A code of the shared competence catalogue (alize_contracts.competences)."""
Text = Annotated[str, Field(min_length=1, max_length=500)]
NaceCode = Annotated[str, Field(pattern=r"^[A-U](\d{2}(\.\d{1,2})?)?$")]
"""NACE rev. 2 activity code: a section letter, optionally with division and class (C, C25, C25.62)."""
SkillsNeeded = Annotated[list[Annotated[str, Field(min_length=1, max_length=80)]], Field(max_length=50)]
"""Competence codes an applicant needs, from the shared catalogue."""
CompanyName = Annotated[str, Field(min_length=1, max_length=200)]
CapacityYear = Annotated[int, Field(ge=2000, le=2100)]
"""A year of a partner's competence capacity."""
Satisfaction = Annotated[int, Field(ge=1, le=5)]
"""The host firm's evaluation of a mission, 1 (poor) to 5 (excellent)."""


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Jobs(_Part):
    """Full-time equivalents, kept apart: created (IRIS+ PI3687: net new FTE since
    the baseline) and maintained (IRIS+ PI5691: baseline positions still filled)."""

    created: Headcount
    maintained: Headcount


# --- intake -----------------------------------------------------------------


class CallOpened(Event):
    TYPE: ClassVar[str] = "org.alize.intake.call.opened.v1"
    TOPIC: ClassVar[str] = topics.CALLS
    KEY_FIELD: ClassVar[str] = "call_id"

    call_id: UUID
    programme: Programme
    opens_on: date
    closes_on: date = Field(description="Last day on which applications are accepted.")
    skill_days_budget: HalfDays
    advances_budget_cents: Cents = Field(description="Repayable advances the call may grant, in euro cents.")


class CallClosed(Event):
    TYPE: ClassVar[str] = "org.alize.intake.call.closed.v1"
    TOPIC: ClassVar[str] = topics.CALLS
    KEY_FIELD: ClassVar[str] = "call_id"

    call_id: UUID
    programme: Programme
    closed_at: datetime
    reason: Literal["deadline", "closed_early"]


class ApplicationSubmitted(Event):
    TYPE: ClassVar[str] = "org.alize.intake.application.submitted.v1"
    TOPIC: ClassVar[str] = topics.APPLICATIONS
    KEY_FIELD: ClassVar[str] = "application_id"

    application_id: UUID
    programme: Programme
    firm_id: FirmId | None = Field(description="Registry number of the firm; null for a person with no firm yet.")
    submitted_at: datetime
    jobs_planned: Jobs = Field(description="Jobs the applicant plans over three years, as stated at application.")
    baseline_headcount: Headcount
    skills_needed: SkillsNeeded = Field(default_factory=list, description="Competence codes from the shared catalogue.")
    # Added in contracts 1.1.0 (optional: absent from earlier events).
    call_id: UUID | None = Field(default=None, description="The call the application answers.")
    project_kind: ProjectKind | None = None
    firm_size: FirmSize | None = None
    sector: NaceCode | None = Field(
        default=None, description="NACE rev. 2 code: a section letter, optionally with division/class."
    )
    advance_requested_cents: Cents | None = None


class ApplicationScreened(Event):
    TYPE: ClassVar[str] = "org.alize.intake.application.screened.v1"
    TOPIC: ClassVar[str] = topics.APPLICATIONS
    KEY_FIELD: ClassVar[str] = "application_id"

    application_id: UUID
    programme: Programme
    call_id: UUID | None = None
    screened_at: datetime
    eligible: bool
    reasons: list[Text] = Field(default_factory=list, description="Why it is not eligible (empty when eligible).")


class ApplicationWithdrawn(Event):
    TYPE: ClassVar[str] = "org.alize.intake.application.withdrawn.v1"
    TOPIC: ClassVar[str] = topics.APPLICATIONS
    KEY_FIELD: ClassVar[str] = "application_id"

    application_id: UUID
    programme: Programme
    withdrawn_at: datetime


# --- committee ----------------------------------------------------------------


Subject = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$")]
"""Who acted: the opaque identifier (`sub`) the identity provider gives an account, never a name."""

_BY = "The opaque identifier at the identity provider of who recorded it (never a name); null when unknown."


class PartnerAssignment(_Part):
    partner_id: UUID
    competence: CompetenceCode
    days: HalfDays


class ProjectApproved(Event):
    TYPE: ClassVar[str] = "org.alize.committee.project.approved.v1"
    TOPIC: ClassVar[str] = topics.PROJECTS
    KEY_FIELD: ClassVar[str] = "application_id"

    application_id: UUID = Field(description="The approved application; the project keeps its id.")
    programme: Programme
    firm_id: FirmId | None
    decided_at: datetime
    skill_days_contracted: HalfDays
    advance_amount_cents: Annotated[int, Field(gt=0)] | None = Field(
        default=None, description="Repayable advance granted, in euro cents; null when none."
    )
    jobs_planned: Jobs = Field(description="Jobs planned at approval; a forecast, not an outcome.")
    # Added in contracts 1.1.0.
    session_id: UUID | None = None
    call_id: UUID | None = None
    partners: list[PartnerAssignment] = Field(
        default_factory=list, description="Partner companies and competences assigned, with their days."
    )
    # Added in contracts 1.2.0.
    baseline_headcount: Headcount | None = Field(
        default=None, description="The firm's headcount at application, against which jobs are measured."
    )
    # Added in contracts 1.3.0.
    decided_by: Subject | None = Field(default=None, description=_BY)


class ProjectRejected(Event):
    TYPE: ClassVar[str] = "org.alize.committee.project.rejected.v1"
    TOPIC: ClassVar[str] = topics.PROJECTS
    KEY_FIELD: ClassVar[str] = "application_id"

    application_id: UUID
    programme: Programme
    decided_at: datetime
    reason: Text = Field(description="Why the committee rejected the project (about the project, not a person).")
    # Added in contracts 1.1.0.
    session_id: UUID | None = None
    # Added in contracts 1.3.0.
    decided_by: Subject | None = Field(default=None, description=_BY)


class ProjectAmended(Event):
    TYPE: ClassVar[str] = "org.alize.committee.project.amended.v1"
    TOPIC: ClassVar[str] = topics.PROJECTS
    KEY_FIELD: ClassVar[str] = "application_id"

    application_id: UUID
    programme: Programme
    session_id: UUID
    decided_at: datetime
    additional_skill_days: Annotated[float, Field(gt=0, le=10_000, multiple_of=0.5)]
    partners: list[PartnerAssignment] = Field(
        min_length=1, description="The additional days, by partner company and competence."
    )
    # Added in contracts 1.3.0.
    decided_by: Subject | None = Field(default=None, description=_BY)


class ProjectDeferred(Event):
    TYPE: ClassVar[str] = "org.alize.committee.project.deferred.v1"
    TOPIC: ClassVar[str] = topics.PROJECTS
    KEY_FIELD: ClassVar[str] = "application_id"

    application_id: UUID
    programme: Programme
    session_id: UUID
    decided_at: datetime
    reason: Text
    # Added in contracts 1.3.0.
    decided_by: Subject | None = Field(default=None, description=_BY)


class AdvanceGranted(Event):
    TYPE: ClassVar[str] = "org.alize.committee.advance.granted.v1"
    TOPIC: ClassVar[str] = topics.PROJECTS
    KEY_FIELD: ClassVar[str] = "application_id"

    application_id: UUID
    firm_id: FirmId | None
    call_id: UUID | None
    session_id: UUID
    granted_at: datetime
    amount_cents: Annotated[int, Field(gt=0)]


class DecisionCounts(_Part):
    approved: int = Field(ge=0)
    rejected: int = Field(ge=0)
    deferred: int = Field(ge=0)
    # Added in contracts 1.2.0.
    amended: int = Field(default=0, ge=0)


class CommitteeSessionHeld(Event):
    TYPE: ClassVar[str] = "org.alize.committee.session.held.v1"
    TOPIC: ClassVar[str] = topics.SESSIONS
    KEY_FIELD: ClassVar[str] = "session_id"

    session_id: UUID
    held_on: date
    quorum: int = Field(ge=1)
    members_present: int = Field(ge=0)
    decisions: DecisionCounts


class PartnerSite(_Part):
    site_id: UUID
    territory: Territory


class PartnerJoined(Event):
    TYPE: ClassVar[str] = "org.alize.committee.partner.joined.v1"
    TOPIC: ClassVar[str] = topics.PARTNERS
    KEY_FIELD: ClassVar[str] = "partner_id"

    partner_id: UUID
    company_name: CompanyName = Field(
        description="The partner company's registered name (a legal entity, not a person)."
    )
    sites: list[PartnerSite] = Field(min_length=1)
    joined_at: datetime


class CompetenceOffered(Event):
    TYPE: ClassVar[str] = "org.alize.committee.partner.competence_offered.v1"
    TOPIC: ClassVar[str] = topics.PARTNERS
    KEY_FIELD: ClassVar[str] = "partner_id"

    partner_id: UUID
    site_id: UUID
    competence: CompetenceCode
    year: CapacityYear
    yearly_capacity_days: HalfDays


# --- missions -------------------------------------------------------------------


DayLength = Annotated[float, Field(gt=0, le=1, multiple_of=0.5)]
"""0.5 for a half day, 1 for a full day."""


class MissionOpened(Event):
    TYPE: ClassVar[str] = "org.alize.missions.mission.opened.v1"
    TOPIC: ClassVar[str] = topics.MISSIONS
    KEY_FIELD: ClassVar[str] = "mission_id"

    mission_id: UUID
    application_id: UUID
    firm_id: FirmId | None = Field(description="The host firm.")
    partner_id: UUID | None = Field(description="The lending partner company (null for a mission from 1.0 events).")
    competence: CompetenceCode | None
    days_contracted: HalfDays
    window_ends_on: date = Field(description="The mission must end by this date (12 to 18 months after approval).")


class MissionConventionSigned(Event):
    TYPE: ClassVar[str] = "org.alize.missions.mission.convention_signed.v1"
    TOPIC: ClassVar[str] = topics.MISSIONS
    KEY_FIELD: ClassVar[str] = "mission_id"

    mission_id: UUID
    application_id: UUID
    expert_ref: UUID = Field(description="Opaque reference of the lent employee (their data stays in missions).")
    competence: CompetenceCode | None
    starts_on: date
    ends_on: date
    signed_on: date


class MissionDayLogged(Event):
    TYPE: ClassVar[str] = "org.alize.missions.mission.day_logged.v1"
    TOPIC: ClassVar[str] = topics.MISSIONS
    KEY_FIELD: ClassVar[str] = "mission_id"

    mission_id: UUID
    day_id: UUID
    application_id: UUID
    worked_on: date
    days: Annotated[float, Field(gt=0, le=1, multiple_of=0.5)] = Field(
        description="0.5 for a half day, 1 for a full day."
    )
    # Added in contracts 1.2.0.
    competence: CompetenceCode | None = None


class MissionDayConfirmed(Event):
    TYPE: ClassVar[str] = "org.alize.missions.mission.day_confirmed.v1"
    TOPIC: ClassVar[str] = topics.MISSIONS
    KEY_FIELD: ClassVar[str] = "mission_id"

    mission_id: UUID
    day_id: UUID
    application_id: UUID
    worked_on: date
    days: DayLength = Field(description="Confirmed by the host firm: a day delivered.")


class MissionDayDisputed(Event):
    TYPE: ClassVar[str] = "org.alize.missions.mission.day_disputed.v1"
    TOPIC: ClassVar[str] = topics.MISSIONS
    KEY_FIELD: ClassVar[str] = "mission_id"

    mission_id: UUID
    day_id: UUID
    application_id: UUID
    worked_on: date
    days: DayLength
    reason: Text


class MissionAmended(Event):
    TYPE: ClassVar[str] = "org.alize.missions.mission.amended.v1"
    TOPIC: ClassVar[str] = topics.MISSIONS
    KEY_FIELD: ClassVar[str] = "mission_id"

    mission_id: UUID
    application_id: UUID
    session_id: UUID = Field(description="The committee session that approved the amendment.")
    additional_days: Annotated[float, Field(gt=0, le=10_000, multiple_of=0.5)]
    days_contracted: HalfDays = Field(description="The budget after the amendment.")


class MissionClosed(Event):
    TYPE: ClassVar[str] = "org.alize.missions.mission.closed.v1"
    TOPIC: ClassVar[str] = topics.MISSIONS
    KEY_FIELD: ClassVar[str] = "mission_id"

    mission_id: UUID
    application_id: UUID
    closed_on: date
    days_delivered: HalfDays
    satisfaction: Satisfaction = Field(description="The host firm's evaluation, 1 (poor) to 5 (excellent).")


class JobDeclared(Event):
    TYPE: ClassVar[str] = "org.alize.missions.jobs.declared.v1"
    TOPIC: ClassVar[str] = topics.JOBS
    KEY_FIELD: ClassVar[str] = "application_id"

    declaration_id: UUID
    application_id: UUID
    firm_id: FirmId | None
    as_of: date = Field(description="Date the declared figures describe.")
    jobs: Jobs = Field(
        description="Jobs actually created and maintained at `as_of`. A later declaration "
        "for the same firm (or, with no firm, the same application) supersedes an earlier one."
    )
    # Added in contracts 1.2.0.
    headcount: Headcount | None = Field(default=None, description="Full-time equivalents declared at `as_of`.")
    baseline_headcount: Headcount | None = Field(
        default=None, description="The baseline the jobs are measured against."
    )


# --- repayable advances ---------------------------------------------------------------


class Installment(_Part):
    due_on: date
    amount_cents: Annotated[int, Field(gt=0)]


class AdvanceDisbursed(Event):
    TYPE: ClassVar[str] = "org.alize.missions.advance.disbursed.v1"
    TOPIC: ClassVar[str] = topics.ADVANCES
    KEY_FIELD: ClassVar[str] = "advance_id"

    advance_id: UUID
    application_id: UUID
    firm_id: FirmId | None
    amount_cents: Annotated[int, Field(gt=0)]
    disbursed_on: date
    schedule: list[Installment] = Field(min_length=1, description="The repayment schedule; sums to the amount.")
    # Added in contracts 1.3.0.
    recorded_by: Subject | None = Field(default=None, description=_BY)


class AdvanceRepaymentReceived(Event):
    TYPE: ClassVar[str] = "org.alize.missions.advance.repayment_received.v1"
    TOPIC: ClassVar[str] = topics.ADVANCES
    KEY_FIELD: ClassVar[str] = "advance_id"

    advance_id: UUID
    application_id: UUID
    repayment_id: UUID
    amount_cents: Annotated[int, Field(gt=0)]
    received_on: date
    outstanding_cents: Cents = Field(description="What remains owed after this repayment.")
    # Added in contracts 1.3.0.
    recorded_by: Subject | None = Field(default=None, description=_BY)


class AdvanceWrittenOff(Event):
    TYPE: ClassVar[str] = "org.alize.missions.advance.written_off.v1"
    TOPIC: ClassVar[str] = topics.ADVANCES
    KEY_FIELD: ClassVar[str] = "advance_id"

    advance_id: UUID
    application_id: UUID
    amount_cents: Annotated[int, Field(gt=0)] = Field(description="The outstanding amount written off.")
    written_off_on: date
    reason: Text

    # --- self-employment guidance -----------------------------------------------------------
    # Added in contracts 1.3.0.
    recorded_by: Subject | None = Field(default=None, description=_BY)


class GuidanceSessionLogged(Event):
    TYPE: ClassVar[str] = "org.alize.missions.guidance.session_logged.v1"
    TOPIC: ClassVar[str] = topics.GUIDANCE
    KEY_FIELD: ClassVar[str] = "application_id"

    application_id: UUID = Field(description="The participant's guidance track (their approved application).")
    session_id: UUID
    counsellor_ref: UUID = Field(description="Opaque reference of the counsellor.")
    held_on: date
    days: DayLength


class ParticipantOutcomeRecorded(Event):
    TYPE: ClassVar[str] = "org.alize.missions.guidance.outcome_recorded.v1"
    TOPIC: ClassVar[str] = topics.GUIDANCE
    KEY_FIELD: ClassVar[str] = "application_id"

    application_id: UUID
    outcome: Literal["firm_created", "employment", "left_programme"]
    recorded_on: date
    firm_id: FirmId | None = Field(default=None, description="The new firm's identifier, for firm_created.")


class BusinessCreated(Event):
    TYPE: ClassVar[str] = "org.alize.missions.guidance.business_created.v1"
    TOPIC: ClassVar[str] = topics.GUIDANCE
    KEY_FIELD: ClassVar[str] = "application_id"

    application_id: UUID
    firm_id: FirmId
    created_on: date


class BusinessSurvivalReported(Event):
    TYPE: ClassVar[str] = "org.alize.missions.guidance.survival_reported.v1"
    TOPIC: ClassVar[str] = topics.GUIDANCE
    KEY_FIELD: ClassVar[str] = "application_id"

    application_id: UUID
    firm_id: FirmId
    years: Literal[1, 2, 3] = Field(description="The check N years after the firm's creation.")
    active: bool
    checked_on: date


EVENT_TYPES: dict[str, type[Event]] = {
    cls.TYPE: cls
    for cls in (
        CallOpened,
        CallClosed,
        ApplicationSubmitted,
        ApplicationScreened,
        ApplicationWithdrawn,
        ProjectApproved,
        ProjectRejected,
        ProjectDeferred,
        ProjectAmended,
        AdvanceGranted,
        CommitteeSessionHeld,
        PartnerJoined,
        CompetenceOffered,
        MissionOpened,
        MissionConventionSigned,
        MissionDayLogged,
        MissionDayConfirmed,
        MissionDayDisputed,
        MissionAmended,
        MissionClosed,
        JobDeclared,
        AdvanceDisbursed,
        AdvanceRepaymentReceived,
        AdvanceWrittenOff,
        GuidanceSessionLogged,
        ParticipantOutcomeRecorded,
        BusinessCreated,
        BusinessSurvivalReported,
    )
}
"""Every event type this version of the contracts knows, by CloudEvents `type`."""
