"""What missions can be asked to do. A command whose fields are exactly a request's body is
that body (the HTTP layer adds nothing); the others carry the path's ids, the acting party
(from the caller's verified token: its `partner_id` or `firm_id` claim) and the body as a field
of its own. The request bodies check types and limits only; the rules are the domain's."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal
from uuid import UUID

from alize_chassis.api import Strict
from alize_chassis.unit_of_work import Command, PersonalData
from alize_contracts import Territory
from alize_contracts.dates import PastDate, PlannedDate
from alize_contracts.events import Cents, CompetenceCode, DayLength, Headcount, Satisfaction, Text
from pydantic import EmailStr, Field

from missions.domain.advances import MAX_SCHEDULE_MONTHS
from missions.domain.guidance import Outcome
from missions.domain.missions import WindowMonths
from missions.domain.parties import Party

FullName = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[Text, Field(min_length=3)]
FirmIdAsGiven = Annotated[str, Field(max_length=32)]
"""A SIREN, SIRET or Belgian enterprise number as typed (normalised by python-stdnum)."""

# --- missions ------------------------------------------------------------------------


class Window(Strict):
    months: WindowMonths


class SetMissionWindow(Command):
    territory: Territory
    window: Window


class Expert(PersonalData):
    """The lent employee: personal data, kept in the missions database only."""

    full_name: FullName
    email: EmailStr
    job_title: Annotated[str, Field(max_length=200)] | None = None


class ConventionTerms(Strict):
    expert: Expert
    starts_on: PlannedDate
    ends_on: PlannedDate
    signed_on: PastDate | None = Field(default=None, description="Give it when both firms have signed already.")


class DrawUpConvention(Command):
    mission_id: UUID
    terms: ConventionTerms


class Signature(Strict):
    signed_on: PastDate


class SignConvention(Command):
    mission_id: UUID
    signature: Signature


class LogDay(Strict):
    worked_on: PastDate
    days: DayLength = Field(description="0.5 for a half day, 1 for a full day.")
    competence: CompetenceCode | None = None


class LogMissionDay(Command):
    party: Party
    mission_id: UUID
    day: LogDay


class ConfirmDay(Command):
    party: Party
    mission_id: UUID
    day_id: UUID


class Dispute(Strict):
    reason: Reason


class DisputeDay(Command):
    party: Party
    mission_id: UUID
    day_id: UUID
    dispute: Dispute


class Closure(Strict):
    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"comment"})  # may name the expert

    closed_on: PastDate
    satisfaction: Satisfaction = Field(description="The host firm's evaluation, 1 to 5.")
    comment: Annotated[str, Field(max_length=2000)] | None = None


class CloseMission(Command):
    party: Party
    mission_id: UUID
    closure: Closure


# --- jobs ----------------------------------------------------------------------------


class Declaration(Strict):
    as_of: PastDate
    headcount: Headcount = Field(description="Full-time equivalents at `as_of`.")


class DeclareJobs(Command):
    application_id: UUID
    declaration: Declaration


# --- advances ------------------------------------------------------------------------


class Disbursement(Strict):
    disbursed_on: PastDate
    installments: Annotated[int, Field(ge=1, le=MAX_SCHEDULE_MONTHS)]
    first_due_on: PlannedDate
    months_between: Annotated[int, Field(ge=1, le=12)] = 1


class DisburseAdvance(Command):
    advance_id: UUID
    disbursement: Disbursement


class Repayment(Strict):
    received_on: PastDate
    amount_cents: Annotated[Cents, Field(gt=0)]


class RepayAdvance(Command):
    advance_id: UUID
    repayment: Repayment


class WriteOff(Strict):
    written_off_on: PastDate
    reason: Reason


class WriteOffAdvance(Command):
    advance_id: UUID
    write_off: WriteOff


# --- guidance ------------------------------------------------------------------------


class EraseExpert(Command):
    """Erasure request: the lent expert's personal data is removed; the mission and its days stay."""

    mission_id: UUID


class EraseEvaluationComment(Command):
    """Erasure request: the closure's evaluation comment (which may name a person) is removed."""

    mission_id: UUID


class EraseCounsellor(Command):
    """Erasure request: the counsellor's personal data is removed; the sessions they held stay."""

    counsellor_id: UUID


class AddCounsellor(Command):
    """Personal data, kept in the missions database only."""

    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"full_name", "email"})

    territory: Territory
    full_name: FullName
    email: EmailStr


class GuidanceSession(Strict):
    counsellor_id: UUID
    held_on: PastDate
    days: DayLength = Field(description="0.5 for a half day, 1 for a full day.")


class LogGuidanceSession(Command):
    application_id: UUID
    session: GuidanceSession


class ParticipantOutcome(Strict):
    outcome: Outcome
    recorded_on: PastDate
    firm_id: FirmIdAsGiven | None = Field(default=None, description="For firm_created.")
    created_on: PastDate | None = Field(default=None, description="For firm_created: the firm's creation date.")


class RecordOutcome(Command):
    application_id: UUID
    outcome: ParticipantOutcome


class SurvivalCheck(Strict):
    years: Literal[1, 2, 3]
    active: bool
    checked_on: PastDate


class ReportSurvival(Command):
    firm_id: FirmIdAsGiven
    check: SurvivalCheck
