"""Missions and their day budget; job declarations. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from alize_chassis.errors import Rejected


@dataclass(frozen=True)
class Mission:
    id: UUID
    application_id: UUID
    territory: str
    days_budget: Decimal
    days_logged: Decimal

    def check_day(self, days: Decimal, already_on_date: Decimal, worked_on: date) -> None:
        """Refuse a day that would exceed the budget or a person's working day."""
        if self.days_logged + days > self.days_budget:
            raise Rejected(
                f"mission {self.id} has {self.days_budget - self.days_logged} of "
                f"{self.days_budget} contracted days left; cannot log {days}"
            )
        if already_on_date + days > 1:
            raise Rejected(
                f"mission {self.id} already has {already_on_date} day logged on {worked_on}; at most one day per date"
            )


@dataclass(frozen=True)
class JobFigures:
    created: int
    maintained: int
    baseline_headcount: int | None = None
