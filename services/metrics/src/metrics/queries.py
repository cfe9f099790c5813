"""Indicators as aggregations of the facts ledger, per territory or nationally,
for a year and a programme; and the lineage of any figure."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

import asyncpg
from pydantic import BaseModel, Field

from metrics.catalogue import CATALOGUE

Programme = Literal["skill_sponsorship", "self_employment"]


class JobsFigures(BaseModel):
    created: int
    maintained: int


class TerritoryMetrics(BaseModel):
    territory: str
    # The application funnel.
    applications: int = Field(description="Applications received (submitted).")
    screened_eligible: int
    screened_ineligible: int
    approved: int
    rejected: int
    deferred: int = Field(description="Deferral decisions (a project deferred twice counts twice).")
    withdrawn: int
    sessions_held: int
    approval_rate: float | None = Field(description="approved / (approved + rejected); null before any decision.")
    median_days_to_decision: float | None = Field(description="From submission to approval or rejection.")
    firms_supported: int = Field(description="EU CO01: each firm once, by its identifier (a SIRET as its SIREN).")
    firms_financial_support: int = Field(description="EU CO02: firms granted an advance.")
    firms_non_financial_support: int = Field(description="EU CO04: firms granted skill days.")
    smes_supported: int = Field(description="EU ESF+ EECO19: firms supported with fewer than 250 people.")
    active_partners: int = Field(description="Partner companies assigned to an approved project.")
    partner_sites: int
    # Skill sponsorship.
    days_contracted: float = Field(description="Skill days approved, amendments included.")
    days_delivered: float = Field(description="Skill days the host firms confirmed.")
    average_days_per_project: float | None = Field(description="Days contracted per project granted skill days.")
    missions_closed: int
    jobs_planned: JobsFigures = Field(description="Forecast at approval.")
    jobs_declared: JobsFigures = Field(
        description="IRIS+ PI3687 (created) and PI5691 (maintained), the latest declaration of each firm."
    )
    # Repayable advances.
    advances_granted: int
    advances_granted_cents: int
    advances_disbursed_cents: int
    advances_repaid_cents: int
    advances_written_off_cents: int
    advances_outstanding_cents: int = Field(description="Disbursed, less repaid, less written off.")
    average_advance_cents: int | None
    # Self-employment guidance.
    people_guided: int = Field(description="Participants with at least one guidance session.")
    firms_created: int
    oriented_to_employment: int
    left_programme: int
    survival_checks_3y: int = Field(description="Created firms checked three years after creation.")
    active_3y: int
    survival_rate_3y: float | None = Field(description="active_3y / survival_checks_3y; null before any check.")


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


def _ratio(numerator: float, denominator: float, digits: int = 4) -> float | None:
    return round(numerator / denominator, digits) if denominator else None


def _metrics(group: str, values: dict[str, Decimal], median_days: float | None = None) -> TerritoryMetrics:
    def n(code: str) -> int:
        return int(values.get(code, 0))

    checks = n("survival_checks_3y")
    average_advance = _ratio(n("advances_granted_cents"), n("advances_granted"), 0)
    return TerritoryMetrics(
        territory=group,
        **{
            code: n(code)
            for code in (
                "applications",
                "screened_eligible",
                "screened_ineligible",
                "approved",
                "rejected",
                "deferred",
                "withdrawn",
                "sessions_held",
                "firms_supported",
                "missions_closed",
                "advances_granted",
                "advances_granted_cents",
                "advances_disbursed_cents",
                "advances_repaid_cents",
                "advances_written_off_cents",
                "people_guided",
                "firms_created",
                "oriented_to_employment",
                "left_programme",
                "survival_checks_3y",
                "active_3y",
                "firms_financial_support",
                "firms_non_financial_support",
                "smes_supported",
                "active_partners",
                "partner_sites",
            )
        },
        days_contracted=float(values.get("days_contracted", 0)),
        days_delivered=float(values.get("days_delivered", 0)),
        jobs_planned=JobsFigures(created=n("jobs_planned_created"), maintained=n("jobs_planned_maintained")),
        jobs_declared=JobsFigures(created=n("jobs_declared_created"), maintained=n("jobs_declared_maintained")),
        advances_outstanding_cents=n("advances_disbursed_cents")
        - n("advances_repaid_cents")
        - n("advances_written_off_cents"),
        survival_rate_3y=_ratio(n("active_3y"), checks),
        approval_rate=_ratio(n("approved"), n("approved") + n("rejected")),
        average_days_per_project=_ratio(float(values.get("days_contracted", 0)), n("projects_with_skill_days"), 2),
        average_advance_cents=None if average_advance is None else int(average_advance),
        median_days_to_decision=median_days,
    )


# The decisions of the period, each against its application's submission.
_MEDIAN_DAYS = """
SELECT CASE WHEN $4 THEN 'national' ELSE d.territory END AS grp,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY d.occurred_on - s.occurred_on) AS median_days
FROM facts d
JOIN facts s ON s.application_id = d.application_id AND s.indicator = 'applications'
LEFT JOIN application_programmes ap ON ap.application_id = d.application_id
WHERE d.indicator IN ('approved', 'rejected')
  AND ($1::text IS NULL OR d.territory = $1) AND ($2::int IS NULL OR d.year = $2)
  AND ($3::text IS NULL OR coalesce(d.programme, ap.programme) = $3)
GROUP BY 1
"""


async def _grouped(db: asyncpg.Connection | asyncpg.Pool, *args: Any) -> list[TerritoryMetrics]:
    grouped: dict[str, dict[str, Decimal]] = {}
    for row in await db.fetch(_AGGREGATES, *args):
        grouped.setdefault(row["grp"], {})[row["indicator"]] = row["value"]
    medians = {r["grp"]: float(r["median_days"]) for r in await db.fetch(_MEDIAN_DAYS, *args[:4])}
    return [_metrics(group, values, medians.get(group)) for group, values in sorted(grouped.items())]


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
    return found[0] if found else _metrics("national", {})


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
