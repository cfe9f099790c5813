"""Rebuild every read model from the topics into a fresh schema, then switch the
live service to it without downtime.

1. Migrate a new schema `metrics_r<timestamp>`.
2. Read every contract topic from the beginning (no consumer group) and apply the
   same projections as the live consumer, until reaching the end offsets seen at
   the start and the live group's position. This is a bulk load (bulk.BulkLoad):
   the schema's keys and indexes are dropped, the partitions are shared between
   processes (one per core: parsing and validating is CPU-bound) that COPY their
   rows, then the keys and indexes are built once.
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
import gc
import json
import logging
import sys
import time
from asyncio.subprocess import PIPE
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import typer
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import GroupCoordinatorNotAvailableError
from alize_chassis import db
from alize_chassis.db import CHASSIS_MIGRATIONS
from alize_chassis.kafka_client import kafka_client_args
from alize_chassis.wire import Received, UnknownEventType, from_kafka
from alize_contracts import topics

from metrics import MIGRATIONS
from metrics.active_schema import active, switch
from metrics.bulk import BulkLoad, apply_batch, copy_batch
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
    admin = AIOKafkaAdminClient(**kafka_client_args(settings))
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


async def _extent(settings: MetricsSettings) -> tuple[Offsets, Offsets]:
    """The first and next offsets of every partition of the contract topics."""
    admin = AIOKafkaAdminClient(**kafka_client_args(settings))
    await admin.start()
    try:
        described = await admin.describe_topics(list(topics.ALL))
    finally:
        await admin.close()
    partitions = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
    consumer = _consumer(settings)
    await consumer.start()
    try:
        return await consumer.beginning_offsets(partitions), await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()


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


Write = Callable[[list[Received]], Awaitable[int]]


async def _consume_until(consumer: AIOKafkaConsumer, target: Offsets, write: Write) -> int:
    """Write every record up to `target`. Fetching and parsing go on while a writer
    task sends the previous batches to PostgreSQL (which works on the other core);
    at most two parsed batches wait for it, which bounds the memory."""
    queue: asyncio.Queue[list[Received] | None] = asyncio.Queue(maxsize=2)

    async def writer() -> int:
        written = 0
        while (batch := await queue.get()) is not None:
            written += await write(batch)
        return written

    async def hand_over(batch: list[Received] | None) -> None:
        putting = asyncio.ensure_future(queue.put(batch))
        await asyncio.wait({putting, writing}, return_when=asyncio.FIRST_COMPLETED)
        if writing.done() and not putting.done():
            putting.cancel()
            writing.result()  # the writer failed: raise its error here

    async def behind() -> bool:
        for tp, offset in target.items():
            if await consumer.position(tp) < offset:
                return True
        return False

    writing = asyncio.create_task(writer())
    try:
        while await behind():
            batches = await consumer.getmany(timeout_ms=500, max_records=1_000)
            if parsed := _parse([record for part in batches.values() for record in part]):
                await hand_over(parsed)
        await hand_over(None)
        return await writing
    finally:
        writing.cancel()


def _consumer(settings: MetricsSettings) -> AIOKafkaConsumer:
    # Bounded fetches keep the resident memory low (a few MiB of records in flight).
    return AIOKafkaConsumer(
        **kafka_client_args(settings),
        enable_auto_commit=False,
        max_partition_fetch_bytes=64 * 1024,
        fetch_max_bytes=1024 * 1024,
    )


def _shares(target: Offsets, starts: Offsets, processes: int) -> list[Offsets]:
    """The partitions split into at most `processes` shares of about as many records."""
    shares: list[Offsets] = [{} for _ in range(processes)]
    sizes = [0] * processes
    for tp in sorted(target, key=lambda tp: target[tp] - starts.get(tp, 0), reverse=True):
        smallest = sizes.index(min(sizes))
        shares[smallest][tp] = target[tp]
        sizes[smallest] += target[tp] - starts.get(tp, 0)
    return [share for share in shares if share] or [{}]


async def _read(settings: MetricsSettings, target: Offsets, write: Write, start: Offsets | None = None) -> int:
    """Write the records of `target`'s partitions from `start` (their beginning
    by default) up to `target`, with a consumer of its own."""
    consumer = _consumer(settings)
    await consumer.start()
    try:
        consumer.assign(list(target))
        if start is None:
            await consumer.seek_to_beginning(*target)
        else:
            for tp in target:
                consumer.seek(tp, start[tp])
        return await _consume_until(consumer, target, write)
    finally:
        await consumer.stop()


async def _load_share(settings: MetricsSettings, schema: str, share: Offsets) -> int:
    """Copy one share of the partitions into `schema` (a `BulkLoad`), from their beginning."""
    pool = await db.create_pool(settings.database_dsn, schema, max_size=1)
    try:
        async with pool.acquire() as conn:
            await conn.execute("SET synchronous_commit = off")  # nothing reads this schema yet
            return await _read(settings, share, lambda batch: copy_batch(conn, settings.service_name, batch))
    finally:
        await pool.close()


async def _load_share_elsewhere(settings: MetricsSettings, schema: str, share: Offsets) -> int:
    """`_load_share` in a Python process of its own (the replay is CPU-bound: one
    process per core). Its order goes on its standard input (settings included: no
    secret on a command line), the number of events it read comes on its output."""
    order = {
        "settings": settings.model_dump(mode="json"),
        "schema": schema,
        "share": [[tp.topic, tp.partition, end] for tp, end in share.items()],
    }
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from metrics.replay import worker; worker()", stdin=PIPE, stdout=PIPE
    )
    try:
        out, _ = await worker.communicate(json.dumps(order).encode())
    finally:
        if worker.returncode is None:  # cancelled: another share failed
            worker.kill()
            await worker.wait()
    if worker.returncode != 0:
        raise RuntimeError(f"a replay worker failed (exit status {worker.returncode}); its log is above")
    return int(out)


def worker() -> None:
    """Entry point of a replay worker process."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    _tune_garbage_collector()
    order = json.load(sys.stdin)
    share = {TopicPartition(topic, partition): end for topic, partition, end in order["share"]}
    print(asyncio.run(_load_share(MetricsSettings(**order["settings"]), order["schema"], share)))


async def replay(settings: MetricsSettings, *, grace_seconds: float = 3.0, processes: int = 2) -> Report:
    started = time.monotonic()
    schema = f"{settings.db_schema}_r{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    await db.migrate(settings.database_dsn, schema, [CHASSIS_MIGRATIONS, MIGRATIONS])
    pool = await db.create_pool(settings.database_dsn, schema, max_size=3)
    try:
        starts, ends = await _extent(settings)
        live = await _live_offsets(settings)
        target = {tp: max(end, live.get(tp, 0)) for tp, end in ends.items()}
        mine, *others = _shares(target, starts, processes)
        async with BulkLoad(pool):
            # This process reads one share of the partitions, workers the others.
            async with asyncio.TaskGroup() as shares:  # one fails, the others are stopped
                loads = [shares.create_task(_load_share(settings, schema, mine))]
                loads += [shares.create_task(_load_share_elsewhere(settings, schema, share)) for share in others]
            events = sum(done.result() for done in loads)
            elapsed = time.monotonic() - started
            log.info("read %d events into %s at %.1f s; building its indexes", events, schema, elapsed)
        log.info("indexes built at %.1f s", time.monotonic() - started)

        async def apply(batch: list[Received]) -> int:
            async with pool.acquire() as conn, conn.transaction():
                return await apply_batch(conn, settings.service_name, batch)

        async with pool.acquire() as conn:
            previous = await active(conn)
            await switch(conn, schema)
        log.info("switched the live read models from %s to %s", previous, schema)
        await asyncio.sleep(grace_seconds)
        events += await _read(settings, await _live_offsets(settings), apply, start=target)
    finally:
        await pool.close()
    return Report(schema, previous, events, time.monotonic() - started)


def _tune_garbage_collector() -> None:
    """The replay allocates millions of short-lived objects (records, events, rows)
    and keeps none in reference cycles: the collector's default thresholds would
    have it traverse them over and over (a third of the replay's time). What was
    loaded at start-up is frozen out of its sight, and it runs far less often."""
    gc.freeze()
    gc.set_threshold(20_000, 20, 100)


def main(
    grace_seconds: float = typer.Option(3.0, help="Wait after the switch before the last catch-up."),
    processes: int = typer.Option(2, min=1, help="Processes reading the topics (one per core is best)."),
) -> None:
    """Rebuild the metrics read models from the topics into a fresh schema and switch to it."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    _tune_garbage_collector()
    report = asyncio.run(replay(MetricsSettings(), grace_seconds=grace_seconds, processes=processes))
    # In a database with no read models yet, the fresh schema was the first: there was none before.
    before = "none before" if report.previous_schema == report.schema else f"was {report.previous_schema}"
    typer.echo(f"replayed {report.events} events into {report.schema} in {report.seconds:.1f} s ({before})")


def cli() -> None:
    typer.run(main)


if __name__ == "__main__":
    cli()
