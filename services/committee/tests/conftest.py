"""What the committee's tests share: intake's events that feed its docket and its calls."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest
from alize_contracts import ApplicationSubmitted
from alize_contracts.events import ApplicationScreened, CallOpened
from devstack.testing import FIRM, submitted_and_screened


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
        return submitted_and_screened(territory, application_id, call_id, eligible=eligible, firm_id=firm_id)


@pytest.fixture
def intake() -> IntakeEvents:
    return IntakeEvents()
