"""Docket entries and decisions. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from alize_chassis.errors import Conflict, Rejected

Status = Literal["pending", "approved", "rejected"]


@dataclass(frozen=True)
class Approval:
    skill_days: float
    advance_amount_cents: int | None


@dataclass(frozen=True)
class Rejection:
    reason: str


Decision = Approval | Rejection


@dataclass(frozen=True)
class DocketEntry:
    """An application waiting for (or having received) the committee's decision."""

    application_id: UUID
    territory: str
    programme: str
    firm_id: str | None
    jobs_planned_created: int
    jobs_planned_maintained: int
    status: Status
    decided_at: datetime | None = None

    def decide(self, decision: Decision, at: datetime) -> DocketEntry:
        if self.status != "pending":
            raise Conflict(f"application {self.application_id} was already {self.status}")
        if isinstance(decision, Approval):
            if (
                self.programme == "skill_sponsorship"
                and decision.skill_days == 0
                and not decision.advance_amount_cents
            ):
                raise Rejected("an approval grants skill days, an advance, or both")
            status: Status = "approved"
        else:
            status = "rejected"
        return DocketEntry(**{**self.__dict__, "status": status, "decided_at": at})
