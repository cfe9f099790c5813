"""Missions against real PostgreSQL and Kafka."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import httpx
import pytest
from alize_contracts import Jobs, ProjectApproved
from devstack.infra import Infra
from devstack.testing import count, eventually, fetch, publish_event, running
from missions.app import create_app
from missions.settings import MissionsSettings

pytestmark = pytest.mark.infra


@pytest.fixture
async def client(service_settings: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(MissionsSettings(**service_settings))) as http:  # type: ignore[arg-type]
        yield http


def _approved(days: float = 2) -> ProjectApproved:
    return ProjectApproved(
        territory="indre",
        application_id=uuid4(),
        programme="skill_sponsorship",
        firm_id="404833048",
        decided_at=datetime.now(UTC),
        skill_days_contracted=days,
        jobs_planned=Jobs(created=1, maintained=4),
    )


async def _mission(client: httpx.AsyncClient, event: ProjectApproved) -> dict[str, Any]:
    found = await eventually(
        lambda: client.get("/missions", params={"application_id": str(event.application_id)}),
        lambda r: len(r.json()) > 0,
    )
    assert found.json(), "no mission opened"
    mission: dict[str, Any] = found.json()[0]
    return mission


async def test_the_same_approval_delivered_twice_opens_one_mission(
    client: httpx.AsyncClient, infrastructure: Infra, database_url: str
) -> None:
    event, event_id = _approved(days=3), uuid4()
    await publish_event(infrastructure.kafka_bootstrap_servers, event, event_id=event_id)
    await publish_event(infrastructure.kafka_bootstrap_servers, event, event_id=event_id)
    marker = _approved()
    await publish_event(infrastructure.kafka_bootstrap_servers, marker)
    mission = await _mission(client, event)
    await _mission(client, marker)

    assert float(mission["days_budget"]) == 3
    missions = await client.get("/missions", params={"application_id": str(event.application_id)})
    assert len(missions.json()) == 1
    rows = await fetch(
        database_url,
        "missions",
        "SELECT count(*) AS n FROM projects WHERE application_id = $1",
        event.application_id,
    )
    assert rows[0]["n"] == 1


async def test_days_and_declarations_are_recorded_and_published(
    client: httpx.AsyncClient, infrastructure: Infra, database_url: str
) -> None:
    event = _approved(days=1.5)
    await publish_event(infrastructure.kafka_bootstrap_servers, event)
    mission = await _mission(client, event)

    for worked_on, days in (("2026-05-04", 1), ("2026-05-05", 0.5)):
        response = await client.post(
            f"/missions/{mission['mission_id']}/days", json={"worked_on": worked_on, "days": days}
        )
        assert response.status_code == 201, response.text
    response = await client.post(
        f"/applications/{event.application_id}/job-declarations",
        json={"as_of": "2026-12-31", "jobs_created": 2, "jobs_maintained": 4},
    )
    assert response.status_code == 201, response.text

    rows = await fetch(database_url, "missions", "SELECT type, payload FROM outbox ORDER BY seq")
    assert [r["type"] for r in rows] == [
        "org.alize.missions.mission.day_logged.v1",
        "org.alize.missions.mission.day_logged.v1",
        "org.alize.missions.jobs.declared.v1",
    ]
    assert [r["payload"]["days"] for r in rows[:2]] == [1.0, 0.5]  # type: ignore[index]
    assert rows[2]["payload"]["jobs"] == {"created": 2, "maintained": 4}  # type: ignore[index]


BAD_DAYS = [
    ({"worked_on": "2026-05-06", "days": 1}, 422, "contracted days left"),  # over the budget
    ({"worked_on": "2026-05-04", "days": 0.5}, 422, "at most one day per date"),
    ({"worked_on": "2026-05-06", "days": 0.3}, 422, "multiple of 0.5"),
    ({"worked_on": "2026-05-06", "days": 2}, 422, "less than or equal to 1"),
    ({"worked_on": "yesterday", "days": 1}, 422, "worked_on"),
    ({"days": 1}, 422, "worked_on"),
]


@pytest.mark.parametrize(("body", "status", "message"), BAD_DAYS, ids=[m for *_, m in BAD_DAYS])
async def test_bad_mission_day_is_refused_clearly_and_changes_nothing(
    client: httpx.AsyncClient,
    infrastructure: Infra,
    database_url: str,
    body: dict[str, Any],
    status: int,
    message: str,
) -> None:
    event = _approved(days=1.5)
    await publish_event(infrastructure.kafka_bootstrap_servers, event)
    mission = await _mission(client, event)
    first = await client.post(f"/missions/{mission['mission_id']}/days", json={"worked_on": "2026-05-04", "days": 1})
    assert first.status_code == 201

    response = await client.post(f"/missions/{mission['mission_id']}/days", json=body)
    assert response.status_code == status
    assert message in response.text
    assert await count(database_url, "missions", "mission_days") == 1
    assert await count(database_url, "missions", "outbox") == 1


async def test_unknown_mission_or_project_is_404_and_changes_nothing(
    client: httpx.AsyncClient, database_url: str
) -> None:
    response = await client.post(f"/missions/{uuid4()}/days", json={"worked_on": "2026-05-04", "days": 1})
    assert response.status_code == 404 and "no mission" in response.json()["detail"]
    response = await client.post(
        f"/applications/{uuid4()}/job-declarations",
        json={"as_of": "2026-12-31", "jobs_created": 1, "jobs_maintained": 0},
    )
    assert response.status_code == 404 and "not an approved project" in response.json()["detail"]
    assert await count(database_url, "missions", "outbox") == 0


@pytest.mark.parametrize(
    "body",
    [
        {"as_of": "2026-12-31", "jobs_created": -1, "jobs_maintained": 0},
        {"as_of": "2026-12-31", "jobs_created": 1},
        {"as_of": "soon", "jobs_created": 1, "jobs_maintained": 0},
    ],
)
async def test_bad_job_declaration_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, infrastructure: Infra, database_url: str, body: dict[str, Any]
) -> None:
    event = _approved()
    await publish_event(infrastructure.kafka_bootstrap_servers, event)
    await _mission(client, event)
    response = await client.post(f"/applications/{event.application_id}/job-declarations", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] in {"jobs_created", "jobs_maintained", "as_of"}
    assert await count(database_url, "missions", "job_declarations") == 0
    assert await count(database_url, "missions", "outbox") == 0
