"""The dashboard: the territories with their key figures and a national comparison,
and one page per territory with its charts over the years."""

from __future__ import annotations

import asyncpg
from alize_chassis.errors import NotFound
from alize_contracts import Territory
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from metrics import queries
from metrics.catalogue import CATALOGUE
from metrics.charts import bars
from metrics.entrypoints import LiveReadModels
from metrics.pages import templates

router = APIRouter(tags=["dashboard"], include_in_schema=False)


async def _years(db: asyncpg.Connection, territory: str) -> list[int]:
    rows = await db.fetch("SELECT DISTINCT year FROM facts WHERE territory = $1 ORDER BY year", territory)
    return [r["year"] for r in rows]


@router.get("/dashboard", response_class=HTMLResponse)
async def overview(request: Request, db: LiveReadModels) -> HTMLResponse:
    territories = await queries.by_territory(db)
    national = await queries.national(db)
    names = [t.territory for t in territories]
    comparison = bars(
        "Firms supported and jobs declared, by territory",
        names,
        {
            "Firms supported (CO01)": [t.firms_supported for t in territories],
            "Jobs created (PI3687)": [t.jobs_declared.created for t in territories],
            "Jobs maintained (PI5691)": [t.jobs_declared.maintained for t in territories],
        },
    )
    days = bars(
        "Skill days contracted and delivered, by territory",
        names,
        {
            "Contracted": [t.days_contracted for t in territories],
            "Delivered (confirmed)": [t.days_delivered for t in territories],
        },
    )
    return templates.TemplateResponse(
        request,
        "overview.html",
        {
            "territories": territories,
            "national": national,
            "charts": [comparison, days],
        },
    )


@router.get("/dashboard/{territory}", response_class=HTMLResponse)
async def territory_page(territory: Territory, request: Request, db: LiveReadModels) -> HTMLResponse:
    found = await queries.by_territory(db, territory)
    if not found:
        raise NotFound("no figures yet for this territory")
    years = await _years(db, territory)
    per_year: list[queries.TerritoryMetrics | None] = []
    for year in years:
        in_year = await queries.by_territory(db, territory, year)
        per_year.append(in_year[0] if in_year else None)
    labels = [str(y) for y in years]

    jobs = bars(
        "Jobs planned vs declared, by year (declared: as of the year's end)",
        labels,
        {
            "Planned: created": [m.jobs_planned.created if m else 0 for m in per_year],
            "Declared: created": [m.jobs_declared.created if m else 0 for m in per_year],
            "Planned: maintained": [m.jobs_planned.maintained if m else 0 for m in per_year],
            "Declared: maintained": [m.jobs_declared.maintained if m else 0 for m in per_year],
        },
    )
    days = bars(
        "Skill days contracted vs delivered, by year",
        labels,
        {
            "Contracted": [m.days_contracted if m else 0 for m in per_year],
            "Delivered (confirmed)": [m.days_delivered if m else 0 for m in per_year],
        },
    )
    figures = found[0]
    funnel = bars(
        "The application funnel",
        ["received", "eligible", "approved", "rejected", "deferred", "withdrawn"],
        {
            "Applications": [
                figures.applications,
                figures.screened_eligible,
                figures.approved,
                figures.rejected,
                figures.deferred,
                figures.withdrawn,
            ],
        },
    )
    return templates.TemplateResponse(
        request,
        "territory.html",
        {
            "figures": figures,
            "charts": [funnel, jobs, days],
            "catalogue": CATALOGUE,
        },
    )
