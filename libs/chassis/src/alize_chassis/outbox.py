"""Transactional outbox: events are written in the same transaction as the state
change, and a relay publishes them to Kafka afterwards (at least once, in order)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from alize_contracts import Event
from faststream.kafka import KafkaBroker
from opentelemetry import context as otel_context
from opentelemetry import propagate

from alize_chassis.wire import to_kafka

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "alize_outbox"


async def record(conn: asyncpg.Connection, event: Event, *, service: str) -> UUID:
    """Add `event` to the outbox inside the caller's transaction.

    The trace context current now (the request or message that caused the event)
    is saved with it and restored when the relay publishes.
    """
    event_id = uuid4()
    message = to_kafka(event, event_id=event_id, service=service, time=datetime.now(UTC))
    headers: dict[str, str] = {k: v.decode() for k, v in message.headers.items()}
    propagate.inject(headers)
    await conn.execute(
        """
        INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, headers)
        VALUES ($1, $2, $3, $4, $5, $6)
        """,
        event_id,
        event.TOPIC,
        event.key(),
        event.TYPE,
        json.loads(message.value),
        headers,
    )
    # Delivered on commit only; wakes the relay without waiting for its poll.
    await conn.execute("SELECT pg_notify($1, '')", NOTIFY_CHANNEL)
    return event_id


async def purge_published(pool: asyncpg.Pool, retention: timedelta) -> int:
    """Delete rows published longer than `retention` ago (the topics keep the events)."""
    deleted = await pool.fetchval(
        """
        WITH gone AS (DELETE FROM outbox WHERE published_at < now() - $1::interval RETURNING 1)
        SELECT count(*) FROM gone
        """,
        retention,
    )
    return int(deleted)


_TRACE_HEADERS = ("traceparent", "tracestate", "baggage")


class OutboxRelay:
    """Publishes outbox rows in commit order and marks them published.

    One relay per service is active at a time (a PostgreSQL advisory lock), so
    the events of one aggregate reach Kafka in the order they were recorded.
    A crash between publish and mark republishes: consumers are idempotent.
    """

    def __init__(
        self,
        pool: asyncpg.Pool,
        broker: KafkaBroker,
        *,
        lock_name: str,
        batch_size: int = 200,
        poll_seconds: float = 1.0,
    ) -> None:
        self._pool = pool
        self._broker = broker
        self._lock_name = lock_name
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay:{self._lock_name}")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.wait([self._task])  # its CancelledError is expected; the caller's is not swallowed

    async def _run(self) -> None:
        while True:
            try:
                await self._lead()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; retrying in 1 s")
                await asyncio.sleep(1)

    async def _lead(self) -> None:
        async with self._pool.acquire() as listener:
            locked = await listener.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", self._lock_name)
            if not locked:  # another instance relays; try again later
                await asyncio.sleep(self._poll_seconds * 5)
                return
            await listener.add_listener(NOTIFY_CHANNEL, self._on_notify)
            try:
                while True:
                    while await self.publish_pending() == self._batch_size:
                        pass
                    # asyncio.timeout, not wait_for: on Python 3.11, wait_for swallows a
                    # cancellation that arrives as the event is set, and stop() hangs.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self._poll_seconds):
                            await self._wake.wait()
                    self._wake.clear()
            finally:
                await listener.remove_listener(NOTIFY_CHANNEL, self._on_notify)
                await listener.execute("SELECT pg_advisory_unlock(hashtext($1))", self._lock_name)

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished rows; return how many were published."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                """
                SELECT seq, aggregatetype, aggregateid, payload::text AS value, headers
                FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1
                """,
                self._batch_size,
            )
            for row in rows:
                await self._publish(row)
                await conn.execute("UPDATE outbox SET published_at = now() WHERE seq = $1", row["seq"])
        return len(rows)

    async def _publish(self, row: asyncpg.Record) -> None:
        headers: dict[str, str] = dict(row["headers"])
        carrier = {k: headers[k] for k in _TRACE_HEADERS if k in headers}
        token = otel_context.attach(propagate.extract(carrier))
        try:
            # The telemetry middleware starts the producer span as a child of the
            # restored context and replaces the traceparent with its own; without
            # telemetry, the stored context travels as it is.
            await self._broker.publish(
                row["value"].encode(),
                topic=row["aggregatetype"],
                key=row["aggregateid"].encode(),
                headers=headers,
            )
        finally:
            otel_context.detach(token)
