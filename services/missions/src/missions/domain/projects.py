"""Approved projects, as the committee's events tell them: the missions, declarations,
advances and guidance of this service all hang on one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from alize_contracts import ProjectApproved


@dataclass(frozen=True)
class Project:
    application_id: UUID
    territory: str
    programme: str
    firm_id: str | None
    approved_on: date | None
    baseline_headcount: int | None = None
    """Unknown for a project approved before contracts 1.2."""

    @classmethod
    def approved(cls, event: ProjectApproved) -> Project:
        """The project the committee approved: approved on the day of its decision."""
        return cls(
            application_id=event.application_id,
            territory=event.territory,
            programme=event.programme,
            firm_id=event.firm_id,
            approved_on=event.decided_at.date(),
            baseline_headcount=event.baseline_headcount,
        )
