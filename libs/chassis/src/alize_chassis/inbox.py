"""Idempotent effects of events, with no broker in sight: which effects an event
type has (Handlers), and applying them once per event (the processed_events table,
in the caller's transaction). The Kafka consumer and the metrics replay share it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any

import asyncpg
from alize_contracts import Event

from alize_chassis.wire import Received

Handler = Callable[[asyncpg.Connection, Any, Received], Awaitable[None]]
"""An effect: (connection inside the transaction, the contract event, metadata)."""


class Handlers:
    """Maps contract event classes to effects for one consumer.

    Several effects may register for one event type (e.g. several read models);
    they run in registration order, in the same transaction.
    """

    def __init__(self) -> None:
        self._by_type: dict[str, list[Handler]] = {}

    @classmethod
    def of(cls, table: Mapping[type[Event], Sequence[Handler]]) -> Handlers:
        """From an explicit subscription table: event type → its effects, in order."""
        handlers = cls()
        for event, effects in table.items():
            for effect in effects:
                handlers.on(event)(effect)
        return handlers

    def on(self, event: type[Event]) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._by_type.setdefault(event.TYPE, []).append(handler)
            return handler

        return register

    def get(self, event_type: str) -> Handler | None:
        effects = self._by_type.get(event_type)
        if not effects:
            return None

        async def apply_all(conn: asyncpg.Connection, event: Any, received: Received) -> None:
            for effect in effects:
                await effect(conn, event, received)

        return apply_all

    @property
    def types(self) -> Iterable[str]:
        return self._by_type.keys()


class EventIdConflict(Exception):
    """An event id already processed arrives with a different body: not a redelivery
    but two different events under one id (a producer bug or a forgery)."""


async def apply_once(conn: asyncpg.Connection, consumer: str, received: Received, handler: Handler) -> bool:
    """Inside the caller's transaction: apply `handler` unless this consumer has
    already processed the event. Returns False when the event was a redelivery;
    raises EventIdConflict when its id was processed with another body."""
    inserted = await conn.fetchval(
        """
        INSERT INTO processed_events (consumer, event_id, event_type, digest) VALUES ($1, $2, $3, $4)
        ON CONFLICT DO NOTHING RETURNING true
        """,
        consumer,
        received.id,
        received.type,
        received.digest,
    )
    if not inserted:
        first = await conn.fetchval(
            "SELECT digest FROM processed_events WHERE consumer = $1 AND event_id = $2", consumer, received.id
        )
        if first is not None and first != received.digest:
            raise EventIdConflict(f"event {received.id} was processed before with a different body")
        return False
    await handler(conn, received.event, received)
    return True
