"""The chassis' HTTP edges on real services (PostgreSQL and Kafka behind them): untrusted input
refused with a problem and nothing stored, security headers on the dashboard's HTML."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from devstack.testing import ServiceSettingsFor, count, running
from intake.app import create_app as intake_app
from intake.settings import IntakeSettings
from metrics.app import create_app as metrics_app
from metrics.settings import MetricsSettings

pytestmark = pytest.mark.infra

MARKER = "Marker-51c0"
TODAY = datetime.now(UTC).date()


async def test_intake_refuses_nul_non_finite_and_booleans_and_stores_nothing(
    service_settings: ServiceSettingsFor, database_url: str, territory: str
) -> None:
    call = {
        "territory": territory,
        "programme": "skill_sponsorship",
        "opens_on": str(TODAY - timedelta(days=1)),
        "closes_on": str(TODAY + timedelta(days=30)),
        "skill_days_budget": 60,
        "advances_budget_cents": 10_000_000,
    }
    async with running(intake_app(IntakeSettings(**service_settings("intake")))) as http:  # type: ignore[arg-type]
        opened = await http.post("/calls", json=call)
        assert opened.status_code == 201, opened.text
        application = {
            "call_id": opened.json()["call_id"],
            "firm_id": "404833048",
            "contact": {"full_name": MARKER, "email": "jeanne.martin@example.org"},
            "project_summary": f"{MARKER}\x00",  # PostgreSQL cannot store a NUL: a 500 before
            "jobs_planned": {"created": 1, "maintained": 1},
            "baseline_headcount": 1,
        }
        before = await count(database_url, "intake", "applications")
        refusals = [
            await http.post("/applications", json=application),
            await http.post(
                "/applications", json={**application, "project_summary": MARKER, "baseline_headcount": True}
            ),
            await http.post(
                "/applications",
                content=f'{{"call_id": "{opened.json()["call_id"]}", "contact": {{"full_name": "{MARKER}", '
                '"email": "a@example.org"}, "jobs_planned": {"created": NaN, "maintained": 1e400}, '
                '"baseline_headcount": 1}',
                headers={"content-type": "application/json"},
            ),
            await http.get("/calls", params={"territory": f"{territory}\x00{MARKER}"}),
            await http.get(f"/calls?territory=%ED%A0%80{MARKER}"),
        ]
        for refused in refusals:
            assert refused.status_code == 422, refused.text
            assert refused.headers["content-type"] == "application/problem+json"
            assert MARKER not in refused.text
        assert "body.project_summary: Text must not contain a NUL character" in refusals[0].json()["detail"]
        assert await count(database_url, "intake", "applications") == before

        too_large = await http.post("/applications", json={**application, "project_summary": "x" * 2_000_000})
        assert too_large.status_code == 413 and too_large.json()["status"] == 413
        unknown = await http.get("/nowhere")
        assert unknown.status_code == 404 and unknown.headers["content-type"] == "application/problem+json"


async def test_the_dashboard_sends_security_headers(service_settings: ServiceSettingsFor) -> None:
    async with running(metrics_app(MetricsSettings(**service_settings("metrics")))) as http:  # type: ignore[arg-type]
        for path in ("/dashboard", "/metrics/national"):
            response = await http.get(path)
            assert response.status_code == 200, response.text
            assert "default-src 'none'" in response.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["x-frame-options"] == "DENY"
