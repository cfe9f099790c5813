"""The committee's rules: docket entries, sessions, quorum and conflicts of
interest, budgets of calls, partner capacity. No I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from alize_chassis.errors import Conflict, Rejected

Status = Literal["pending", "approved", "rejected", "deferred", "withdrawn"]
DECIDABLE: tuple[Status, ...] = ("pending", "deferred")


@dataclass(frozen=True)
class Assignment:
    partner_id: UUID
    competence: str
    days: Decimal


@dataclass(frozen=True)
class Approval:
    skill_days: Decimal
    advance_amount_cents: int | None = None
    partners: tuple[Assignment, ...] = ()


@dataclass(frozen=True)
class Rejection:
    reason: str


@dataclass(frozen=True)
class Deferral:
    reason: str


@dataclass(frozen=True)
class Amendment:
    """More skill days for an approved project, by partner and competence."""

    partners: tuple[Assignment, ...]

    @property
    def additional_days(self) -> Decimal:
        return sum((a.days for a in self.partners), Decimal(0))


Outcome = Approval | Rejection | Deferral | Amendment


@dataclass(frozen=True)
class DocketEntry:
    """An application as the committee sees it, from intake's events."""

    application_id: UUID
    territory: str
    programme: str
    firm_id: str | None
    jobs_planned_created: int
    jobs_planned_maintained: int
    call_id: UUID | None = None
    skills_needed: tuple[str, ...] = ()
    eligible: bool | None = None
    screening_reasons: tuple[str, ...] = ()
    status: Status = "pending"
    decided_at: datetime | None = None
    baseline_headcount: int | None = None

    def check_decidable(self, territory: str, outcome: Outcome | None = None) -> None:
        if self.territory != territory:
            raise Rejected(f"application {self.application_id} belongs to {self.territory}, not to {territory}")
        if isinstance(outcome, Amendment):
            if self.status != "approved":
                raise Conflict(
                    f"only an approved project can be amended; application {self.application_id} is {self.status}"
                )
            return
        if self.status == "withdrawn":
            raise Conflict(f"application {self.application_id} was withdrawn by the applicant")
        if self.status not in DECIDABLE:
            raise Conflict(f"application {self.application_id} was already {self.status}")
        if self.eligible is None:
            raise Conflict(f"application {self.application_id} has not been screened yet")
        if not self.eligible:
            raise Rejected(
                f"application {self.application_id} was screened ineligible: {' '.join(self.screening_reasons)}"
            )

    def decide(self, outcome: Outcome, at: datetime) -> DocketEntry:
        status: Status = "deferred"
        if isinstance(outcome, Approval):
            _check_approval(self, outcome)
            status = "approved"
        elif isinstance(outcome, Rejection):
            status = "rejected"
        elif isinstance(outcome, Amendment):
            _check_assignments(outcome.partners)
            if not outcome.partners:
                raise Rejected("an amendment assigns additional days to partner companies")
            status = "approved"
        return replace(self, status=status, decided_at=at)


def _check_approval(entry: DocketEntry, approval: Approval) -> None:
    if entry.programme == "skill_sponsorship" and approval.skill_days == 0 and not approval.advance_amount_cents:
        raise Rejected("an approval grants skill days, an advance, or both")
    if approval.skill_days and entry.programme == "skill_sponsorship":
        if not approval.partners:
            raise Rejected("skill days need partner companies assigned (partners: partner, competence, days)")
        _check_assignments(approval.partners)
        assigned = sum((a.days for a in approval.partners), Decimal(0))
        if assigned != approval.skill_days:
            raise Rejected(
                f"partners are assigned {assigned} days in all; the skill days contracted are {approval.skill_days}"
            )


def _check_assignments(partners: Sequence[Assignment]) -> None:
    pairs = [(a.partner_id, a.competence) for a in partners]
    if len(set(pairs)) != len(pairs):
        raise Rejected("a partner and competence appear twice in the assignment: give their days once")


# --- members, sessions, conflicts of interest -------------------------------------


def same_firm(firm_id: str) -> str:
    """The firm a normalised identifier refers to: a SIRET names one establishment of the firm
    whose SIREN is its first nine digits; a SIREN or a Belgian enterprise number, the firm itself."""
    return firm_id[:9] if len(firm_id) == 14 and firm_id.isdigit() else firm_id


@dataclass(frozen=True)
class Member:
    id: UUID
    territory: str
    partner_id: UUID | None = None  # a member who works for a partner company
    firm_conflicts: frozenset[str] = frozenset()
    partner_conflicts: frozenset[UUID] = frozenset()

    def conflict_with(self, firm_id: str | None, partners: Iterable[UUID]) -> str | None:
        """Why this member must abstain on a project, or None."""
        if firm_id is not None and same_firm(firm_id) in {same_firm(f) for f in self.firm_conflicts}:
            return f"tied to the firm {firm_id}"
        for partner in partners:
            if partner in self.partner_conflicts or partner == self.partner_id:
                return f"tied to the assigned partner {partner}"
        return None


@dataclass(frozen=True)
class Session:
    id: UUID
    territory: str
    held_on: date
    quorum: int
    member_ids: frozenset[UUID] = field(default_factory=frozenset)
    held_at: datetime | None = None

    def check_open(self) -> None:
        if self.held_at is not None:
            raise Conflict(f"session {self.id} was already held: its decisions are recorded")

    def check_vote(
        self, entry: DocketEntry, outcome: Outcome, voters: Sequence[UUID], members: Mapping[UUID, Member]
    ) -> None:
        """Voters attend the session, none is conflicted, and they make the quorum."""
        strangers = [v for v in voters if v not in self.member_ids]
        if strangers:
            raise Rejected(f"voters {', '.join(map(str, strangers))} do not sit in session {self.id}")
        partners = [a.partner_id for a in outcome.partners] if isinstance(outcome, Approval | Amendment) else []
        for voter in voters:
            reason = members[voter].conflict_with(entry.firm_id, partners)
            if reason:
                raise Rejected(
                    f"member {voter} is conflicted on application {entry.application_id} ({reason}) and must abstain"
                )
        if len(set(voters)) < self.quorum:
            raise Rejected(
                f"no quorum on application {entry.application_id}: {len(set(voters))} non-conflicted voters, "
                f"the quorum is {self.quorum}"
            )


# --- budgets -------------------------------------------------------------------------


@dataclass(frozen=True)
class CallBudget:
    call_id: UUID
    skill_days_budget: Decimal
    advances_budget_cents: int
    skill_days_granted: Decimal
    advances_granted_cents: int

    def check(self, days: Decimal, advance: int) -> None:
        days_left = self.skill_days_budget - self.skill_days_granted
        if days > days_left:
            raise Rejected(f"{days} skill days are over the call's budget: {days_left} left")
        left = self.advances_budget_cents - self.advances_granted_cents
        if advance > left:
            raise Rejected(
                f"an advance of {advance / 100:.2f} EUR is over the fund: {left / 100:.2f} EUR left "
                f"in call {self.call_id}"
            )


@dataclass(frozen=True)
class AdvanceFund:
    """A territory's revolving fund: advances granted draw on it, repayments refill it;
    an amount written off never comes back."""

    territory: str
    fund_cents: int
    granted_cents: int
    repaid_cents: int

    @property
    def available_cents(self) -> int:
        return self.fund_cents - self.granted_cents + self.repaid_cents

    def check(self, advance: int) -> None:
        if advance > self.available_cents:
            raise Rejected(
                f"an advance of {advance / 100:.2f} EUR is over the fund: {self.available_cents / 100:.2f} EUR "
                f"available in the revolving fund of {self.territory}"
            )


@dataclass(frozen=True)
class Capacity:
    partner_id: UUID
    competence: str
    year: int
    offered: Decimal
    assigned: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.offered - self.assigned

    def check(self, days: Decimal) -> None:
        if days > self.remaining:
            raise Rejected(
                f"partner {self.partner_id} has {self.remaining} of {self.offered} days of '{self.competence}' "
                f"left in {self.year}; {days} asked"
            )


# --- partner suggestions -------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    partner_id: UUID
    company_name: str
    territories: frozenset[str]
    competence: str
    remaining_days: Decimal


@dataclass(frozen=True)
class Suggestion:
    partner_id: UUID
    company_name: str
    competences: tuple[str, ...]
    remaining_days: Decimal
    same_territory: bool


def suggest(needed: Sequence[str], territory: str, offers: Iterable[Offer]) -> list[Suggestion]:
    """Partners ranked: same territory first, then most needed competences covered,
    then most remaining capacity on those competences."""
    by_partner: dict[UUID, list[Offer]] = {}
    for offer in offers:
        if offer.competence in needed and offer.remaining_days > 0:
            by_partner.setdefault(offer.partner_id, []).append(offer)
    suggestions = [
        Suggestion(
            partner_id=partner_id,
            company_name=found[0].company_name,
            competences=tuple(sorted({o.competence for o in found})),
            remaining_days=sum((o.remaining_days for o in found), Decimal(0)),
            same_territory=territory in found[0].territories,
        )
        for partner_id, found in by_partner.items()
    ]
    return sorted(
        suggestions,
        key=lambda s: (not s.same_territory, -len(s.competences), -s.remaining_days, s.company_name),
    )
