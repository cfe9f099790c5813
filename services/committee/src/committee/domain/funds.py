"""What approvals draw on: the budgets of a call (skill days and advances) and the
territory's revolving fund of advances."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from uuid import UUID

from alize_chassis.errors import Rejected


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

    def grant(self, days: Decimal, advance: int) -> CallBudget:
        """The budget once `days` and `advance` are granted (refused if over it)."""
        self.check(days, advance)
        return replace(
            self,
            skill_days_granted=self.skill_days_granted + days,
            advances_granted_cents=self.advances_granted_cents + advance,
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

    def grant(self, advance: int) -> AdvanceFund:
        """The fund once `advance` is granted (refused if over what is available)."""
        self.check(advance)
        return replace(self, granted_cents=self.granted_cents + advance)
