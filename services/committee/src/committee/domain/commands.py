"""What the committee can be asked to do. A command whose fields are exactly a request's
body is that body (the HTTP layer adds nothing); the others carry the path's ids too.

Fields are checked for their type and limits only: which fields an outcome takes, and
every other rule, is the domain's (committee.domain)."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal
from uuid import UUID

from alize_chassis.api import Strict
from alize_chassis.unit_of_work import Command, PersonalData
from alize_contracts import Territory
from alize_contracts.dates import PlannedDate
from alize_contracts.events import CapacityYear, Cents, CompanyName, CompetenceCode, HalfDays, Text
from pydantic import EmailStr, Field

Members = Annotated[list[UUID], Field(min_length=1, max_length=100)]
"""Committee members, at most a hundred (a session's size)."""
Reason = Annotated[Text, Field(min_length=3)]
Name = Annotated[str, Field(min_length=1, max_length=200)]

# --- members ---------------------------------------------------------------------------


class AddMember(Command):
    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"full_name", "email"})

    territory: Territory
    full_name: Name
    email: EmailStr
    organisation: Annotated[str, Field(max_length=200)] | None = None
    partner_id: UUID | None = Field(default=None, description="The partner company the member works for, if any.")


class EraseMember(Command):
    """Erasure request: the member's personal data is removed; the decisions they took part in stay."""

    member_id: UUID


class ConflictOfInterest(Strict):
    """A member's tie to a firm or to a partner company (exactly one): the member abstains on its projects."""

    firm_id: Annotated[str, Field(min_length=1, max_length=32)] | None = Field(
        default=None, description="SIREN, SIRET or Belgian enterprise number (normalised as in applications)."
    )
    partner_id: UUID | None = None


class DeclareConflict(Command):
    member_id: UUID
    tie: ConflictOfInterest


# --- sessions and their decisions ------------------------------------------------------


class PlanSession(Command):
    territory: Territory
    held_on: PlannedDate
    quorum: Annotated[int, Field(ge=1, le=100)]
    member_ids: Members = Field(description="Members sitting in the session.")


class PartnerDays(Strict):
    partner_id: UUID
    competence: CompetenceCode
    days: Annotated[HalfDays, Field(gt=0)]


class Decision(Strict):
    """One item of a session's decisions; which fields go with which outcome is the domain's rule
    (committee.domain.sessions.Vote.of)."""

    application_id: UUID
    outcome: Literal["approve", "reject", "defer", "amend"] = Field(
        description="amend: more skill days for an approved project (partners: the additional days)."
    )
    voters: Members | None = Field(
        default=None,
        description="Members who voted for this outcome without a ballot of their own (on paper, in the room). "
        "The members' ballots for it (PUT /sessions/{session_id}/ballots/{application_id}) are counted with them; "
        "together they make the quorum. Refused (422): a conflicted member named, a member named whose ballot "
        "chose otherwise, or ballots favouring another outcome.",
    )
    skill_days: HalfDays | None = Field(default=None, description="approve: skill days contracted.")
    partners: list[PartnerDays] = Field(
        default_factory=list, max_length=50, description="approve: who lends which skills."
    )
    advance_amount_cents: Annotated[Cents, Field(gt=0)] | None = None
    reason: Reason | None = Field(
        default=None, description="reject/defer: why (about the project, never about a person)."
    )


Decisions = Annotated[list[Decision], Field(min_length=1, max_length=200)]


class SessionDecisions(Strict):
    decisions: Decisions


class RecordDecisions(Command):
    """A whole session's decisions, all or nothing."""

    session_id: UUID
    decisions: Decisions


Choice = Literal["approve", "reject", "defer", "abstain"]


class BallotChoice(Strict):
    choice: Choice = Field(
        description="The member's vote on this item; a member conflicted on its firm can only abstain."
    )


class CastBallot(Command):
    """A member's own vote on an item of a session's agenda (the member: the caller's account)."""

    session_id: UUID
    application_id: UUID
    member_id: UUID
    choice: Choice


# --- the revolving fund of advances ----------------------------------------------------


class Fund(Strict):
    fund_cents: Cents


class SetFund(Command):
    territory: Territory
    fund_cents: Cents


# --- partners --------------------------------------------------------------------------


class Site(Strict):
    territory: Territory
    city: Annotated[str, Field(max_length=120)] | None = None


class PartnerContact(PersonalData):
    """Personal data: kept in the committee's database only."""

    full_name: Name
    email: EmailStr


class AddPartner(Command):
    company_name: CompanyName
    territory: Territory = Field(description="The territory whose network the company joins.")
    sites: list[Site] = Field(min_length=1, max_length=50)
    contact: PartnerContact | None = None


class ErasePartnerContact(Command):
    """Erasure request: the partner company's contact person's personal data is removed."""

    partner_id: UUID


class CompetenceOffer(Strict):
    site_id: UUID
    competence: CompetenceCode
    year: CapacityYear
    yearly_capacity_days: HalfDays


class OfferCompetence(Command):
    partner_id: UUID
    offer: CompetenceOffer
