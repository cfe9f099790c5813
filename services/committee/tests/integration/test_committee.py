"""Committee against real PostgreSQL and Kafka."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import httpx
import pytest
from alize_contracts import ApplicationSubmitted, Jobs
from committee.app import create_app
from committee.settings import CommitteeSettings
from devstack.infra import Infra
from devstack.testing import count, eventually, fetch, publish_event, running

pytestmark = pytest.mark.infra


@pytest.fixture
async def client(service_settings: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(CommitteeSettings(**service_settings))) as http:  # type: ignore[arg-type]
        yield http


def _submitted(territory: str) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        territory=territory,
        application_id=uuid4(),
        programme="skill_sponsorship",
        firm_id="404833048",
        submitted_at=datetime.now(UTC),
        jobs_planned=Jobs(created=2, maintained=5),
        baseline_headcount=5,
    )


async def _on_docket(client: httpx.AsyncClient, event: ApplicationSubmitted) -> dict[str, Any]:
    application_id = event.application_id
    docket = await eventually(
        lambda: client.get("/docket", params={"territory": event.territory}),
        lambda r: any(e["application_id"] == str(application_id) for e in r.json()),
    )
    return next(e for e in docket.json() if e["application_id"] == str(application_id))


async def test_the_same_event_delivered_twice_puts_one_entry_on_the_docket(
    client: httpx.AsyncClient, infrastructure: Infra, database_url: str, territory: str
) -> None:
    event = _submitted(territory)
    event_id = uuid4()
    await publish_event(infrastructure.kafka_bootstrap_servers, event, event_id=event_id)
    await publish_event(infrastructure.kafka_bootstrap_servers, event, event_id=event_id)
    # A later, distinct event proves both copies were consumed before we count.
    marker = _submitted(territory)
    await publish_event(infrastructure.kafka_bootstrap_servers, marker)
    entry = await _on_docket(client, event)
    await _on_docket(client, marker)

    assert entry["status"] == "pending"
    assert len((await client.get("/docket", params={"territory": territory})).json()) == 2
    processed = await fetch(
        database_url, "committee", "SELECT event_id FROM processed_events WHERE event_id = $1", str(event_id)
    )
    assert len(processed) == 1


async def test_approval_and_rejection_publish_decisions(
    client: httpx.AsyncClient, infrastructure: Infra, database_url: str, territory: str
) -> None:
    approved, rejected = _submitted(territory), _submitted(territory)
    for event in (approved, rejected):
        await publish_event(infrastructure.kafka_bootstrap_servers, event)
        await _on_docket(client, event)

    response = await client.post(
        f"/applications/{approved.application_id}/decision",
        json={"outcome": "approve", "skill_days": 3, "advance_amount_cents": 2_300_000},
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "approved"
    response = await client.post(
        f"/applications/{rejected.application_id}/decision",
        json={"outcome": "reject", "reason": "No development project yet."},
    )
    assert response.status_code == 201, response.text

    rows = await fetch(
        database_url, "committee", "SELECT aggregateid, type, payload FROM outbox ORDER BY seq"
    )
    assert [(r["aggregateid"], r["type"]) for r in rows] == [
        (str(approved.application_id), "org.alize.committee.project.approved.v1"),
        (str(rejected.application_id), "org.alize.committee.project.rejected.v1"),
    ]
    payload: Any = rows[0]["payload"]
    assert payload["skill_days_contracted"] == 3
    assert payload["advance_amount_cents"] == 2_300_000
    assert payload["jobs_planned"] == {"created": 2, "maintained": 5}


BAD_DECISIONS = [
    ({"outcome": "approve"}, 422, "skill_days"),
    ({"outcome": "approve", "skill_days": 2.3}, 422, "multiple of 0.5"),
    ({"outcome": "approve", "skill_days": 0}, 422, "skill days, an advance, or both"),
    ({"outcome": "approve", "skill_days": 2, "advance_amount_cents": -5}, 422, "advance_amount_cents"),
    ({"outcome": "reject"}, 422, "reason"),
    ({"outcome": "postpone"}, 422, "outcome"),
]


@pytest.mark.parametrize(("body", "status", "message"), BAD_DECISIONS, ids=[m for *_, m in BAD_DECISIONS])
async def test_bad_decision_is_refused_clearly_and_changes_nothing(
    client: httpx.AsyncClient,
    infrastructure: Infra,
    database_url: str,
    territory: str,
    body: dict[str, Any],
    status: int,
    message: str,
) -> None:
    event = _submitted(territory)
    await publish_event(infrastructure.kafka_bootstrap_servers, event)
    await _on_docket(client, event)

    response = await client.post(f"/applications/{event.application_id}/decision", json=body)
    assert response.status_code == status
    assert message in response.text
    assert (await _on_docket(client, event))["status"] == "pending"
    assert await count(database_url, "committee", "outbox") == 0


async def test_deciding_an_unknown_or_decided_application_is_refused(
    client: httpx.AsyncClient, infrastructure: Infra, database_url: str, territory: str
) -> None:
    response = await client.post(
        f"/applications/{uuid4()}/decision", json={"outcome": "reject", "reason": "Out of scope."}
    )
    assert response.status_code == 404
    assert "not on the committee's docket" in response.json()["detail"]

    event = _submitted(territory)
    await publish_event(infrastructure.kafka_bootstrap_servers, event)
    await _on_docket(client, event)
    first = await client.post(
        f"/applications/{event.application_id}/decision",
        json={"outcome": "reject", "reason": "Out of scope."},
    )
    assert first.status_code == 201
    again = await client.post(
        f"/applications/{event.application_id}/decision", json={"outcome": "approve", "skill_days": 2}
    )
    assert again.status_code == 409
    assert "already rejected" in again.json()["detail"]
    assert await count(database_url, "committee", "outbox") == 1
