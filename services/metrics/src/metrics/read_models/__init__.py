"""Read models of the metrics service, each a `Projection`: the rows one event adds
to one table. Which events go to which read models is one table,
`metrics.projections.PROJECTIONS`: the live consumer applies it event by event
(app.py), in the transaction that marks the event processed, so a redelivered
event changes nothing; the replay applies the same table batch by batch (bulk.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
from alize_chassis.wire import Received

Row = tuple[Any, ...]


@dataclass(frozen=True, eq=False)  # each one is itself: hashed by identity, cheaply (a replay looks it up per event)
class Projection:
    """One read model's write, in the two forms that write the same rows: called on
    one event (the live consumer, an idempotent INSERT), or `rows` of a batch of
    events that the replay COPYs."""

    table: str
    columns: tuple[str, ...]
    rows: Callable[[Received], list[Row]]
    """What one event adds (pure: a replay of the topics writes the same rows)."""
    first_wins: bool = False
    """Rows repeat across events (an application's programme comes with each of its
    events): the first row for a value of the first column stays, later ones are
    skipped. Otherwise a row belongs to its event alone."""

    async def __call__(self, conn: asyncpg.Connection, _: Any, received: Received) -> None:
        await self.insert(conn, self.rows(received))

    async def insert(self, conn: asyncpg.Connection, rows: list[Row]) -> None:
        """Add `rows`, skipping those whose key is already there."""
        if rows:
            values = ", ".join(f"${n}" for n in range(1, len(self.columns) + 1))
            await conn.executemany(
                f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({values}) ON CONFLICT DO NOTHING",
                rows,
            )
