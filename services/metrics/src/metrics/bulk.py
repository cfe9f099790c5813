"""The projections applied to a batch of events in one transaction, with set-based
SQL: one statement to skip what was already processed, one COPY for the facts.
Used by the replay; it writes exactly what the per-event consumer writes."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
from alize_chassis.wire import Received

from metrics.read_models.facts import FACT_COLUMNS, fact_rows
from metrics.read_models.programmes import programme_of, record_programmes


async def apply_batch(conn: asyncpg.Connection, consumer: str, batch: Sequence[Received]) -> int:
    """Apply the events this consumer has not processed yet; return how many."""
    unique = {received.id: received for received in batch}  # a redelivery inside one batch
    inserted = await conn.fetch(
        """
        INSERT INTO processed_events (consumer, event_id, event_type)
        SELECT $1, e.id, e.type FROM unnest($2::text[], $3::text[]) AS e(id, type)
        ON CONFLICT DO NOTHING RETURNING event_id
        """,
        consumer,
        list(unique),
        [r.type for r in unique.values()],
    )
    fresh = [unique[row["event_id"]] for row in inserted]
    rows = [row for received in fresh for row in fact_rows(received.event, received)]
    if rows:
        await conn.copy_records_to_table("facts", records=rows, columns=FACT_COLUMNS)
    programmes = {pair for received in fresh if (pair := programme_of(received.event))}
    if programmes:
        await record_programmes(conn, programmes)
    return len(fresh)
