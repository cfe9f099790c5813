"""Indicators as aggregations of the facts ledger, per territory or nationally,
for a year and a programme; and the lineage of any figure."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg
from alize_contracts import Programme
from pydantic import BaseModel

from metrics.catalogue import CATALOGUE
from metrics.figures import MEDIAN_DECIDED, MEDIAN_SUBMITTED, TerritoryMetrics, figures

__all__ = ["LineageEvent", "Programme", "TerritoryMetrics", "by_territory", "lineage", "national"]


def _codes(aggregation: str) -> list[str]:
    return [code for code, i in CATALOGUE.items() if i.aggregation == aggregation]


# $1 territory (null: all), $2 year (null: all years), $3 programme (null: all), $4 national (one group).
# A year selects the facts dated in it; for "latest" indicators (jobs declared) it selects
# the latest declaration of each firm dated on or before the year's end.
_FACTS = """
WITH f AS (
    SELECT CASE WHEN $4 THEN 'national' ELSE f.territory END AS grp, f.territory, f.indicator, f.value,
           f.subject, f.year, f.occurred_on, f.event_time, f.event_id, f.event_type
    FROM facts f LEFT JOIN application_programmes ap USING (application_id)
    WHERE ($1::text IS NULL OR f.territory = $1)
      AND ($3::text IS NULL OR coalesce(f.programme, ap.programme) = $3)
),
contributing AS (
    SELECT * FROM f WHERE indicator = ANY($5::text[]) AND ($2::int IS NULL OR year = $2)
    UNION ALL
    SELECT * FROM (
        SELECT DISTINCT ON (grp, indicator, subject) * FROM f
        WHERE indicator = ANY($6::text[]) AND ($2::int IS NULL OR year = $2)
        ORDER BY grp, indicator, subject, occurred_on, event_time, event_id
    ) first_of_each
    UNION ALL
    SELECT * FROM (
        SELECT DISTINCT ON (grp, indicator, subject) * FROM f
        WHERE indicator = ANY($7::text[]) AND ($2::int IS NULL OR occurred_on <= make_date($2, 12, 31))
        ORDER BY grp, indicator, subject, occurred_on DESC, event_time DESC, event_id DESC
    ) latest_of_each
)
"""

_AGGREGATES = (
    _FACTS
    + """
SELECT grp, indicator,
       CASE WHEN indicator = ANY($6::text[]) THEN count(*)::numeric ELSE sum(value) END AS value
FROM contributing GROUP BY grp, indicator
"""
)

_LINEAGE = (
    _FACTS
    + """
SELECT event_id, event_type, event_time, territory, occurred_on, subject, value
FROM contributing WHERE indicator = $8 ORDER BY occurred_on, event_time, event_id
"""
)


def _args(territory: str | None, year: int | None, programme: str | None, national: bool) -> tuple[Any, ...]:
    return territory, year, programme, national, _codes("sum"), _codes("distinct"), _codes("latest")


# The decisions of the period, each against its application's submission.
_MEDIAN_DAYS = """
SELECT CASE WHEN $4 THEN 'national' ELSE d.territory END AS grp,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY d.occurred_on - s.occurred_on) AS median_days
FROM facts d
JOIN facts s ON s.application_id = d.application_id AND s.indicator = $5
LEFT JOIN application_programmes ap ON ap.application_id = d.application_id
WHERE d.indicator = ANY($6::text[])
  AND ($1::text IS NULL OR d.territory = $1) AND ($2::int IS NULL OR d.year = $2)
  AND ($3::text IS NULL OR coalesce(d.programme, ap.programme) = $3)
GROUP BY 1
"""


async def _grouped(db: asyncpg.Connection | asyncpg.Pool, *args: Any) -> list[TerritoryMetrics]:
    grouped: dict[str, dict[str, Decimal]] = {}
    for row in await db.fetch(_AGGREGATES, *args):
        grouped.setdefault(row["grp"], {})[row["indicator"]] = row["value"]
    medians = {
        r["grp"]: float(r["median_days"])
        for r in await db.fetch(_MEDIAN_DAYS, *args[:4], MEDIAN_SUBMITTED, list(MEDIAN_DECIDED))
    }
    return [figures(group, values, medians.get(group)) for group, values in sorted(grouped.items())]


async def by_territory(
    db: asyncpg.Connection | asyncpg.Pool,
    territory: str | None = None,
    year: int | None = None,
    programme: str | None = None,
) -> list[TerritoryMetrics]:
    return await _grouped(db, *_args(territory, year, programme, False))


async def national(
    db: asyncpg.Connection | asyncpg.Pool, year: int | None = None, programme: str | None = None
) -> TerritoryMetrics:
    """All territories as one: a firm supported in two territories counts once."""
    found = await _grouped(db, *_args(None, year, programme, True))
    return found[0] if found else figures("national", {})


class LineageEvent(BaseModel):
    event_id: str
    event_type: str
    event_time: datetime | None
    territory: str
    occurred_on: str
    subject: str | None
    value: float


async def lineage(
    db: asyncpg.Connection | asyncpg.Pool,
    indicator: str,
    territory: str | None,
    year: int | None,
    programme: str | None,
) -> list[LineageEvent]:
    """The events whose facts make up the figure: their values sum to it (for a distinct
    count, one event per counted subject; for a latest figure, the latest of each)."""
    national_scope = territory is None
    rows = await db.fetch(_LINEAGE, *_args(territory, year, programme, national_scope), indicator)
    return [
        LineageEvent(**{**dict(r), "occurred_on": r["occurred_on"].isoformat(), "value": float(r["value"])})
        for r in rows
    ]
