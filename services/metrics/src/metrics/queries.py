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
    applications: int = Field(description="Applications received (submitted).")
    screened_eligible: int
    screened_ineligible: int
    approved: int
    rejected: int
    deferred: int = Field(description="Deferral decisions (a project deferred twice counts twice).")
    withdrawn: int
    sessions_held: int
    firms_supported: int
    days_contracted: float
    days_delivered: float
    jobs_planned: JobsFigures
    jobs_declared: JobsFigures
    advances_granted: int
    advances_granted_cents: int


_SELECT = """
WITH territories AS (
    SELECT territory FROM territory_activity
    UNION SELECT territory FROM firms_supported
    UNION SELECT territory FROM latest_job_declarations
),
firms AS (SELECT territory, count(*) AS n FROM firms_supported GROUP BY territory),
declared AS (
    SELECT territory, sum(jobs_created) AS created, sum(jobs_maintained) AS maintained
    FROM latest_job_declarations GROUP BY territory
)
SELECT t.territory,
       coalesce(a.applications, 0) AS applications,
       coalesce(a.approved, 0) AS approved,
       coalesce(a.rejected, 0) AS rejected,
       coalesce(a.screened_eligible, 0) AS screened_eligible,
       coalesce(a.screened_ineligible, 0) AS screened_ineligible,
       coalesce(a.deferred, 0) AS deferred,
       coalesce(a.withdrawn, 0) AS withdrawn,
       coalesce(a.sessions_held, 0) AS sessions_held,
       coalesce(f.n, 0) AS firms_supported,
       coalesce(a.days_contracted, 0) AS days_contracted,
       coalesce(a.days_delivered, 0) AS days_delivered,
       coalesce(a.jobs_planned_created, 0) AS jobs_planned_created,
       coalesce(a.jobs_planned_maintained, 0) AS jobs_planned_maintained,
       coalesce(d.created, 0) AS jobs_declared_created,
       coalesce(d.maintained, 0) AS jobs_declared_maintained,
       coalesce(a.advances_granted, 0) AS advances_granted,
       coalesce(a.advances_granted_cents, 0) AS advances_granted_cents
FROM territories t
LEFT JOIN territory_activity a USING (territory)
LEFT JOIN firms f USING (territory)
LEFT JOIN declared d USING (territory)
WHERE $1::text IS NULL OR t.territory = $1
ORDER BY t.territory
"""


def _metrics(row: dict[str, Any], territory: str | None = None) -> TerritoryMetrics:
    return TerritoryMetrics(
        territory=territory or row["territory"],
        applications=row["applications"],
        approved=row["approved"],
        rejected=row["rejected"],
        screened_eligible=row["screened_eligible"],
        screened_ineligible=row["screened_ineligible"],
        deferred=row["deferred"],
        withdrawn=row["withdrawn"],
        sessions_held=row["sessions_held"],
        firms_supported=row["firms_supported"],
        days_contracted=float(row["days_contracted"]),
        days_delivered=float(row["days_delivered"]),
        jobs_planned=JobsFigures(created=row["jobs_planned_created"], maintained=row["jobs_planned_maintained"]),
        jobs_declared=JobsFigures(created=row["jobs_declared_created"], maintained=row["jobs_declared_maintained"]),
        advances_granted=row["advances_granted"],
        advances_granted_cents=row["advances_granted_cents"],
    )


async def by_territory(db: asyncpg.Pool, territory: str | None = None) -> list[TerritoryMetrics]:
    return [_metrics(dict(r)) for r in await db.fetch(_SELECT, territory)]


async def national(db: asyncpg.Pool) -> TerritoryMetrics:
    """Sums over territories; a firm supported in two territories counts once."""
    rows = await by_territory(db)
    firms = await db.fetchval("SELECT count(DISTINCT firm_id) FROM firms_supported")
    totals: dict[str, Any] = {
        field: sum(getattr(r, field) for r in rows)
        for field in TerritoryMetrics.model_fields
        if field not in {"territory", "jobs_planned", "jobs_declared"}
    }
    totals["firms_supported"] = firms
    for jobs in ("jobs_planned", "jobs_declared"):
        totals[jobs] = JobsFigures(
            created=sum(getattr(r, jobs).created for r in rows),
            maintained=sum(getattr(r, jobs).maintained for r in rows),
        )
    return TerritoryMetrics(territory="national", **totals)
