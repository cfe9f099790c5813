"""Every intake route that changes something honours the Idempotency-Key: the same key
twice → one effect and the same response; the same key on another request → 422."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from devstack.commands_testing import assert_retry_safe, write_routes
from devstack.testing import ServiceSettingsFor, running
from intake.app import create_app
from intake.settings import IntakeSettings

TODAY = datetime.now(UTC).date()
SCHEMA = "intake"
IGNORE = ("committee_decisions",)  # written by the consumer, from other tests' events too

ROUTES = {
    "POST /calls",
    "POST /calls/{call_id}/close",
    "PUT /territories/{territory}/eligibility-rules/{programme}",
    "POST /applications",
    "PATCH /applications/{application_id}",
    "POST /applications/{application_id}/submit",
    "POST /applications/{application_id}/withdraw",
    "DELETE /applicants/{applicant_id}",
}


@pytest.fixture
async def client(service_settings: ServiceSettingsFor) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(IntakeSettings(**service_settings("intake")))) as http:  # type: ignore[arg-type]
        yield http


def test_every_write_route_is_covered_here() -> None:
    assert write_routes(create_app(IntakeSettings())) == ROUTES


def _call(territory: str, days: int = 30) -> dict[str, Any]:
    return {
        "territory": territory,
        "programme": "skill_sponsorship",
        "opens_on": (TODAY - timedelta(days=30)).isoformat(),
        "closes_on": (TODAY + timedelta(days=days)).isoformat(),
        "skill_days_budget": 60,
        "advances_budget_cents": 10_000_000,
    }


def _application(call_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "call_id": call_id,
        "firm_id": "404 833 048",
        "sector": "C25.62",
        "project_kind": "development",
        "project_summary": "A second production line.",
        "jobs_planned": {"created": 3, "maintained": 12},
        "baseline_headcount": 12,
        "skills_needed": ["sales"],
        **overrides,
    }


async def _post(client: httpx.AsyncClient, url: str, body: Any = None) -> Any:
    response = await client.post(url, json=body)
    assert response.is_success, response.text
    return response.json()


async def test_calls_and_rules(client: httpx.AsyncClient, database_url: str, territory: str) -> None:
    opened = await assert_retry_safe(
        client, database_url, SCHEMA, "POST", "/calls", _call(territory), other=("/calls", _call(territory, 31))
    )
    other = await _post(client, "/calls", _call(territory))
    call_id = opened.json()["call_id"]
    await assert_retry_safe(
        client,
        database_url,
        SCHEMA,
        "POST",
        f"/calls/{call_id}/close",
        other=(f"/calls/{other['call_id']}/close", None),
        ignore=IGNORE,
    )
    rules = {"min_jobs_planned": 2, "max_headcount": 40, "min_firm_age_months": 6}
    await assert_retry_safe(
        client,
        database_url,
        SCHEMA,
        "PUT",
        f"/territories/{territory}/eligibility-rules/skill_sponsorship",
        rules,
        other=(f"/territories/{territory}/eligibility-rules/skill_sponsorship", {**rules, "max_headcount": 41}),
        ignore=IGNORE,
    )


async def test_applications_and_applicants(client: httpx.AsyncClient, database_url: str, territory: str) -> None:
    call_id = (await _post(client, "/calls", _call(territory)))["call_id"]
    body = _application(call_id, contact={"full_name": "Ada", "email": "ada@example.org"})
    created = await assert_retry_safe(
        client,
        database_url,
        SCHEMA,
        "POST",
        "/applications",
        body,
        other=("/applications", {**body, "baseline_headcount": 13}),
        ignore=IGNORE,
    )
    first = created.json()["application_id"]
    second = (await _post(client, "/applications", _application(call_id)))["application_id"]
    await assert_retry_safe(
        client,
        database_url,
        SCHEMA,
        "PATCH",
        f"/applications/{first}",
        {"sector": None},
        other=(f"/applications/{first}", {}),  # the null given is not a field left out
        ignore=IGNORE,
    )
    await assert_retry_safe(
        client,
        database_url,
        SCHEMA,
        "POST",
        f"/applications/{first}/submit",
        other=(f"/applications/{second}/submit", None),
        ignore=IGNORE,
    )
    await _post(client, f"/applications/{second}/submit")
    await assert_retry_safe(
        client,
        database_url,
        SCHEMA,
        "POST",
        f"/applications/{first}/withdraw",
        other=(f"/applications/{second}/withdraw", None),
        ignore=IGNORE,
    )
    applicant = created.json()["applicant_id"]
    await assert_retry_safe(
        client,
        database_url,
        SCHEMA,
        "DELETE",
        f"/applicants/{applicant}",
        other=(f"/applicants/{first}", None),
        ignore=IGNORE,
    )
