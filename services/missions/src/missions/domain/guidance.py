"""Self-employment guidance: a participant's track, its outcome, the business
created and its survival checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal
from uuid import UUID

from alize_chassis.errors import Conflict, Rejected

from missions.domain.missions import add_months

Outcome = Literal["firm_created", "employment", "left_programme"]


@dataclass(frozen=True)
class Track:
    application_id: UUID
    territory: str
    approved_on: date
    outcome: Outcome | None = None

    def check_session(self, held_on: date) -> None:
        if self.outcome == "left_programme":
            raise Conflict(f"the participant of track {self.application_id} left the programme")
        if held_on < self.approved_on:
            raise Rejected(f"a guidance session cannot precede the approval on {self.approved_on}")

    def check_outcome(self, outcome: Outcome, recorded_on: date, firm_id: str | None, created_on: date | None) -> None:
        if self.outcome is not None:
            raise Conflict(f"track {self.application_id} already has its outcome: {self.outcome}")
        if recorded_on < self.approved_on:
            raise Rejected(f"an outcome cannot precede the approval on {self.approved_on}")
        if created_on is not None and created_on > recorded_on:
            raise Rejected(f"the firm's creation ({created_on}) cannot follow the outcome's record ({recorded_on})")
        if outcome == "firm_created" and (firm_id is None or created_on is None):
            raise Rejected("a firm_created outcome needs the new firm's firm_id and created_on")
        if outcome != "firm_created" and (firm_id is not None or created_on is not None):
            raise Rejected(f"a {outcome} outcome takes no firm_id or created_on")


@dataclass(frozen=True)
class Business:
    firm_id: str
    application_id: UUID
    territory: str
    created_on: date
    checked_years: frozenset[int] = frozenset()

    def check_survival(self, years: int, checked_on: date) -> None:
        if years in self.checked_years:
            raise Conflict(f"the {years}-year survival of {self.firm_id} was already reported")
        due = add_months(self.created_on, 12 * years)
        if checked_on < due:
            raise Rejected(f"the {years}-year check of {self.firm_id} is due on {due}, not before")
