"""The no-framework baseline of the replay benchmark: raw aiokafka batches,
json.loads, the same facts derived from plain dicts, asyncpg COPY. No CloudEvents
SDK, no pydantic, no idempotency table. Prints the number of events it read.

    python benchmarks/baseline.py   (KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL from the environment)
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import date, datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from alize_contracts import topics

SIMPLE = {  # ce_type suffix -> (indicator, value field or None for 1, date field)
    "intake.application.submitted.v1": ("applications", None, "submitted_at"),
    "committee.project.rejected.v1": ("rejected", None, "decided_at"),
    "missions.mission.day_confirmed.v1": ("days_delivered", "days", "worked_on"),
    "missions.advance.disbursed.v1": ("advances_disbursed_cents", "amount_cents", "disbursed_on"),
    "missions.advance.repayment_received.v1": ("advances_repaid_cents", "amount_cents", "received_on"),
    "missions.guidance.session_logged.v1": ("people_guided", None, "held_on"),
}


def _day(value: str) -> date:
    return datetime.fromisoformat(value).date() if "T" in value else date.fromisoformat(value)


def facts(kind: str, event_id: str, data: dict[str, Any]) -> list[tuple[Any, ...]]:
    territory, app = data["territory"], data.get("application_id")
    if kind in SIMPLE:
        indicator, field, when = SIMPLE[kind]
        return [(event_id, indicator, territory, data[field] if field else 1, _day(data[when]), app)]
    if kind == "intake.application.screened.v1":
        indicator = "screened_eligible" if data["eligible"] else "screened_ineligible"
        return [(event_id, indicator, territory, 1, _day(data["screened_at"]), app)]
    if kind == "committee.project.approved.v1":
        on = _day(data["decided_at"])
        rows = [
            (event_id, "approved", territory, 1, on, app),
            (event_id, "days_contracted", territory, data["skill_days_contracted"], on, app),
            (event_id, "jobs_planned_created", territory, data["jobs_planned"]["created"], on, app),
        ]
        if data.get("advance_amount_cents"):
            rows.append((event_id, "advances_granted_cents", territory, data["advance_amount_cents"], on, app))
        return rows
    if kind == "missions.jobs.declared.v1":
        return [(event_id, "jobs_declared_created", territory, data["jobs"]["created"], _day(data["as_of"]), app)]
    if kind == "missions.guidance.outcome_recorded.v1":
        return [(event_id, data["outcome"], territory, 1, _day(data["recorded_on"]), app)]
    return []


async def main() -> None:
    bootstrap, database_url = os.environ["KAFKA_BOOTSTRAP_SERVERS"], os.environ["DATABASE_URL"]
    conn = await asyncpg.connect(database_url)
    await conn.execute("DROP TABLE IF EXISTS baseline_facts")
    await conn.execute("""CREATE TABLE baseline_facts (event_id text, indicator text, territory text,
                          value numeric, occurred_on date, application_id text)""")
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    described = await admin.describe_topics(list(topics.ALL))
    await admin.close()
    partitions = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    consumer.assign(partitions)
    await consumer.seek_to_beginning(*partitions)
    ends = await consumer.end_offsets(partitions)
    read = 0
    while True:
        positions = [await consumer.position(tp) for tp in partitions]
        if all(pos >= ends[tp] for pos, tp in zip(positions, partitions, strict=True)):
            break
        batches = await consumer.getmany(timeout_ms=500, max_records=5000)
        rows: list[tuple[Any, ...]] = []
        for records in batches.values():
            for record in records:
                headers = dict(record.headers or ())
                kind = headers.get("ce_type", b"").decode().removeprefix("org.alize.")
                rows += facts(kind, headers["ce_id"].decode(), json.loads(record.value or b"{}"))
                read += 1
        if rows:
            async with conn.transaction():
                await conn.copy_records_to_table("baseline_facts", records=rows)
    await consumer.stop()
    await conn.close()
    print(read)


if __name__ == "__main__":
    asyncio.run(main())
