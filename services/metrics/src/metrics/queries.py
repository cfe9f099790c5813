"""Reads of the read models: the indicators per territory and nationally."""

from __future__ import annotations

from typing import Any

import asyncpg
from pydantic import BaseModel, Field


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
    firms_supported: int = Field(description="EU CO01: each firm once, by its identifier (a SIRET as its SIREN).")
    # Skill sponsorship.
    days_contracted: float = Field(description="Skill days approved, amendments included.")
    days_delivered: float = Field(description="Skill days the host firms confirmed.")
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
    # Self-employment guidance.
    people_guided: int = Field(description="Participants with at least one guidance session.")
    firms_created: int
    oriented_to_employment: int
    left_programme: int
    survival_checks_3y: int = Field(description="Created firms checked three years after creation.")
    active_3y: int
    survival_rate_3y: float | None = Field(description="active_3y / survival_checks_3y; null before any check.")


_COUNTERS = (
    "applications",
    "screened_eligible",
    "screened_ineligible",
    "approved",
    "rejected",
    "deferred",
    "withdrawn",
    "sessions_held",
    "days_contracted",
    "days_delivered",
    "missions_closed",
    "jobs_planned_created",
    "jobs_planned_maintained",
    "advances_granted",
    "advances_granted_cents",
    "advances_disbursed_cents",
    "advances_repaid_cents",
    "advances_written_off_cents",
    "firms_created",
    "oriented_to_employment",
    "left_programme",
)

_SELECT = f"""
WITH territories AS (
    SELECT territory FROM territory_activity
    UNION SELECT territory FROM firms_supported
    UNION SELECT territory FROM latest_job_declarations
    UNION SELECT territory FROM people_guided
    UNION SELECT territory FROM business_survival
),
firms AS (SELECT territory, count(*) AS n FROM firms_supported GROUP BY territory),
declared AS (
    SELECT territory, sum(jobs_created) AS created, sum(jobs_maintained) AS maintained
    FROM latest_job_declarations GROUP BY territory
),
guided AS (SELECT territory, count(*) AS n FROM people_guided GROUP BY territory),
survival AS (
    SELECT territory, count(*) AS checks, count(*) FILTER (WHERE active) AS active
    FROM business_survival WHERE years = 3 GROUP BY territory
)
SELECT t.territory,
       {", ".join(f"coalesce(a.{c}, 0) AS {c}" for c in _COUNTERS)},
       coalesce(f.n, 0) AS firms_supported,
       coalesce(d.created, 0) AS jobs_declared_created,
       coalesce(d.maintained, 0) AS jobs_declared_maintained,
       coalesce(g.n, 0) AS people_guided,
       coalesce(s.checks, 0) AS survival_checks_3y,
       coalesce(s.active, 0) AS active_3y
FROM territories t
LEFT JOIN territory_activity a USING (territory)
LEFT JOIN firms f USING (territory)
LEFT JOIN declared d USING (territory)
LEFT JOIN guided g USING (territory)
LEFT JOIN survival s USING (territory)
WHERE $1::text IS NULL OR t.territory = $1
ORDER BY t.territory
"""


def _metrics(row: dict[str, Any]) -> TerritoryMetrics:
    figures: dict[str, Any] = {k: (float(v) if k.startswith("days_") else v) for k, v in row.items()}
    figures["jobs_planned"] = JobsFigures(
        created=figures.pop("jobs_planned_created"), maintained=figures.pop("jobs_planned_maintained")
    )
    figures["jobs_declared"] = JobsFigures(
        created=figures.pop("jobs_declared_created"), maintained=figures.pop("jobs_declared_maintained")
    )
    figures["advances_outstanding_cents"] = (
        figures["advances_disbursed_cents"] - figures["advances_repaid_cents"] - figures["advances_written_off_cents"]
    )
    checks = figures["survival_checks_3y"]
    figures["survival_rate_3y"] = round(figures["active_3y"] / checks, 4) if checks else None
    return TerritoryMetrics(**figures)


async def by_territory(db: asyncpg.Pool, territory: str | None = None) -> list[TerritoryMetrics]:
    return [_metrics(dict(r)) for r in await db.fetch(_SELECT, territory)]


async def national(db: asyncpg.Pool) -> TerritoryMetrics:
    """Sums over territories; a firm supported in two territories counts once; the
    survival rate is recomputed from the summed checks."""
    rows = [dict(r) for r in await db.fetch(_SELECT, None)]
    totals: dict[str, Any] = {key: sum(r[key] for r in rows) for key in (rows[0] if rows else {}) if key != "territory"}
    if not rows:
        totals = {
            key: 0
            for key in (
                *_COUNTERS,
                "firms_supported",
                "jobs_declared_created",
                "jobs_declared_maintained",
                "people_guided",
                "survival_checks_3y",
                "active_3y",
            )
        }
    totals["firms_supported"] = await db.fetchval("SELECT count(DISTINCT firm_id) FROM firms_supported")
    return _metrics({"territory": "national", **totals})
