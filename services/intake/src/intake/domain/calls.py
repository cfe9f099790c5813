"""Calls for applications: a territory's programme open from one date to another."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from alize_chassis.errors import Conflict, Rejected
from alize_contracts.events import CallClosed, CallOpened


@dataclass(frozen=True)
class Call:
    id: UUID
    territory: str
    programme: str
    opens_on: date
    closes_on: date
    skill_days_budget: float
    advances_budget_cents: int
    closed_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.closes_on < self.opens_on:
            raise Rejected(f"closes_on ({self.closes_on}) is before opens_on ({self.opens_on})")

    def open(self, today: date) -> CallOpened:
        """A new call, opened `today`: its deadline cannot have passed."""
        if self.closes_on < today:
            raise Rejected(f"closes_on ({self.closes_on}) is in the past")
        return CallOpened(
            territory=self.territory,
            call_id=self.id,
            programme=self.programme,  # type: ignore[arg-type]
            opens_on=self.opens_on,
            closes_on=self.closes_on,
            skill_days_budget=self.skill_days_budget,
            advances_budget_cents=self.advances_budget_cents,
        )

    def accepts_on(self, day: date) -> None:
        """Refuse a submission on `day` unless the call is open then."""
        if self.closed_at is not None:
            raise Rejected(f"call {self.id} is closed (since {self.closed_at:%Y-%m-%d}): no submission accepted")
        if day < self.opens_on:
            raise Rejected(f"call {self.id} opens on {self.opens_on}: no submission accepted before")
        if day > self.closes_on:
            raise Rejected(f"call {self.id} closed on {self.closes_on}: no submission accepted after")

    def past_deadline(self, at: datetime) -> bool:
        return self.closed_at is None and at.date() > self.closes_on

    def close(self, at: datetime) -> tuple[Call, CallClosed]:
        if self.closed_at is not None:
            raise Conflict(f"call {self.id} is already closed")
        reason: Literal["deadline", "closed_early"] = "deadline" if at.date() > self.closes_on else "closed_early"
        closed = replace(self, closed_at=at)
        return closed, CallClosed(
            territory=self.territory,
            call_id=self.id,
            programme=self.programme,  # type: ignore[arg-type]
            closed_at=at,
            reason=reason,
        )
