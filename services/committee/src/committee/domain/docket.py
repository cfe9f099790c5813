"""The docket: applications as the committee sees them (from intake's events), and what a
decision does to one of them, with the contract events it raises."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from alize_chassis.errors import Conflict, Rejected
from alize_contracts import Event, Jobs, ProjectApproved, ProjectRejected
from alize_contracts.events import AdvanceGranted, PartnerAssignment, ProjectAmended, ProjectDeferred

from committee.domain.partners import check_competence

Status = Literal["pending", "approved", "rejected", "deferred", "withdrawn"]
DECIDABLE: tuple[Status, ...] = ("pending", "deferred")


@dataclass(frozen=True)
class Assignment:
    """Days of a partner company's competence (one of the catalogue's) assigned to a project."""

    partner_id: UUID
    competence: str
    days: Decimal

    def __post_init__(self) -> None:
        check_competence(self.competence)


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

    def __post_init__(self) -> None:
        if not self.partners:
            raise Rejected("an amendment assigns additional days to partner companies")
        _check_assignments(self.partners)

    @property
    def additional_days(self) -> Decimal:
        return sum((a.days for a in self.partners), Decimal(0))


Outcome = Approval | Rejection | Deferral | Amendment


def half_days(value: float) -> Decimal:
    """Half days, exact: the contracts carry them as JSON numbers (multiples of 0.5)."""
    return Decimal(str(value))


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

    def check_decidable(self, territory: str, outcome: Outcome) -> None:
        if self.territory != territory:
            # Named like a missing one: another territory's applications are not the caller's to know.
            raise Rejected(f"application {self.application_id} is not on the docket of {territory}")
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
        """The entry once `outcome` is decided `at`; an amendment leaves it as its approval did
        (approved, decided when it was approved)."""
        if isinstance(outcome, Amendment):
            return self
        status: Status = "deferred"
        if isinstance(outcome, Approval):
            _check_approval(self, outcome)
            status = "approved"
        elif isinstance(outcome, Rejection):
            status = "rejected"
        return replace(self, status=status, decided_at=at)

    def decision_events(
        self, outcome: Outcome, session_id: UUID, at: datetime, decided_by: str | None = None
    ) -> list[Event]:
        """The events of this (decided) entry's `outcome`, decided `at` by session `session_id` and
        recorded by `decided_by`."""
        common: dict[str, Any] = {
            "territory": self.territory,
            "application_id": self.application_id,
            "programme": self.programme,
            "decided_at": at,
            "session_id": session_id,
            "decided_by": decided_by,
        }
        if isinstance(outcome, Approval):
            events: list[Event] = [
                ProjectApproved(
                    **common,
                    firm_id=self.firm_id,
                    skill_days_contracted=float(outcome.skill_days),
                    advance_amount_cents=outcome.advance_amount_cents,
                    jobs_planned=Jobs(created=self.jobs_planned_created, maintained=self.jobs_planned_maintained),
                    call_id=self.call_id,
                    baseline_headcount=self.baseline_headcount,
                    partners=_partner_assignments(outcome.partners),
                )
            ]
            if outcome.advance_amount_cents:
                events.append(
                    AdvanceGranted(
                        territory=self.territory,
                        application_id=self.application_id,
                        firm_id=self.firm_id,
                        call_id=self.call_id,
                        session_id=session_id,
                        granted_at=at,
                        amount_cents=outcome.advance_amount_cents,
                    )
                )
            return events
        if isinstance(outcome, Amendment):
            return [
                ProjectAmended(
                    **common,
                    additional_skill_days=float(outcome.additional_days),
                    partners=_partner_assignments(outcome.partners),
                )
            ]
        if isinstance(outcome, Rejection):
            return [ProjectRejected(**common, reason=outcome.reason)]
        return [ProjectDeferred(**common, reason=outcome.reason)]


def _partner_assignments(partners: Sequence[Assignment]) -> list[PartnerAssignment]:
    return [PartnerAssignment(partner_id=a.partner_id, competence=a.competence, days=float(a.days)) for a in partners]


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
