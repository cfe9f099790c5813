from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from alize_chassis.errors import Rejected
from missions.domain import Mission

DAY = date(2026, 5, 4)


def _mission(budget: str, logged: str) -> Mission:
    return Mission(
        id=uuid4(),
        application_id=uuid4(),
        territory="indre",
        days_budget=Decimal(budget),
        days_logged=Decimal(logged),
    )


def test_days_up_to_the_budget_are_accepted() -> None:
    _mission("3", "2").check_day(Decimal("1"), Decimal("0"), DAY)
    _mission("3", "2.5").check_day(Decimal("0.5"), Decimal("0"), DAY)


def test_a_day_over_the_budget_is_refused() -> None:
    with pytest.raises(Rejected, match=r"0\.5 of 3 contracted days left"):
        _mission("3", "2.5").check_day(Decimal("1"), Decimal("0"), DAY)


def test_at_most_one_day_per_date() -> None:
    _mission("5", "0.5").check_day(Decimal("0.5"), Decimal("0.5"), DAY)
    with pytest.raises(Rejected, match="at most one day per date"):
        _mission("5", "0.5").check_day(Decimal("1"), Decimal("0.5"), DAY)
