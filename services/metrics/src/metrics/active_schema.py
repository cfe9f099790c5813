"""The schema the metrics service reads from and writes to. A replay switches it
while the service runs: reads and the live consumer follow within `ttl` seconds."""

from __future__ import annotations

import time
from collections.abc import Callable

import asyncpg


class ActiveSchema:
    def __init__(self, default: str, ttl: float = 1.0) -> None:
        self._schema = default
        self._checked = 0.0
        self._ttl = ttl
        self._pool: Callable[[], asyncpg.Pool] | None = None

    def bind(self, pool: Callable[[], asyncpg.Pool]) -> None:
        self._pool = pool

    async def current(self) -> str:
        if self._pool is not None and time.monotonic() - self._checked > self._ttl:
            found = await self._pool().fetchval("SELECT schema_name FROM metrics_control.active_schema")
            self._schema, self._checked = found or self._schema, time.monotonic()
        return self._schema


async def switch(conn: asyncpg.Connection, schema: str) -> None:
    await conn.execute("UPDATE metrics_control.active_schema SET schema_name = $1, switched_at = now()", schema)


async def active(conn: asyncpg.Connection | asyncpg.Pool) -> str:
    schema: str = await conn.fetchval("SELECT schema_name FROM metrics_control.active_schema")
    return schema
