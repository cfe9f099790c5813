"""The dates the network's facts and plans can bear, defined once for every service's API.

- nothing before 1900-01-01 (no firm, convention or repayment of the network is older);
- a fact that has happened (a day worked, a repayment, a survival check, a firm's
  creation, a job declaration, an outcome) is not in the future;
- a planned date (a call's closing day, a committee session, a convention's end, an
  installment) is at most PLANNING_HORIZON_YEARS ahead.

"Today" is the only reading of the clock a rule may make: the latest date that has
begun anywhere (UTC+14), so that a network in France, in Belgium or overseas (New
Caledonia is UTC+11) records today's fact from its first minute. Events keep plain
dates: narrowing their schema would break readers of events already written; the
APIs that produce them refuse out-of-range dates first.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Annotated

from pydantic import AfterValidator, Field

EARLIEST = date(1900, 1, 1)
PLANNING_HORIZON_YEARS = 5


_FIRST_TO_START_THE_DAY = timezone(timedelta(hours=14))


def today() -> date:
    return datetime.now(_FIRST_TO_START_THE_DAY).date()


def latest_planned(on: date) -> date:
    """The last day a plan made `on` may name."""
    try:
        return on.replace(year=on.year + PLANNING_HORIZON_YEARS)
    except ValueError:  # 29 February
        return on.replace(year=on.year + PLANNING_HORIZON_YEARS, day=28)


def _not_before_earliest(day: date) -> date:
    if day < EARLIEST:
        raise ValueError(f"is before {EARLIEST}: no date of the network is that old")
    return day


def _has_happened(day: date) -> date:
    _not_before_earliest(day)
    if day > (now := today()):
        raise ValueError(f"is in the future (today is {now}): only what has happened can be recorded")
    return day


def _within_horizon(day: date) -> date:
    _not_before_earliest(day)
    if day > (last := latest_planned(today())):
        raise ValueError(f"is more than {PLANNING_HORIZON_YEARS} years ahead (the latest is {last})")
    return day


PastDate = Annotated[
    date,
    AfterValidator(_has_happened),
    Field(description="A fact that has happened: from 1900-01-01 to today."),
]
PlannedDate = Annotated[
    date,
    AfterValidator(_within_horizon),
    Field(description=f"From 1900-01-01 to {PLANNING_HORIZON_YEARS} years after today."),
]
