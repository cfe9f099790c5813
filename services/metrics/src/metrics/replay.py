"""Rebuild every read model from the topics into a fresh schema, then switch the
live service to it without downtime.

1. Migrate a new schema `metrics_r<timestamp>`.
2. Read every contract topic from the beginning (no consumer group) and apply the
   same projections as the live consumer, a batch of records per transaction,
   until reaching the end offsets seen at the start and the live group's position.
3. Switch `metrics_control.active_schema`: reads and the live consumer follow it
   within a second; the live consumer keeps its offsets.
4. After a grace period, catch up to the live group's committed offsets once
   more, for events the live consumer applied to the old schema just before the
   switch. Events applied twice are skipped (processed_events), so none is
   counted twice or lost.

Run it as `uv run metrics-replay` (settings from the environment, as the service).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import typer
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import GroupCoordinatorNotAvailableError
from alize_chassis import db
from alize_chassis.db import CHASSIS_MIGRATIONS
from alize_chassis.wire import Received, UnknownEventType, from_kafka
from alize_contracts import topics

from metrics import MIGRATIONS
from metrics.active_schema import active, switch
from metrics.bulk import apply_batch
from metrics.settings import MetricsSettings

log = logging.getLogger(__name__)
Offsets = dict[TopicPartition, int]


@dataclass(frozen=True)
class Report:
    schema: str
    previous_schema: str
    events: int
    seconds: float


async def _live_offsets(settings: MetricsSettings, attempts: int = 20) -> Offsets:
    """The live consumer group's committed offsets (none if it never committed)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        for attempt in range(attempts):
            try:
                committed = await admin.list_consumer_group_offsets(settings.consumer_group)
                break
            except GroupCoordinatorNotAvailableError:  # a fresh cluster creates its offsets topic first
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(0.5)
    finally:
        await admin.close()
    return {tp: meta.offset for tp, meta in committed.items() if meta.offset >= 0}


async def _partitions(settings: MetricsSettings) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_topics(list(topics.ALL))
    finally:
        await admin.close()
    return [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]


def _parse(records: list[ConsumerRecord[bytes, bytes]]) -> list[Received]:
    parsed = []
    for record in records:
        try:
            parsed.append(from_kafka(dict(record.headers or ()), record.key, record.value or b""))
        except UnknownEventType:
            continue
        except Exception:  # malformed: the live consumer dead-lettered it
            log.debug("replay skips a malformed message at %s[%s]@%s", record.topic, record.partition, record.offset)
    return parsed


async def _apply_batch(pool: asyncpg.Pool, schema: str, name: str, batch: list[Received]) -> int:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT set_config('search_path', $1, true)", schema)
        return await apply_batch(conn, name, batch)


async def _consume_until(
    consumer: AIOKafkaConsumer, target: Offsets, pool: asyncpg.Pool, schema: str, name: str
) -> int:
    """Apply every record up to `target`; the next batch is fetched and parsed while
    the database writes the previous one (PostgreSQL works on the other core)."""

    async def behind() -> bool:
        for tp, offset in target.items():
            if await consumer.position(tp) < offset:
                return True
        return False

    applied, writing = 0, None
    while await behind():
        batches = await consumer.getmany(timeout_ms=500, max_records=4_000)
        parsed = _parse([record for part in batches.values() for record in part])
        if writing is not None:
            applied += await writing
        writing = asyncio.ensure_future(_apply_batch(pool, schema, name, parsed)) if parsed else None
    if writing is not None:
        applied += await writing
    return applied


async def replay(settings: MetricsSettings, *, grace_seconds: float = 3.0) -> Report:
    started = time.monotonic()
    schema = f"{settings.db_schema}_r{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    await db.migrate(settings.database_url, schema, [CHASSIS_MIGRATIONS, MIGRATIONS])
    pool = await db.create_pool(settings.database_url, schema, max_size=2)
    # Bounded fetches keep the resident memory low (a few MiB of records in flight).
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_auto_commit=False,
        max_partition_fetch_bytes=256 * 1024,
        fetch_max_bytes=4 * 1024 * 1024,
    )
    await consumer.start()
    try:
        partitions = await _partitions(settings)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends: Offsets = await consumer.end_offsets(partitions)
        live = await _live_offsets(settings)
        target = {tp: max(ends.get(tp, 0), live.get(tp, 0)) for tp in partitions}
        events = await _consume_until(consumer, target, pool, schema, settings.service_name)

        async with pool.acquire() as conn:
            previous = await active(conn)
            await switch(conn, schema)
        log.info("switched the live read models from %s to %s", previous, schema)
        await asyncio.sleep(grace_seconds)
        events += await _consume_until(consumer, await _live_offsets(settings), pool, schema, settings.service_name)
    finally:
        await consumer.stop()
        await pool.close()
    return Report(schema, previous, events, time.monotonic() - started)


def main(grace_seconds: float = typer.Option(3.0, help="Wait after the switch before the last catch-up.")) -> None:
    """Rebuild the metrics read models from the topics into a fresh schema and switch to it."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    report = asyncio.run(replay(MetricsSettings(), grace_seconds=grace_seconds))
    typer.echo(
        f"replayed {report.events} events into {report.schema} in {report.seconds:.1f} s (was {report.previous_schema})"
    )


def cli() -> None:
    typer.run(main)


if __name__ == "__main__":
    cli()
