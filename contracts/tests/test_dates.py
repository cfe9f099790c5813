"""The one range of dates every API accepts (alize_contracts.dates)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from alize_contracts.dates import PastDate, PlannedDate, today
from pydantic import TypeAdapter, ValidationError

PAST = TypeAdapter(PastDate)
PLANNED = TypeAdapter(PlannedDate)


def test_today_is_the_latest_date_begun_anywhere() -> None:
    utc = datetime.now(UTC).date()
    assert utc <= today() <= utc + timedelta(days=1)
    # A fact of "today" in France, Belgium or New Caledonia is never in the future.
    assert PAST.validate_python(utc) == utc


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1899, 12, 31), date(9999, 12, 31)])
def test_facts_are_from_1900_to_today(day: date) -> None:
    with pytest.raises(ValidationError):
        PAST.validate_python(day)


def test_plans_reach_five_years_ahead_and_no_further() -> None:
    assert PLANNED.validate_python(today() + timedelta(days=365 * 5 - 2))
    with pytest.raises(ValidationError, match="years ahead"):
        PLANNED.validate_python(today() + timedelta(days=365 * 5 + 2))
    with pytest.raises(ValidationError, match="before 1900"):
        PLANNED.validate_python(date(1899, 12, 31))
