"""The annual report a network publishes, per territory or national, in HTML and PDF
(the PDF is the same HTML laid out by WeasyPrint)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

import weasyprint
from alize_chassis.errors import NotFound
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from metrics import queries
from metrics.charts import bars
from metrics.entrypoints import LiveReadModels

router = APIRouter(tags=["reports"])
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _eur(cents: int | None) -> str:
    return "—" if cents is None else f"{cents / 100:,.0f} €".replace(",", " ")


def _pct(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.0%}"


@router.get("/reports/{scope}/{year}", response_model=None)
async def annual_report(
    scope: str,
    year: int,
    request: Request,
    db: LiveReadModels,
    format: Annotated[Literal["html", "pdf"], Query(description="html, or pdf to download")] = "html",
) -> Response:
    """The annual report of a territory, or of all of them with `national`."""
    territories: list[queries.TerritoryMetrics] = []
    if scope == "national":
        figures = await queries.national(db, year)
        territories = await queries.by_territory(db, None, year)
    else:
        found = await queries.by_territory(db, scope, year)
        if not found:
            raise NotFound(f"no figures for {scope!r} in {year}")
        figures = found[0]
    charts = [
        bars(
            "Jobs: planned at approval and declared",
            ["created", "maintained"],
            {
                "Planned": [figures.jobs_planned.created, figures.jobs_planned.maintained],
                "Declared": [figures.jobs_declared.created, figures.jobs_declared.maintained],
            },
            height=260,
        ),
        bars(
            "Skill days",
            ["skill days"],
            {"Contracted": [figures.days_contracted], "Delivered": [figures.days_delivered]},
            height=240,
        ),
    ]
    if territories:
        charts.append(
            bars(
                "Firms supported and jobs created, by territory",
                [t.territory for t in territories],
                {
                    "Firms supported": [t.firms_supported for t in territories],
                    "Jobs created": [t.jobs_declared.created for t in territories],
                },
                height=300,
            )
        )
    context = {
        "figures": figures,
        "year": year,
        "territories": territories,
        "charts": charts,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "eur": _eur,
        "pct": _pct,
    }
    page = templates.TemplateResponse(request, "report.html", context)
    if format == "html":
        return page
    pdf = weasyprint.HTML(string=bytes(page.body).decode()).write_pdf()
    filename = f"alize-report-{scope}-{year}.pdf"
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
