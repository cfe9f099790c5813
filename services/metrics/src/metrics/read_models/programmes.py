"""Which programme each application belongs to, so facts from events that do not
carry it (missions, jobs, advances) can be broken down by programme at query time,
whatever order the topics were read in."""

from __future__ import annotations

from typing import Any

import asyncpg
from alize_chassis.wire import Received
from alize_contracts import EVENT_TYPES

from metrics.read_models import handlers


async def record_programme(conn: asyncpg.Connection, event: Any, _: Received) -> None:
    await conn.execute(
        "INSERT INTO application_programmes (application_id, programme) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        event.application_id,
        event.programme,
    )


for _event in EVENT_TYPES.values():
    if {"application_id", "programme"} <= set(_event.model_fields):
        handlers.on(_event)(record_programme)
