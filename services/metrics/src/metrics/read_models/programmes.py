"""Which programme each application belongs to, so facts from events that do not
carry it (missions, jobs, advances) can be broken down by programme at query time,
whatever order the topics were read in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

import asyncpg
from alize_chassis.wire import Received
from alize_contracts import EVENT_TYPES

from metrics.read_models import handlers

_CARRIERS = frozenset(e for e in EVENT_TYPES.values() if {"application_id", "programme"} <= set(e.model_fields))
"""The event types that name both an application and its programme."""


def programme_of(event: Any) -> tuple[UUID, str] | None:
    return (event.application_id, event.programme) if type(event) in _CARRIERS else None


async def record_programmes(conn: asyncpg.Connection, pairs: Iterable[tuple[UUID, str]]) -> None:
    ids, programmes = zip(*pairs, strict=True) if pairs else ((), ())
    await conn.execute(
        """
        INSERT INTO application_programmes (application_id, programme)
        SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING
        """,
        list(ids),
        list(programmes),
    )


async def record_programme(conn: asyncpg.Connection, event: Any, _: Received) -> None:
    found = programme_of(event)
    if found:
        await record_programmes(conn, [found])


for _event in EVENT_TYPES.values():
    handlers.on(_event)(record_programme)
