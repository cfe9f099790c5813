"""Skill-sponsorship missions: the staff-loan convention, the day budget, days
logged by the partner and confirmed or disputed by the host firm, closure."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID, uuid4

from alize_chassis.errors import Conflict, Forbidden, Rejected
from alize_chassis.identifiers import firm_of
from alize_contracts import MissionDayLogged
from alize_contracts.events import (
    MissionAmended,
    MissionClosed,
    MissionConventionSigned,
    MissionDayConfirmed,
    MissionDayDisputed,
    MissionOpened,
    PartnerAssignment,
    ProjectApproved,
)
from pydantic import Field

from missions.domain.parties import Party
from missions.domain.projects import Project

DEFAULT_WINDOW_MONTHS = 18
WindowMonths = Annotated[int, Field(ge=12, le=18, description="How long after approval a mission may run.")]
"""The mission window a territory may set: 12 to 18 months after the project's approval
(DEFAULT_WINDOW_MONTHS where it set none)."""


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Convention:
    """The staff-loan convention: who is lent, for what, when; signed or not."""

    expert_id: UUID
    starts_on: date
    ends_on: date
    signed_on: date | None = None


@dataclass(frozen=True)
class Mission:
    id: UUID
    application_id: UUID
    territory: str
    firm_id: str | None
    partner_id: UUID | None
    competence: str | None
    days_budget: Decimal
    approved_on: date
    window_ends_on: date
    days_used: Decimal = Decimal(0)  # logged or confirmed; disputed days give their budget back
    days_awaiting_review: int = 0
    days_delivered: Decimal = Decimal(0)  # confirmed by the host firm
    convention: Convention | None = None
    closed_on: date | None = None

    @classmethod
    def open(
        cls,
        mission_id: UUID,
        project: Project,
        days: Decimal,
        assignment: PartnerAssignment | None,
        window_months: int | None,
    ) -> tuple[Mission, MissionOpened]:
        """A mission of `days` for a partner's assignment (none for a 1.0 approval), to run within
        the territory's window after the approval (`window_months`; None: the default)."""
        assert project.approved_on is not None
        mission = cls(
            id=mission_id,
            application_id=project.application_id,
            territory=project.territory,
            firm_id=project.firm_id,
            partner_id=assignment.partner_id if assignment else None,
            competence=assignment.competence if assignment else None,
            days_budget=days,
            approved_on=project.approved_on,
            window_ends_on=add_months(project.approved_on, window_months or DEFAULT_WINDOW_MONTHS),
        )
        return mission, MissionOpened(
            territory=mission.territory,
            mission_id=mission.id,
            application_id=mission.application_id,
            firm_id=mission.firm_id,
            partner_id=mission.partner_id,
            competence=mission.competence,
            days_contracted=float(mission.days_budget),
            window_ends_on=mission.window_ends_on,
        )

    def _check_open(self) -> None:
        if self.closed_on is not None:
            raise Conflict(f"mission {self.id} was closed on {self.closed_on}")

    def _check_partner(self, party: Party, action: str) -> None:
        if party.kind != "partner" or (self.partner_id is not None and party.id != str(self.partner_id)):
            who = f"the lending partner {self.partner_id}" if self.partner_id else "the lending partner"
            raise Forbidden(f"only {who} can {action} on mission {self.id}; {party} cannot")

    def _check_host(self, party: Party, action: str) -> None:
        # The host firm's account acts for the whole firm: a mission may name one establishment (SIRET).
        if party.kind != "firm" or self.firm_id is None or party.id != firm_of(self.firm_id):
            raise Forbidden(f"only the host firm {self.firm_id} can {action} on mission {self.id}; {party} cannot")

    def draw_up_convention(self, convention: Convention) -> Mission:
        self._check_open()
        if self.convention is not None and self.convention.signed_on is not None:
            raise Conflict(f"the convention of mission {self.id} is already signed")
        if convention.ends_on < convention.starts_on:
            raise Rejected(f"ends_on ({convention.ends_on}) is before starts_on ({convention.starts_on})")
        if convention.starts_on < self.approved_on:
            raise Rejected(f"the mission cannot start before the project's approval on {self.approved_on}")
        if convention.ends_on > self.window_ends_on:
            raise Rejected(f"the mission must end by {self.window_ends_on} (its window after approval)")
        return replace(self, convention=convention)

    def sign(self, signed_on: date) -> tuple[Mission, MissionConventionSigned]:
        self._check_open()
        convention = self.convention
        if convention is None:
            raise Conflict(f"mission {self.id} has no convention to sign yet")
        if convention.signed_on is not None:
            raise Conflict(f"the convention of mission {self.id} was already signed on {convention.signed_on}")
        signed = replace(self, convention=replace(convention, signed_on=signed_on))
        return signed, MissionConventionSigned(
            territory=self.territory,
            mission_id=self.id,
            application_id=self.application_id,
            expert_ref=convention.expert_id,
            competence=self.competence,
            starts_on=convention.starts_on,
            ends_on=convention.ends_on,
            signed_on=signed_on,
        )

    def check_day(self, party: Party, worked_on: date, days: Decimal, already_on_date: Decimal) -> None:
        """A day the partner logs: on a signed convention, inside its dates, within the budget."""
        self._check_open()
        self._check_partner(party, "log a day")
        if self.convention is None or self.convention.signed_on is None:
            raise Rejected(f"the convention of mission {self.id} is not signed: no day can be logged yet")
        if not self.convention.starts_on <= worked_on <= self.convention.ends_on:
            raise Rejected(
                f"{worked_on} is outside the mission window ({self.convention.starts_on} to {self.convention.ends_on})"
            )
        if self.days_used + days > self.days_budget:
            raise Rejected(
                f"mission {self.id} has {self.days_budget - self.days_used} of {self.days_budget} contracted days "
                f"left; cannot log {days}"
            )
        if already_on_date + days > 1:
            raise Rejected(
                f"mission {self.id} already has {already_on_date} day logged on {worked_on}; at most one day per date"
            )

    def log_day(
        self,
        party: Party,
        day_id: UUID,
        worked_on: date,
        days: Decimal,
        competence: str | None,
        already_on_date: Decimal,
    ) -> tuple[Day, MissionDayLogged]:
        """The day, in the mission's competence unless the partner names another."""
        self.check_day(party, worked_on, days, already_on_date)
        day = Day(day_id, self.id, worked_on, days, competence=competence or self.competence)
        return day, MissionDayLogged(
            territory=self.territory,
            mission_id=self.id,
            day_id=day.id,
            application_id=self.application_id,
            worked_on=day.worked_on,
            days=float(day.days),
            competence=day.competence,
        )

    def check_review(self, party: Party) -> None:
        """Who may review a day, and when: the host firm, on an open mission. Checked before the
        day is looked up: a refused party is refused whether the day exists or not."""
        self._check_open()
        self._check_host(party, "confirm or dispute a day")

    def review_day(self, day: Day, reason: str | None) -> tuple[Day, MissionDayConfirmed | MissionDayDisputed]:
        """The host firm confirms a day (no `reason`) or disputes it (with its reason), once
        `check_review` has passed for it."""
        reviewed = day.review("confirmed" if reason is None else "disputed")
        common = {
            "territory": self.territory,
            "mission_id": self.id,
            "day_id": day.id,
            "application_id": self.application_id,
            "worked_on": day.worked_on,
            "days": float(day.days),
        }
        if reason is None:
            return reviewed, MissionDayConfirmed(**common)  # type: ignore[arg-type]
        return reviewed, MissionDayDisputed(**common, reason=reason)  # type: ignore[arg-type]

    def amend(self, additional_days: Decimal, session_id: UUID) -> tuple[Mission, MissionAmended]:
        """More days, decided at the committee's session `session_id`."""
        amended = replace(self, days_budget=self.days_budget + additional_days)
        return amended, MissionAmended(
            territory=self.territory,
            mission_id=self.id,
            application_id=self.application_id,
            session_id=session_id,
            additional_days=float(additional_days),
            days_contracted=float(amended.days_budget),
        )

    def close(self, party: Party, closed_on: date, satisfaction: int) -> tuple[Mission, MissionClosed]:
        """Closed by the host firm, with its `satisfaction` (1 to 5), once no day awaits its review."""
        self._check_open()
        self._check_host(party, "close the mission")
        if closed_on < self.approved_on:
            raise Rejected(f"a mission cannot close before the project's approval on {self.approved_on}")
        if self.days_awaiting_review:
            raise Conflict(
                f"mission {self.id} has {self.days_awaiting_review} days awaiting the host firm's "
                "confirmation or dispute"
            )
        return replace(self, closed_on=closed_on), MissionClosed(
            territory=self.territory,
            mission_id=self.id,
            application_id=self.application_id,
            closed_on=closed_on,
            days_delivered=float(self.days_delivered),
            satisfaction=satisfaction,
        )


def opened_on_approval(
    project: Project, approval: ProjectApproved, window_months: int | None
) -> list[tuple[Mission, MissionOpened]]:
    """One mission per assigned partner and competence; one without a partner for a 1.0
    approval (skill days but no partners); none without skill days."""
    if approval.partners:
        return [Mission.open(uuid4(), project, Decimal(str(a.days)), a, window_months) for a in approval.partners]
    if approval.skill_days_contracted > 0:
        days = Decimal(str(approval.skill_days_contracted))
        return [Mission.open(uuid4(), project, days, None, window_months)]
    return []


DayStatus = Literal["logged", "confirmed", "disputed"]


@dataclass(frozen=True)
class Day:
    id: UUID
    mission_id: UUID
    worked_on: date
    days: Decimal
    status: DayStatus = "logged"
    competence: str | None = None

    def review(self, status: Literal["confirmed", "disputed"]) -> Day:
        if self.status != "logged":
            raise Conflict(f"day {self.id} was already {self.status}")
        return replace(self, status=status)
