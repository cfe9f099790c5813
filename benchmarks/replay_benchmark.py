"""Replay benchmark (prints numbers; not a test).

Generates realistic events across a dozen territories into a fresh local Kafka,
then times two replays of them, each into a fresh PostgreSQL database:
- the metrics service's replay (`metrics-replay`: CloudEvents reading, contract
  validation, idempotency, the facts ledger with its keys and indexes) in a
  process of its own;
- a no-framework baseline doing the same aggregation (raw aiokafka batches, json,
  the same facts from plain dicts, asyncpg COPY; baseline.py).
Checks both wrote the same facts, then prints events per second, peak resident
memory of each process, and the ratio.

    uv run python benchmarks/replay_benchmark.py --events 1000000

Uses its own Kafka and PostgreSQL (.local/bench, ports 59192 and 55532), wiped
at each run unless --reuse.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import psutil
import typer
from aiokafka import AIOKafkaProducer
from alize_chassis.wire import to_kafka
from alize_contracts import topics
from devstack.infra import Infra, from_exports

sys.path.insert(0, str(Path(__file__).parent))
from events import journeys

ROOT = Path(__file__).resolve().parents[1]
BENCH_ENV = {"ALIZE_STATE_DIR": str(ROOT / ".local" / "bench"), "ALIZE_PG_PORT": "55532", "ALIZE_KAFKA_PORT": "59192"}


def start_infrastructure(*, wipe: bool) -> Infra:
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "infra.sh"), "reset" if wipe else "up"],
        env={**os.environ, **BENCH_ENV},
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    found = dict(
        line.removeprefix("export ").split("=", 1) for line in done.stdout.splitlines() if line.startswith("export ")
    )
    return from_exports(found)


async def produce(infra: Infra, n_events: int) -> float:
    from alize_chassis.kafka_client import kafka_client_args
    from alize_chassis.topics import TopicPolicy, ensure_topics, platform_topics

    admin = infra.kafka_admin()  # the events are generated as the admin principal
    await ensure_topics(admin, platform_topics(), TopicPolicy(partitions=3, replication_factor=1))
    producer = AIOKafkaProducer(**kafka_client_args(admin), linger_ms=20, max_batch_size=512 * 1024, acks=1)
    await producer.start()
    started = time.perf_counter()
    pending = []
    now = datetime.now(UTC)
    for event in journeys(n_events):
        message = to_kafka(event, event_id=uuid4(), service="bench", time=now)
        key = message.key.encode() if isinstance(message.key, str) else message.key
        pending.append(await producer.send(event.TOPIC, message.value, key=key, headers=list(message.headers.items())))
        if len(pending) >= 20_000:
            await asyncio.gather(*pending)
            pending.clear()
    await asyncio.gather(*pending)
    await producer.stop()
    return time.perf_counter() - started


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a command; return (seconds, peak resident memory in MiB, stdout). The
    memory is the sum over the command's processes (the replay's workers too)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        watched = psutil.Process(process.pid)
        while not stop.is_set():
            try:
                tree = [watched, *watched.children(recursive=True)]
            except psutil.Error:
                return
            resident = 0
            for member in tree:
                with contextlib.suppress(psutil.Error):  # a worker may just have ended
                    resident += member.memory_info().rss
            peak = max(peak, resident)
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = process.communicate()
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{command} failed with {process.returncode}")
    return time.perf_counter() - started, peak / 2**20, out


async def _fresh_database(admin_url: str, name: str) -> str:
    import asyncpg

    conn = await asyncpg.connect(admin_url)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


async def same_facts(replay_db: str, baseline_db: str) -> int:
    """Check the baseline did the same aggregation: the same facts, per indicator,
    territory and year, and the same programmes. Returns how many facts."""
    import asyncpg

    summary = """
        SELECT indicator, territory, year, coalesce(f.programme, ap.programme) AS programme,
               count(*) AS n, sum(value) AS total, count(DISTINCT subject) AS subjects,
               count(DISTINCT event_id) AS events
        FROM facts f LEFT JOIN (SELECT DISTINCT application_id, programme FROM application_programmes) ap
             USING (application_id)
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    """
    replay = await asyncpg.connect(replay_db)
    schema = await replay.fetchval("SELECT schema_name FROM metrics_control.active_schema")
    await replay.execute(f'SET search_path = "{schema}"')
    baseline = await asyncpg.connect(baseline_db)
    try:
        ours, theirs = await replay.fetch(summary), await baseline.fetch(summary)
    finally:
        await replay.close()
        await baseline.close()
    if [tuple(r) for r in ours] != [tuple(r) for r in theirs]:
        raise SystemExit("the baseline's facts differ from the replay's: it is not doing the same aggregation")
    return sum(r["n"] for r in ours)


def main(
    events: int = typer.Option(1_000_000, help="How many events to generate and replay."),
    reuse: bool = typer.Option(False, help="Replay the events a previous run left in Kafka (same --events)."),
) -> None:
    infra = start_infrastructure(wipe=not reuse)
    if not reuse:
        produce_seconds = asyncio.run(produce(infra, events))
        print(f"generated {events:,} events into Kafka in {produce_seconds:.1f} s")

    replay_db = asyncio.run(_fresh_database(infra.database_url, "bench_replay"))
    replay_env = {
        **infra.kafka_env("metrics"),  # metrics-replay as the metrics service's principal
        "DATABASE_URL": replay_db,
        "CONSUMER_GROUP_SUFFIX": "bench",
        "OTEL_SDK_DISABLED": "true",
    }
    replay_s, replay_mib, out = run_measured(
        [sys.executable, "-m", "metrics.replay", "--grace-seconds", "0"], replay_env
    )
    print(out.strip())
    baseline_db = asyncio.run(_fresh_database(infra.database_url, "bench_baseline"))
    baseline_s, baseline_mib, _ = run_measured(
        [sys.executable, str(Path(__file__).parent / "baseline.py"), *topics.ALL],
        {**infra.kafka_env(), "DATABASE_URL": baseline_db},
    )
    facts = asyncio.run(same_facts(replay_db, baseline_db))

    replay_rate, baseline_rate = events / replay_s, events / baseline_s
    print(f"metrics replay : {replay_s:6.1f} s  {replay_rate:9,.0f} events/s  peak RSS {replay_mib:5.0f} MiB")
    print(f"baseline       : {baseline_s:6.1f} s  {baseline_rate:9,.0f} events/s  peak RSS {baseline_mib:5.0f} MiB")
    print(f"both wrote the same {facts:,} facts")
    print(f"ratio (replay / baseline throughput): {replay_rate / baseline_rate:.2f}")
    print("targets: <= 60 s for 1,000,000 events, ratio >= 0.5, <= 150 MiB resident")


if __name__ == "__main__":
    typer.run(main)
