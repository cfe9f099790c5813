"""The outbox on real PostgreSQL and Kafka: the relay publishes rows in commit order
as CloudEvents with the saved trace context, marks them, and old rows are purged."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from alize_chassis import db, outbox
from alize_chassis.db import CHASSIS_MIGRATIONS
from alize_chassis.telemetry import configure_tracing
from alize_contracts import ApplicationSubmitted, Jobs, topics
from devstack.infra import Infra
from devstack.testing import find_message
from faststream.kafka import KafkaBroker
from opentelemetry import trace

pytestmark = pytest.mark.infra


async def test_relay_publishes_in_order_with_trace_context_and_old_rows_are_purged(
    infrastructure: Infra, database_url: str, territory: str
) -> None:
    configure_tracing("chassis-test")
    await db.migrate(database_url, "relay_test", [CHASSIS_MIGRATIONS])
    pool = await db.create_pool(database_url, "relay_test")
    application_id = uuid4()
    events = [
        ApplicationSubmitted(
            territory=territory,
            application_id=application_id,
            programme="self_employment",
            firm_id=None,
            submitted_at=datetime.now(UTC),
            jobs_planned=Jobs(created=1, maintained=0),
            baseline_headcount=n,
        )
        for n in range(3)
    ]
    with trace.get_tracer(__name__).start_as_current_span("request") as request:
        trace_id = format(request.get_span_context().trace_id, "032x")
        async with pool.acquire() as conn, conn.transaction():
            ids = [await outbox.record(conn, e, service="test") for e in events]
    broker = KafkaBroker(infrastructure.kafka_bootstrap_servers)
    relay = outbox.OutboxRelay(pool, broker, lock_name=f"relay-test-{uuid4()}")
    try:
        await broker.start()
        assert await relay.publish_pending() == 3
        assert await relay.publish_pending() == 0
    finally:
        await broker.stop()

    offsets = []
    for event_id in ids:
        found = await find_message(
            infrastructure.kafka_bootstrap_servers,
            topics.APPLICATIONS,
            lambda h, _, i=event_id: h.get("ce_id") == str(i).encode(),
        )  # type: ignore[misc]
        assert found is not None
        headers, value = found
        assert headers["ce_type"] == ApplicationSubmitted.TYPE.encode()
        assert trace_id.encode() in headers["traceparent"]  # the request's trace continues
        offsets.append(value)
    assert [ApplicationSubmitted.model_validate_json(v).baseline_headcount for v in offsets] == [0, 1, 2]

    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
        await conn.execute("UPDATE outbox SET published_at = now() - interval '10 days' WHERE id = $1", ids[0])
    assert await outbox.purge_published(pool, timedelta(days=7)) == 1
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 2
    await pool.close()


async def test_the_relay_stops_when_a_notification_arrives_as_it_is_cancelled(
    infrastructure: Infra, database_url: str
) -> None:
    await db.migrate(database_url, "relay_stop_test", [CHASSIS_MIGRATIONS])
    pool = await db.create_pool(database_url, "relay_stop_test")
    relay = outbox.OutboxRelay(pool, KafkaBroker(infrastructure.kafka_bootstrap_servers), lock_name=f"{uuid4()}")
    try:
        await relay.start()
        await asyncio.sleep(0.5)  # leading, idle, waiting for a notification
        for _ in range(20):
            relay._on_notify()  # as asyncpg delivers a NOTIFY...
            await asyncio.sleep(0)  # ...that wakes the relay's wait in the very step it is cancelled
            stopping = asyncio.create_task(relay.stop())
            stopped, _ = await asyncio.wait([stopping], timeout=5)
            assert stopped, "the relay ignored its cancellation"
            await relay.start()
            await asyncio.sleep(0.05)
    finally:
        await relay.stop()
        await pool.close()
