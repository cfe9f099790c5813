"""What the committee's tests share: intake's events that feed its docket and its calls."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest
from alize_contracts import ApplicationSubmitted, Jobs
from alize_contracts.events import ApplicationScreened, CallOpened

FIRM = "404833048"


class IntakeEvents:
    """Intake's events, as the committee receives them."""

    @staticmethod
    def call_opened(territory: str, call_id: UUID, *, days: float = 20, advances_cents: int = 3_000_000) -> CallOpened:
        return CallOpened(
            territory=territory,
            call_id=call_id,
            programme="skill_sponsorship",
            opens_on=date(2026, 1, 1),
            closes_on=date(2026, 12, 21),
            skill_days_budget=days,
            advances_budget_cents=advances_cents,
        )

    @staticmethod
    def application(
        territory: str, application_id: UUID, call_id: UUID, *, eligible: bool = True, firm_id: str = FIRM
    ) -> tuple[ApplicationSubmitted, ApplicationScreened]:
        """An application submitted to `call_id` and its screening."""
        return (
            ApplicationSubmitted(
                territory=territory,
                application_id=application_id,
                programme="skill_sponsorship",
                firm_id=firm_id,
                submitted_at=datetime.now(UTC),
                jobs_planned=Jobs(created=2, maintained=5),
                baseline_headcount=5,
                skills_needed=["sales"],
                call_id=call_id,
            ),
            ApplicationScreened(
                territory=territory,
                application_id=application_id,
                programme="skill_sponsorship",
                call_id=call_id,
                screened_at=datetime.now(UTC),
                eligible=eligible,
                reasons=[] if eligible else ["Headcount (300) is above the maximum of 249."],
            ),
        )


@pytest.fixture
def intake() -> IntakeEvents:
    return IntakeEvents()
