"""The projections applied to a batch of events with set-based SQL, for the replay.

Two ways, both writing exactly what the per-event consumer writes:
- `apply_batch`, on a schema with its keys: one statement skips what was already
  processed, one COPY adds the facts (the replay's catch-up after the switch);
- `BulkLoad`, on a fresh schema nobody reads yet: its keys and indexes are
  dropped, every batch is only COPYed, then the rows of events read twice (a
  relay republishing after a crash) are removed, keeping the first as the
  per-event consumer would (it dead-letters an id that comes back with another
  body, so keeping the first matches it too), and the keys and indexes are
  built once. This is PostgreSQL's own advice for populating a database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from alize_chassis.wire import Received

from metrics.projections import PROJECTIONS, READ_MODELS
from metrics.read_models import Projection, Row

log = logging.getLogger(__name__)

BULK_TABLES = ("processed_events", *(projection.table for projection in READ_MODELS))
"""Every table the metrics projections write."""


def _rows(batch: Sequence[Received]) -> dict[Projection, list[Row]]:
    """What the batch adds to each read model, as `PROJECTIONS` says; for a
    `first_wins` one, the first row of each key read (as ON CONFLICT DO NOTHING)."""
    rows: dict[Projection, list[Row]] = {projection: [] for projection in READ_MODELS}
    table = PROJECTIONS
    for received in batch:
        for projection in table.get(type(received.event), ()):
            if found := projection.rows(received):
                rows[projection] += found
    for projection, found in rows.items():
        if projection.first_wins:
            first: dict[Any, Row] = {}
            for row in found:
                first.setdefault(row[0], row)
            rows[projection] = list(first.values())
    return rows


async def apply_batch(conn: asyncpg.Connection, consumer: str, batch: Sequence[Received]) -> int:
    """Apply the events this consumer has not processed yet; return how many."""
    unique: dict[str, Received] = {}
    for received in batch:  # a redelivery inside one batch: the first read wins, as everywhere
        unique.setdefault(received.id, received)
    inserted = await conn.fetch(
        """
        INSERT INTO processed_events (consumer, event_id, event_type, digest)
        SELECT $1, e.id, e.type, e.digest FROM unnest($2::text[], $3::text[], $4::bytea[]) AS e(id, type, digest)
        ON CONFLICT DO NOTHING RETURNING event_id
        """,
        consumer,
        list(unique),
        [r.type for r in unique.values()],
        [r.digest for r in unique.values()],
    )
    fresh = [unique[row["event_id"]] for row in inserted]
    for projection, rows in _rows(fresh).items():
        if projection.first_wins:  # rows of earlier events may be there already
            await projection.insert(conn, rows)
        elif rows:  # rows of events not processed before: none is there yet
            await conn.copy_records_to_table(projection.table, records=rows, columns=projection.columns)
    return len(fresh)


async def copy_batch(conn: asyncpg.Connection, consumer: str, batch: Sequence[Received]) -> int:
    """Add a batch's rows as they are, for a `BulkLoad` (duplicates are dealt with
    when it builds the keys); return its size."""
    async with conn.transaction():
        await conn.copy_records_to_table(
            "processed_events",
            records=[(consumer, r.id, r.type, r.digest) for r in batch],
            columns=("consumer", "event_id", "event_type", "digest"),
        )
        for projection, rows in _rows(batch).items():
            if rows:
                await conn.copy_records_to_table(projection.table, records=rows, columns=projection.columns)
    return len(batch)


@dataclass(frozen=True)
class _Index:
    table: str
    name: str
    definition: str  # CREATE [UNIQUE] INDEX ...
    key: str | None  # "PRIMARY KEY" or "UNIQUE" when the index backs that constraint
    columns: list[str]


class BulkLoad:
    """Drops a fresh schema's keys and indexes (the pool's search_path), and builds
    them when the block ends:

        async with BulkLoad(pool):
            await copy_batch(conn, consumer, batch)  # as many as there are, on any connections
    """

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._indexes: list[_Index] = []

    async def __aenter__(self) -> BulkLoad:
        async with self._pool.acquire() as conn:
            # Names come back quoted where SQL needs it (regclass output, quote_ident).
            rows = await conn.fetch(
                """
                SELECT i.indrelid::regclass::text AS table, i.indexrelid::regclass::text AS name,
                       pg_get_indexdef(i.indexrelid) AS definition,
                       CASE c.contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' END AS key,
                       array(SELECT quote_ident(a.attname) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                             ORDER BY k.n)::text[] AS columns
                FROM pg_index i
                LEFT JOIN pg_constraint c
                       ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u')
                WHERE i.indrelid = ANY($1::text[]::regclass[])
                """,
                list(BULK_TABLES),
            )
            self._indexes = [_Index(r["table"], r["name"], r["definition"], r["key"], r["columns"]) for r in rows]
            async with conn.transaction():
                for index in self._indexes:
                    if index.key:  # a key's index goes with its constraint
                        await conn.execute(f"ALTER TABLE {index.table} DROP CONSTRAINT {index.name}")
                    else:
                        await conn.execute(f"DROP INDEX {index.name}")
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        if exc_info[0] is None:  # else the schema is abandoned: nothing to build
            await self.build_indexes()

    async def build_indexes(self) -> None:
        """Build every index at once (as many at a time as the pool has connections),
        then make the keys' indexes their constraints again."""
        await asyncio.gather(*(self._build(index) for index in self._indexes))
        async with self._pool.acquire() as conn, conn.transaction():
            for index in self._indexes:
                if index.key:
                    await conn.execute(
                        f"ALTER TABLE {index.table} ADD CONSTRAINT {index.name} {index.key} USING INDEX {index.name}"
                    )

    async def _build(self, index: _Index) -> None:
        async with self._pool.acquire() as conn:
            await conn.execute("SET maintenance_work_mem = '256MB'")  # sorts in memory (the server's)
            try:
                await conn.execute(index.definition)
            except asyncpg.UniqueViolationError:
                # Rows of events read twice: keep the first, as the per-event consumer does.
                table = index.table
                same_key = " AND ".join(f"later.{c} = earlier.{c}" for c in index.columns)
                status = await conn.execute(
                    f"DELETE FROM {table} AS later USING {table} AS earlier"
                    f" WHERE {same_key} AND later.ctid > earlier.ctid"
                )
                log.info("removed %s rows of events read twice from %s", status.split()[-1], index.table)
                await conn.execute(index.definition)
