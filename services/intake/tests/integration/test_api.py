"""Intake against real PostgreSQL and Kafka: a submission commits the application
and its event together, the relay publishes it; bad input changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from alize_contracts import topics
from devstack.infra import Infra
from devstack.testing import count, eventually, find_message, running
from intake.app import create_app
from intake.settings import IntakeSettings

pytestmark = pytest.mark.infra

VALID: dict[str, Any] = {
    "territory": "indre",
    "programme": "skill_sponsorship",
    "firm_id": "404 833 048",
    "jobs_planned": {"created": 3, "maintained": 12},
    "baseline_headcount": 12,
    "skills_needed": ["sales"],
}


@pytest.fixture
async def client(service_settings: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(IntakeSettings(**service_settings))) as http:  # type: ignore[arg-type]
        yield http


async def test_submission_is_stored_and_published(
    client: httpx.AsyncClient, database_url: str, infrastructure: Infra
) -> None:
    response = await client.post("/applications", json=VALID)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["firm_id"] == "404833048"
    assert (await client.get(f"/applications/{body['application_id']}")).json() == body

    conn = await asyncpg.connect(database_url, server_settings={"search_path": "intake"})
    try:
        published = await eventually(
            lambda: conn.fetchrow(
                "SELECT id, published_at FROM outbox WHERE aggregateid = $1", body["application_id"]
            ),
            lambda row: row is not None and row["published_at"] is not None,
        )
    finally:
        await conn.close()
    assert published is not None and published["published_at"] is not None
    found = await find_message(
        infrastructure.kafka_bootstrap_servers,
        topics.APPLICATIONS,
        lambda headers, _: headers.get("ce_id") == str(published["id"]).encode(),
    )
    assert found is not None
    headers, value = found
    assert headers["ce_type"] == b"org.alize.intake.application.submitted.v1"
    assert headers["ce_source"] == b"/territories/indre/intake"
    assert b"traceparent" not in headers or headers["traceparent"].startswith(b"00-")
    assert body["application_id"].encode() in value


BAD_INPUTS = [
    ({**VALID, "firm_id": "404833049"}, "not a valid SIREN"),
    ({**VALID, "firm_id": "12"}, "neither a SIREN"),
    ({k: v for k, v in VALID.items() if k != "firm_id"}, "needs the firm's identifier"),
    ({**VALID, "territory": "Indre (36)"}, "territory"),
    ({**VALID, "programme": "lottery"}, "programme"),
    ({**VALID, "jobs_planned": {"created": -1, "maintained": 0}}, "jobs_planned"),
    ({**VALID, "jobs_planned": {"created": 1, "maintained": 13}}, "cannot exceed baseline_headcount"),
    ({**VALID, "baseline_headcount": "many"}, "baseline_headcount"),
    ({**VALID, "applicant_email": "jean@example.org"}, "applicant_email"),
]


@pytest.mark.parametrize(("body", "message"), BAD_INPUTS, ids=[m for _, m in BAD_INPUTS])
async def test_bad_input_is_refused_clearly_and_changes_nothing(
    client: httpx.AsyncClient, database_url: str, body: dict[str, Any], message: str
) -> None:
    response = await client.post("/applications", json=body)
    assert response.status_code == 422
    assert message in response.text
    assert await count(database_url, "intake", "applications") == 0
    assert await count(database_url, "intake", "outbox") == 0


async def test_unknown_application_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/applications/8d5c1f0e-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert "no application" in response.json()["detail"]
