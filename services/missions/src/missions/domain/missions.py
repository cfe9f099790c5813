"""Skill-sponsorship missions: the staff-loan convention, the day budget, days
logged by the partner and confirmed or disputed by the host firm, closure."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from alize_chassis.errors import Conflict, Forbidden, Rejected

from missions.domain.parties import Party

DEFAULT_WINDOW_MONTHS = 18
WINDOW_RANGE = (12, 18)


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
    convention: Convention | None = None
    closed_on: date | None = None

    def _check_open(self) -> None:
        if self.closed_on is not None:
            raise Conflict(f"mission {self.id} was closed on {self.closed_on}")

    def _check_partner(self, party: Party, action: str) -> None:
        if party.kind != "partner" or (self.partner_id is not None and party.id != str(self.partner_id)):
            who = f"the lending partner {self.partner_id}" if self.partner_id else "the lending partner"
            raise Forbidden(f"only {who} can {action} on mission {self.id}; {party} cannot")

    def _check_host(self, party: Party, action: str) -> None:
        if party.kind != "firm" or party.id != self.firm_id:
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

    def sign(self, signed_on: date) -> Mission:
        self._check_open()
        if self.convention is None:
            raise Conflict(f"mission {self.id} has no convention to sign yet")
        if self.convention.signed_on is not None:
            raise Conflict(f"the convention of mission {self.id} was already signed on {self.convention.signed_on}")
        return replace(self, convention=replace(self.convention, signed_on=signed_on))

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

    def check_review(self, party: Party) -> None:
        self._check_open()
        self._check_host(party, "confirm or dispute a day")

    def amend(self, additional_days: Decimal) -> Mission:
        return replace(self, days_budget=self.days_budget + additional_days)

    def close(self, party: Party, closed_on: date) -> Mission:
        self._check_open()
        self._check_host(party, "close the mission")
        if closed_on < self.approved_on:
            raise Rejected(f"a mission cannot close before the project's approval on {self.approved_on}")
        if self.days_awaiting_review:
            raise Conflict(
                f"mission {self.id} has {self.days_awaiting_review} days awaiting the host firm's "
                "confirmation or dispute"
            )
        return replace(self, closed_on=closed_on)


DayStatus = Literal["logged", "confirmed", "disputed"]


@dataclass(frozen=True)
class Day:
    id: UUID
    mission_id: UUID
    worked_on: date
    days: Decimal
    status: DayStatus = "logged"

    def review(self, status: Literal["confirmed", "disputed"]) -> Day:
        if self.status != "logged":
            raise Conflict(f"day {self.id} was already {self.status}")
        return replace(self, status=status)
