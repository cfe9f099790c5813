"""The chassis consumer on real Kafka and PostgreSQL: bounded retries, then the
dead-letter topic; a transient failure is retried and applied once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from alize_chassis import db
from alize_chassis.consumer import Consumer
from alize_chassis.db import CHASSIS_MIGRATIONS
from alize_chassis.inbox import Handlers
from alize_chassis.topics import ensure_topics
from alize_chassis.wire import Received, to_kafka
from alize_contracts import ApplicationSubmitted, Jobs
from alize_contracts.topics import dead_letter
from devstack.infra import Infra
from devstack.testing import admin_broker, eventually, find_message, publish_raw

pytestmark = pytest.mark.infra


def _event(territory: str) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        territory=territory,
        application_id=uuid4(),
        programme="self_employment",
        firm_id=None,
        submitted_at=datetime.now(UTC),
        jobs_planned=Jobs(created=1, maintained=0),
        baseline_headcount=0,
    )


async def test_failing_handler_is_retried_then_dead_lettered_and_the_partition_moves_on(
    infrastructure: Infra, database_url: str, isolation_id: str, territory: str
) -> None:
    topic = f"test.chassis.{isolation_id}"
    poison, transient, healthy = _event(territory), _event(territory), _event(territory)
    attempts: Counter[str] = Counter()
    applied: list[str] = []
    handlers = Handlers()

    @handlers.on(ApplicationSubmitted)
    async def effect(conn: asyncpg.Connection, event: Any, received: Received) -> None:
        attempts[received.id] += 1
        await conn.execute("SELECT 1")
        if event.application_id == poison.application_id:
            raise RuntimeError("always fails")
        if event.application_id == transient.application_id and attempts[received.id] < 2:
            raise RuntimeError("fails once")
        applied.append(received.id)

    await ensure_topics(infrastructure.kafka_admin(), [topic, dead_letter(topic)])
    await db.migrate(database_url, "chassis_test", [CHASSIS_MIGRATIONS])
    pool = await db.create_pool(database_url, "chassis_test")
    broker = admin_broker(infrastructure.kafka_bootstrap_servers)
    group = f"test-{isolation_id}"
    Consumer(
        broker,
        lambda: pool,
        name="probe",
        group_id=group,
        topics=[topic],
        handlers=handlers,
        max_attempts=3,
        retry_backoff_seconds=0.01,
    )
    ids = {}
    try:
        for name, event in (("poison", poison), ("transient", transient), ("healthy", healthy)):
            ids[name] = str(uuid4())
            message = to_kafka(event, event_id=ids[name], service="test", time=datetime.now(UTC))  # type: ignore[arg-type]
            # One key for all three, so they share a partition and its order.
            await publish_raw(
                infrastructure.kafka_bootstrap_servers,
                topic,
                message.value,
                key=b"same-partition",
                headers=message.headers,
            )
        await broker.start()
        await eventually(lambda: _noop(), lambda _: ids["healthy"] in applied, timeout=60)
    finally:
        await broker.stop()
        processed = {r["event_id"] for r in await pool.fetch("SELECT event_id FROM processed_events")}
        await pool.close()

    assert attempts[ids["poison"]] == 3
    assert attempts[ids["transient"]] == 2
    assert applied == [ids["transient"], ids["healthy"]]
    assert processed == {ids["transient"], ids["healthy"]}  # the poison's transaction rolled back

    found = await find_message(
        infrastructure.kafka_bootstrap_servers,
        dead_letter(topic),
        lambda h, _: h.get("ce_id") == ids["poison"].encode(),
    )
    assert found is not None
    headers, value = found
    assert headers["kafka_dlt-exception-fqcn"] == b"builtins.RuntimeError"
    assert headers["kafka_dlt-original-consumer-group"] == group.encode()
    assert headers["kafka_dlt-original-topic"] == topic.encode()
    assert str(poison.application_id).encode() in value  # the original message, untouched


async def _noop() -> None:
    return None
