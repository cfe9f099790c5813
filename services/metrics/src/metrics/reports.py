"""The annual report a network publishes, per territory or national, in HTML and PDF
(the PDF is the same HTML laid out by WeasyPrint)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Annotated, Literal

import weasyprint
from alize_chassis.access import Caller
from alize_chassis.errors import NotFound
from alize_contracts import Territory
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from metrics import queries
from metrics.charts import bars
from metrics.entrypoints import FIRST_YEAR, LAST_YEAR, LiveReadModels
from metrics.pages import templates

router = APIRouter(tags=["reports"])

PDFS_AT_ONCE = 2
"""PDFs laid out at the same time, each in a worker thread of their own (WeasyPrint blocks
and takes tens of MiB); more requests wait their turn without holding the event loop. A
request that goes away while waiting is dropped from the queue; one being laid out ends."""
_pdf_threads = ThreadPoolExecutor(max_workers=PDFS_AT_ONCE, thread_name_prefix="pdf")


def _lay_out(page: Callable[[], str]) -> bytes:
    pdf: bytes = weasyprint.HTML(string=page()).write_pdf()
    return pdf


async def render_pdf(page: Callable[[], str]) -> bytes:
    """The page built, parsed and laid out as a PDF off the event loop, at most PDFS_AT_ONCE at a time."""
    return await asyncio.get_running_loop().run_in_executor(_pdf_threads, _lay_out, page)


def _eur(cents: int | None) -> str:
    return "—" if cents is None else f"{cents / 100:,.0f} €".replace(",", " ")


def _pct(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.0%}"


def _page(figures: queries.TerritoryMetrics, territories: list[queries.TerritoryMetrics], year: int) -> str:
    """The report's HTML with its charts (CPU work: called in a worker thread)."""
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
    return templates.get_template("report.html").render(
        figures=figures,
        year=year,
        territories=territories,
        charts=charts,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        eur=_eur,
        pct=_pct,
    )


@router.get(
    "/reports/{scope}/{year}",
    response_model=None,
    response_class=HTMLResponse,
    responses={
        200: {"content": {"text/html": {}, "application/pdf": {}}, "description": "The report."},
        429: {"description": "Too many PDF reports asked for by this caller: try again after `Retry-After` seconds."},
    },
)
async def annual_report(
    scope: Annotated[Territory, Path(description="A territory, or `national`.")],
    year: Annotated[int, Path(ge=FIRST_YEAR, le=LAST_YEAR)],
    db: LiveReadModels,
    request: Request,
    access: Caller,
    format: Annotated[Literal["html", "pdf"], Query(description="html, or pdf to download")] = "html",
) -> Response:
    """The annual report of a territory, or of all of them with `national`. The PDF is rendered on
    demand: each caller may ask for a few at once, then a few a minute (429 with `Retry-After`)."""
    if format == "pdf":
        # A published territory's report may be asked for anonymously: then by address.
        caller = access.principal.subject if access.principal else f"anonymous:{request.client and request.client.host}"
        request.app.state.pdf_limit.check(caller)
    territories: list[queries.TerritoryMetrics] = []
    if scope == "national":
        figures = await queries.national(db, year)
        territories = await queries.by_territory(db, None, year)
    else:
        found = await queries.by_territory(db, scope, year)
        if not found:
            raise NotFound(f"no figures for this territory in {year}")
        figures = found[0]
    page = functools.partial(_page, figures, territories, year)
    if format == "html":
        return HTMLResponse(await asyncio.to_thread(page))
    pdf = await render_pdf(page)
    filename = f"alize-report-{scope}-{year}.pdf"
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
