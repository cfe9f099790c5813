"""Transactional outbox: events are written in the same transaction as the state
change, and a relay publishes them to Kafka afterwards (at least once, in order)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import warnings
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from alize_contracts import Event
from faststream.kafka import KafkaBroker
from opentelemetry import context as otel_context
from opentelemetry import propagate

from alize_chassis.db import CONNECTION_LOST
from alize_chassis.wire import to_kafka

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "alize_outbox"


Raised = tuple[Event, Mapping[str, str]]
"""An event and the trace context of the work that raised it."""


async def record(conn: asyncpg.Connection, raised: Sequence[Raised], *, service: str) -> list[UUID]:
    """Add events to the outbox inside the caller's transaction, in order (the unit of work
    does, at commit: services raise events, they never call this).

    Each event's trace context (that of the work that raised it: the request, or the
    journey it continued) is saved with it and restored when the relay publishes.
    """
    now = datetime.now(UTC)
    rows = []
    for event, trace_context in raised:
        event_id = uuid4()
        message = to_kafka(event, event_id=event_id, service=service, time=now)
        headers = {k: v.decode() for k, v in message.headers.items()} | dict(trace_context)
        rows.append((event_id, event.TOPIC, event.key(), event.TYPE, json.loads(message.value), headers))
    if rows:
        await conn.executemany(
            "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, headers) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            rows,
        )
        # Delivered on commit only; wakes the relay without waiting for its poll.
        await conn.execute("SELECT pg_notify($1, '')", NOTIFY_CHANNEL)
    return [row[0] for row in rows]


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


def _alive(conn: asyncpg.Connection) -> bool:
    """Whether a pooled connection still lives. When its backend dies, asyncpg detaches
    the pool's proxy, and any call on it, is_closed() included, raises InterfaceError."""
    try:
        return not conn.is_closed()
    except asyncpg.InterfaceError:
        return False


class LeadershipLost(Exception):
    """The connection holding the relay's lock is gone: another instance may lead now."""


class OutboxRelay:
    """Publishes outbox rows in commit order and marks them published.

    One relay per service publishes at a time, provably:
    - the leader holds a PostgreSQL advisory lock on a connection of its own and
      publishes only while that connection lives (checked before every batch and
      every row): the lock lives exactly as long as its session;
    - a batch's rows stay locked (FOR UPDATE) until they are marked published,
      so an instance that takes the lock over while the last leader finishes its
      in-flight row waits for that row's mark instead of publishing it again.
    A crash between publish and mark still republishes that row (at least once;
    consumers are idempotent), but losing the lock never does.
    """

    def __init__(
        self,
        pool: asyncpg.Pool,
        broker: KafkaBroker,
        *,
        lock_name: str,
        batch_size: int = 200,
        poll_seconds: float = 1.0,
        stop_timeout_seconds: float = 5.0,
    ) -> None:
        self._pool = pool
        self._broker = broker
        self._lock_name = lock_name
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._stop_timeout = stop_timeout_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay:{self._lock_name}")

    async def stop(self) -> None:
        """Stop within `stop_timeout_seconds` whatever the relay is doing."""
        if self._task:
            self._task.cancel()
            # Its CancelledError is expected; the caller's is not swallowed.
            done, _ = await asyncio.wait([self._task], timeout=self._stop_timeout)
            if not done:
                log.error("outbox relay %s did not stop within %.0f s; abandoned", self._lock_name, self._stop_timeout)

    async def _run(self) -> None:
        while True:
            try:
                await self._lead()
            except asyncio.CancelledError:
                raise
            except LeadershipLost:
                log.warning("outbox relay %s lost its lock's connection; stopped publishing", self._lock_name)
                await asyncio.sleep(self._poll_seconds)
            except Exception:
                log.exception("outbox relay failed; retrying in 1 s")
                await asyncio.sleep(1)

    async def _lead(self) -> None:
        leader = await self._pool.acquire()
        try:
            locked = await leader.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", self._lock_name)
            if not locked:  # another instance relays; try again later
                await asyncio.sleep(self._poll_seconds * 5)
                return
            try:
                await leader.add_listener(NOTIFY_CHANNEL, self._on_notify)
                while True:
                    while await self.publish_pending(leader) == self._batch_size:
                        pass
                    # asyncio.timeout, not wait_for: on Python 3.11, wait_for swallows a
                    # cancellation that arrives as the event is set, and stop() hangs.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self._poll_seconds):
                            await self._wake.wait()
                    self._wake.clear()
            finally:
                await self._let_go(leader)
        finally:
            with warnings.catch_warnings(), contextlib.suppress(Exception):
                # A connection that died with its listener on: asyncpg warns as it drops it.
                warnings.simplefilter("ignore", asyncpg.InterfaceWarning)
                await self._pool.release(leader)

    async def _let_go(self, leader: asyncpg.Connection) -> None:
        """Release the lock if its connection still lives. Never raises: an error here
        would replace the CancelledError of a shutdown and keep the relay running."""
        if not _alive(leader):
            return
        try:
            async with asyncio.timeout(2):
                await leader.remove_listener(NOTIFY_CHANNEL, self._on_notify)
                await leader.execute("SELECT pg_advisory_unlock(hashtext($1))", self._lock_name)
        except Exception as exc:
            log.warning("outbox relay %s could not release its lock: %s", self._lock_name, type(exc).__name__)

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    async def publish_pending(self, leader: asyncpg.Connection | None = None) -> int:
        """Publish one batch of unpublished rows; return how many were published.

        With `leader` (the connection holding the lock), publish only while it lives.
        Rows published before a failure, a lost lock or a cancellation are marked
        all the same: they are on Kafka.
        """
        published: list[int] = []
        stopped: BaseException | None = None
        async with self._pool.acquire() as conn, conn.transaction():
            if leader is not None:
                await self._still_leading(leader)
            rows = await conn.fetch(
                """
                SELECT seq, aggregatetype, aggregateid, payload::text AS value, headers
                FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE
                """,
                self._batch_size,
            )
            try:
                for row in rows:
                    if leader is not None and not _alive(leader):
                        raise LeadershipLost(self._lock_name)
                    await self._publish(row)
                    published.append(row["seq"])
            except BaseException as exc:  # re-raised below, once the marks are saved
                stopped = exc
            if published:
                await conn.execute("UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])", published)
        if stopped is not None:
            raise stopped
        return len(published)

    async def _still_leading(self, leader: asyncpg.Connection) -> None:
        """The advisory lock lives as long as its session: a live session still holds it.
        A session that does not answer in time (a half-open connection) is not trusted."""
        try:
            async with asyncio.timeout(self._poll_seconds * 5):
                await leader.fetchval("SELECT 1")
        except CONNECTION_LOST as exc:
            raise LeadershipLost(type(exc).__name__) from exc

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
