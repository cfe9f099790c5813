"""The outbox on real PostgreSQL and Kafka: the relay publishes rows in commit order
as CloudEvents with the saved trace context, marks them, and old rows are purged."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from alize_chassis import db, outbox
from alize_chassis.db import CHASSIS_MIGRATIONS
from alize_chassis.journey import current_context
from alize_chassis.telemetry import configure_tracing
from alize_chassis.topics import ensure_topics
from alize_contracts import ApplicationSubmitted, Jobs, topics
from devstack.infra import Infra, admin_kafka
from devstack.testing import admin_broker, eventually, find_message, read_topic
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
            ids = await outbox.record(conn, [(e, current_context()) for e in events], service="test")
    broker = admin_broker(infrastructure.kafka_bootstrap_servers)
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
    relay = outbox.OutboxRelay(pool, admin_broker(infrastructure.kafka_bootstrap_servers), lock_name=f"{uuid4()}")
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


async def test_two_relays_publish_each_row_once_when_the_lock_holders_connection_is_killed_under_load(
    infrastructure: Infra, database_url: str, isolation_id: str
) -> None:
    """Two instances of a service, rows added all along, and the leader's lock
    connection terminated (an idle reaper, a failover, a proxy): the other takes
    over and no row reaches Kafka twice; both stop within 10 s."""
    bootstrap = infrastructure.kafka_bootstrap_servers
    topic = f"test.relay.{isolation_id}"
    lock = f"relay-pair-{isolation_id}"
    await ensure_topics(admin_kafka(bootstrap), [topic])
    await db.migrate(database_url, "relay_pair", [CHASSIS_MIGRATIONS])
    pools = [await db.create_pool(database_url, "relay_pair") for _ in range(2)]
    brokers = [admin_broker(bootstrap) for _ in range(2)]
    relays = [
        outbox.OutboxRelay(pool, broker, lock_name=lock, batch_size=20, poll_seconds=0.1)
        for pool, broker in zip(pools, brokers, strict=True)
    ]
    added: list[str] = []

    async def add_rows(count: int) -> None:
        for n in range(count):
            event_id = str(uuid4())
            await pools[0].execute(
                """
                INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, headers)
                VALUES ($1, $2, $3, 'test.v1', $4, $5)
                """,
                UUID(event_id),
                topic,
                f"key-{n % 7}",
                {"n": n},
                {"ce_id": event_id},
            )
            await pools[0].execute("SELECT pg_notify($1, '')", outbox.NOTIFY_CHANNEL)
            added.append(event_id)
            await asyncio.sleep(0.003)

    async def lock_holder() -> int | None:
        pid: int | None = await pools[0].fetchval(
            """
            SELECT pid FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND objid = hashtext($1)::oid
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """,
            lock,
        )
        return pid

    try:
        for broker in brokers:
            await broker.start()
        for relay in relays:
            await relay.start()
        load = asyncio.create_task(add_rows(600))
        first = await eventually(lock_holder, lambda pid: pid is not None, timeout=10)
        assert first is not None
        await eventually(
            lambda: pools[0].fetchval("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL"),
            lambda n: n >= 100,
            timeout=30,
        )
        assert await pools[0].fetchval("SELECT pg_terminate_backend($1)", first)
        second = await eventually(lock_holder, lambda pid: pid not in (None, first), timeout=20)
        assert second not in (None, first), "nobody took the lock over"
        await load
        unpublished = "SELECT count(*) FROM outbox WHERE published_at IS NULL"
        assert await eventually(lambda: pools[0].fetchval(unpublished), lambda n: n == 0, timeout=30) == 0
    finally:
        timings = []
        for relay in relays:
            started = time.monotonic()
            await relay.stop()
            timings.append(time.monotonic() - started)
        for broker in brokers:
            await broker.stop()
        for pool in pools:
            await pool.close()

    published = Counter(h["ce_id"].decode() for h, _ in await read_topic(bootstrap, topic))
    assert set(published) == set(added)
    assert [event_id for event_id, n in published.items() if n > 1] == []
    assert all(t < 10 for t in timings), timings


async def test_a_relay_stopped_just_after_its_lock_connection_died_stops_at_once(
    infrastructure: Infra, database_url: str, isolation_id: str
) -> None:
    """A shutdown that arrives as the leader's connection dies (a failover during a
    deploy): releasing the lock must not replace the cancellation and keep the relay on."""
    lock = f"relay-stop-{isolation_id}"
    await db.migrate(database_url, "relay_dying", [CHASSIS_MIGRATIONS])
    pool = await db.create_pool(database_url, "relay_dying")
    broker = admin_broker(infrastructure.kafka_bootstrap_servers)
    # Idle between polls, as a service is most of the time: the shutdown finds it waiting.
    relay = outbox.OutboxRelay(pool, broker, lock_name=lock, poll_seconds=3, stop_timeout_seconds=5)
    holder = (
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = hashtext($1)::oid"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    try:
        await broker.start()
        for _ in range(3):
            await relay.start()
            pid = await eventually(lambda: pool.fetchval(holder, lock), lambda p: p is not None, timeout=10)
            await asyncio.sleep(0.3)  # leading, idle
            assert await pool.fetchval("SELECT pg_terminate_backend($1)", pid)
            await asyncio.sleep(0.3)  # asyncpg has seen its connection go
            started = time.monotonic()
            await relay.stop()
            took = time.monotonic() - started
            assert relay._task is not None and relay._task.done(), "the relay was abandoned, still running"
            assert took < 2, f"stop took {took:.1f} s"
    finally:
        await broker.stop()
        await pool.close()
