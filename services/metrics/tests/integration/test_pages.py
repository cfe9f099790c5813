"""Metrics' HTML and PDF pages: bounded parameters, nothing from the caller written into
HTML, and PDFs laid out without holding the event loop."""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import httpx
import pytest
from devstack.testing import Accounts, running
from metrics.app import create_app
from metrics.charts import bars
from metrics.settings import MetricsSettings

if TYPE_CHECKING:
    from devstack.testing import SettingsFor

pytestmark = pytest.mark.infra


@pytest.fixture
async def client(service_settings: SettingsFor, accounts: Accounts) -> AsyncIterator[httpx.AsyncClient]:
    """The service, read by the national coordinator (every territory's figures)."""
    national = await accounts.national()
    async with running(create_app(MetricsSettings(**service_settings("metrics"))), national) as http:  # type: ignore[arg-type]
        yield http


@pytest.mark.parametrize("year", ["0", "-1", "1899", "10000", "99999999999"])
async def test_a_report_year_out_of_range_is_a_422(client: httpx.AsyncClient, year: str) -> None:
    response = await client.get(f"/reports/national/{year}")
    assert response.status_code == 422, response.text


@pytest.mark.parametrize("year", ["1900", "9999"])
async def test_a_report_year_in_range_is_served(client: httpx.AsyncClient, year: str) -> None:
    response = await client.get(f"/reports/national/{year}")
    assert response.status_code == 200, response.text
    assert f"Annual report {year}" in response.text


async def test_a_territory_is_never_written_back_into_html(client: httpx.AsyncClient) -> None:
    hostile = await client.get("/dashboard/<script>alert(1)<%2Fscript>")
    assert hostile.status_code in (404, 422)
    assert not hostile.headers["content-type"].startswith("text/html")
    unknown = await client.get("/dashboard/nowhere")
    assert unknown.status_code == 404
    assert "nowhere" not in unknown.text and "no figures yet for this territory" in unknown.json()["detail"]


def test_chart_titles_labels_and_series_are_escaped() -> None:
    svg = bars("<script>alert(1)</script>", ["<img src=x onerror=alert(2)>"], {"<b>series</b>": [1]})
    assert "<script>" not in svg and "<img" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg


def test_every_template_escapes_what_it_is_given() -> None:
    from metrics.pages import templates

    assert templates.env.autoescape is True
    page = templates.env.get_template("base.html").render()
    assert "<nav>" in page
    rendered = templates.env.from_string("{{ value }}").render(value="<script>")
    assert rendered == "&lt;script&gt;"
    # Nothing opts out of escaping: markup only comes from the chart builder (Markup).
    for name in templates.env.list_templates():
        source = templates.env.loader.get_source(templates.env, name)[0]  # type: ignore[union-attr]
        assert not re.search(r"\|\s*safe\b|autoescape\s+false", source), name


async def test_health_stays_fast_while_pdfs_render(service_settings: SettingsFor, accounts: Accounts) -> None:
    """Laid out on the event loop, each PDF would hold /health for its whole duration."""
    # Seven PDFs for one caller: over the default rate limit, raised here.
    settings = MetricsSettings(**service_settings("metrics"), pdf_burst=10)  # type: ignore[arg-type]
    async with running(create_app(settings), await accounts.national()) as client:
        await _pdfs_and_health(client)
    async with running(create_app(MetricsSettings(**service_settings("metrics"), pdf_burst=1))) as client:  # type: ignore[arg-type]
        national = await accounts.national()
        assert (await client.get("/reports/national/2026", params={"format": "pdf"}, headers=national)).is_success
        limited = await client.get("/reports/national/2026", params={"format": "pdf"}, headers=national)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1


async def _pdfs_and_health(client: httpx.AsyncClient) -> None:
    cold = await client.get("/reports/national/2026", params={"format": "pdf"}, timeout=60)  # fonts loaded once
    assert cold.status_code == 200 and cold.content.startswith(b"%PDF")
    started = time.monotonic()
    assert (await client.get("/reports/national/2026", params={"format": "pdf"}, timeout=60)).status_code == 200
    one_pdf = time.monotonic() - started

    async def health_latencies(until: asyncio.Future[object]) -> list[float]:
        latencies = []
        while not until.done():
            asked = time.monotonic()
            assert (await client.get("/health")).status_code == 200
            latencies.append(time.monotonic() - asked)
            await asyncio.sleep(0.02)
        return latencies

    pdfs = asyncio.gather(
        *(client.get("/reports/national/2026", params={"format": "pdf"}, timeout=120) for _ in range(5))
    )
    latencies = await health_latencies(pdfs)
    assert all(r.status_code == 200 for r in await pdfs)
    assert len(latencies) >= 2, "the PDFs finished before /health could be asked"
    # On the event loop, each PDF would hold the /health calls behind it for its whole layout, so
    # the typical call would wait about one PDF; off the loop, a small fraction of it (on a loaded
    # machine a call may still wait for the CPU now and then: the median, not the maximum).
    assert statistics.median(latencies) < one_pdf / 4, (latencies, one_pdf)


async def test_a_territory_may_publish_its_figures_never_its_lineage(
    service_settings: SettingsFor, accounts: Accounts, isolation_id: str
) -> None:
    """Its staff decides (audited); anyone may then read its figures, dashboard page and report, signed in or
    not; never its lineage, never another territory's figures; and it may stop."""
    published, private = f"open-{isolation_id}", f"closed-{isolation_id}"
    staff, elsewhere = await accounts.staff(published), await accounts.funder(f"elsewhere-{isolation_id}")
    figures = (f"/metrics/territories/{published}", f"/dashboard/{published}", f"/reports/{published}/2026")
    async with running(create_app(MetricsSettings(**service_settings("metrics")))) as anonymous:  # type: ignore[arg-type]
        url = f"/territories/{published}/publication"
        assert (await anonymous.get(url, headers=staff)).json() == {
            "territory": published,
            "public": False,
            "changed_at": None,
        }
        for path in figures:
            assert (await anonymous.get(path)).status_code == 401, path
        refused = await anonymous.put(url, json={"public": True}, headers=elsewhere)
        assert refused.status_code == 403  # a funder, of another territory: neither may decide
        other = await anonymous.put(f"/territories/{private}/publication", json={"public": True}, headers=staff)
        assert other.status_code == 403  # staff decides for its own territory only
        chosen = await anonymous.put(url, json={"public": True}, headers=staff)
        assert chosen.status_code == 200 and chosen.json()["public"] is True, chosen.text
        for path in figures:
            # Served to anyone (404: no figures yet for this fresh territory), signed in or not.
            assert (await anonymous.get(path)).status_code == 404, path
            assert (await anonymous.get(path, headers=elsewhere)).status_code == 404, path
        assert (await anonymous.get(f"/metrics/territories/{private}")).status_code == 401
        assert (await anonymous.get(f"/metrics/territories/{private}", headers=elsewhere)).status_code == 403
        lineage = await anonymous.get("/lineage/firms_supported", params={"territory": published})
        assert lineage.status_code == 401
        assert (await anonymous.get("/reports/national/2026")).status_code == 401
        assert (await anonymous.put(url, json={"public": False}, headers=staff)).json()["public"] is False
        for path in figures:
            assert (await anonymous.get(path)).status_code == 401, path
        audit = (await anonymous.get("/audit", params={"territory": published}, headers=staff)).json()
        assert [e["command"] for e in audit] == ["SetPublication", "SetPublication"]
