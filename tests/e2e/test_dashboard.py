"""The dashboard in a real headless browser (Debian's Chromium): the overview and a
territory page render their figures and charts. Screenshots are written to
.local/screenshots/ for a person to look at. The browser reaches the dashboard through a
signed-in proxy that adds the national coordinator's token, as an authenticating proxy in
front of the service would (Chromium's command line cannot send a header)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from devstack.identity import signed_in
from devstack.infra import REPO_ROOT
from devstack.scenario import driver
from devstack.stack import Stack
from devstack.testing import Accounts

pytestmark = pytest.mark.infra

SCREENSHOTS = REPO_ROOT / ".local" / "screenshots"


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("chromium is missing (scripts/infra.sh install puts it there)")
        pytest.skip("chromium is not installed")
    return found


def _browse(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium, as root, with no network of its own."""
    return subprocess.run(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={SCREENSHOTS / '.profile'}",
            "--window-size=1280,2200",
            *args,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


async def test_the_dashboard_renders_in_a_browser(
    stack: Stack, populated: driver.Populated, isolation_id: str, accounts: Accounts
) -> None:
    expected, indre = populated.expected, populated.indre
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    national = await accounts.national()
    async with httpx.AsyncClient() as anonymous:
        assert (await anonymous.get(f"{stack.url('metrics')}/dashboard/{indre}")).status_code == 401
    with signed_in(stack.url("metrics"), national) as dashboard:
        await asyncio.to_thread(_look_at_the_dashboard, dashboard, indre, expected)
    async with httpx.AsyncClient(headers=national) as client:
        missing = await client.get(f"{stack.url('metrics')}/dashboard/nowhere-{isolation_id}")
    assert missing.status_code == 404


def _look_at_the_dashboard(dashboard: str, indre: str, expected: dict[str, dict[str, Any]]) -> None:
    overview = _browse(f"{dashboard}/dashboard", "--dump-dom").stdout
    assert "<h1>Territories</h1>" in overview and f'href="/dashboard/{indre}"' in overview
    assert overview.count("<svg") >= 2 and "Firms supported (CO01)" in overview

    page = _browse(f"{dashboard}/dashboard/{indre}", "--dump-dom").stdout
    assert f"<h1>{indre}</h1>" in page
    assert "The application funnel" in page and "Jobs planned vs declared, by year" in page
    figures = expected[indre]
    assert f'<div class="value">{figures["firms_supported"]}</div><div class="label">firms supported' in page

    for name, url in (("overview", "/dashboard"), ("territory", f"/dashboard/{indre}")):
        shot = SCREENSHOTS / f"dashboard-{name}.png"
        shot.unlink(missing_ok=True)
        _browse(f"{dashboard}{url}", f"--screenshot={shot}")
        assert shot.stat().st_size > 20_000, f"{shot} looks empty"


def test_screenshot_folder_is_ignored_by_git() -> None:
    assert ".local/" in (REPO_ROOT / ".gitignore").read_text()
    assert Path(SCREENSHOTS).is_relative_to(REPO_ROOT / ".local")


async def test_the_annual_report_renders_as_html_and_pdf(
    stack: Stack, populated: driver.Populated, isolation_id: str, accounts: Accounts
) -> None:
    from datetime import UTC, datetime

    expected, indre, year = populated.expected, populated.indre, datetime.now(UTC).year
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    async with httpx.AsyncClient(timeout=60, headers=await accounts.national()) as http:
        html = await http.get(f"{stack.url('metrics')}/reports/{indre}/{year}")
        pdf = await http.get(f"{stack.url('metrics')}/reports/{indre}/{year}", params={"format": "pdf"})
        national = await http.get(f"{stack.url('metrics')}/reports/national/{year}", params={"format": "pdf"})
        missing = await http.get(f"{stack.url('metrics')}/reports/nowhere-{isolation_id}/{year}")
    assert html.status_code == 200 and f"Annual report {year} — {indre}" in html.text
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert national.status_code == 200 and national.content.startswith(b"%PDF")
    assert missing.status_code == 404

    report = SCREENSHOTS / "annual-report.pdf"
    report.write_bytes(pdf.content)
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("poppler-utils are missing (scripts/infra.sh install puts them there)")
        pytest.skip("poppler-utils are not installed")
    text = _run("pdftotext", "-layout", str(report), "-")
    figures = expected[indre]
    assert f"Annual report {year}" in text and indre in text
    assert "EU ERDF CO01" in text and "IRIS+ PI3687" in text
    for label, value in (
        ("Enterprises receiving support", figures["firms_supported"]),
        ("Applications received", figures["applications"]),
        ("Maintained (latest declarations)", figures["jobs_declared"]["maintained"]),
    ):
        line = next(line for line in text.splitlines() if label in line)
        assert str(value) in line.split(), line
    _run("pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(report), str(SCREENSHOTS / "annual-report"))
    page = next(SCREENSHOTS.glob("annual-report*.png"))
    assert page.stat().st_size > 20_000
