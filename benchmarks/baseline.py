"""The no-framework baseline of the replay benchmark: raw aiokafka batches,
json.loads, the same facts and application programmes as the metrics service
derived from plain dicts (written again here, independently), asyncpg COPY into
tables of the same columns. No CloudEvents reading, no contract validation, no
idempotency, no keys or indexes. Prints the number of events it read.

It is one of the two deliberately independent oracles (with the demo scenario's
expected metrics, devstack.scenario.oracle): it does not read the metrics
service's catalogue or derivations, so the benchmark's check that both wrote the
same facts compares two separate writings of the indicators.

    python benchmarks/baseline.py TOPIC...   (KAFKA_* and DATABASE_URL from the environment)
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import date, datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

TABLES = """
CREATE TABLE facts (
    event_id text NOT NULL, event_type text NOT NULL, event_time timestamptz, territory text NOT NULL,
    indicator text NOT NULL, value numeric(18, 2) NOT NULL, occurred_on date NOT NULL,
    year integer GENERATED ALWAYS AS (extract(year FROM occurred_on)::integer) STORED,
    subject text NOT NULL DEFAULT '', application_id uuid, programme text
);
CREATE TABLE application_programmes (application_id uuid, programme text);
"""
COLUMNS = ("event_id", "event_type", "event_time", "territory", "indicator", "value", "occurred_on", "subject")
ONCE = {  # type -> (indicator, date field): events that count once
    "intake.application.submitted.v1": ("applications", "submitted_at"),
    "intake.application.withdrawn.v1": ("withdrawn", "withdrawn_at"),
    "committee.project.rejected.v1": ("rejected", "decided_at"),
    "committee.project.deferred.v1": ("deferred", "decided_at"),
    "committee.session.held.v1": ("sessions_held", "held_on"),
    "missions.mission.closed.v1": ("missions_closed", "closed_on"),
}
AMOUNTS = {  # type -> (indicator, value field, date field)
    "committee.project.amended.v1": ("days_contracted", "additional_skill_days", "decided_at"),
    "missions.mission.day_confirmed.v1": ("days_delivered", "days", "worked_on"),
    "missions.advance.disbursed.v1": ("advances_disbursed_cents", "amount_cents", "disbursed_on"),
    "missions.advance.repayment_received.v1": ("advances_repaid_cents", "amount_cents", "received_on"),
    "missions.advance.written_off.v1": ("advances_written_off_cents", "amount_cents", "written_off_on"),
}
OUTCOMES = {"firm_created": "firms_created", "employment": "oriented_to_employment", "left_programme": "left_programme"}


def _day(value: str) -> date:
    return date.fromisoformat(value[:10])


def _firm(firm_id: str) -> str:
    return firm_id[:9] if len(firm_id) == 14 and firm_id.isdigit() else firm_id


def facts(kind: str, d: dict[str, Any]) -> list[tuple[str, Any, date, str]]:
    """(indicator, value, date, subject) of one event's data."""
    if kind in ONCE:
        indicator, when = ONCE[kind]
        return [(indicator, 1, _day(d[when]), "")]
    if kind in AMOUNTS:
        indicator, field, when = AMOUNTS[kind]
        return [(indicator, d[field], _day(d[when]), "")]
    if kind == "intake.application.screened.v1":
        return [("screened_eligible" if d["eligible"] else "screened_ineligible", 1, _day(d["screened_at"]), "")]
    if kind == "committee.project.approved.v1":
        on, days, advance = _day(d["decided_at"]), d["skill_days_contracted"], d.get("advance_amount_cents")
        rows = [
            ("approved", 1, on, ""),
            ("days_contracted", days, on, ""),
            ("projects_with_skill_days", 1 if days else 0, on, ""),
            ("jobs_planned_created", d["jobs_planned"]["created"], on, ""),
            ("jobs_planned_maintained", d["jobs_planned"]["maintained"], on, ""),
        ]
        if d.get("firm_id"):
            firm = _firm(d["firm_id"])
            rows.append(("firms_supported", 1, on, firm))
            if d.get("baseline_headcount") is not None and d["baseline_headcount"] < 250:
                rows.append(("smes_supported", 1, on, firm))
            if advance:
                rows.append(("firms_financial_support", 1, on, firm))
            if days:
                rows.append(("firms_non_financial_support", 1, on, firm))
        rows += [("active_partners", 1, on, p) for p in {a["partner_id"] for a in d.get("partners", [])}]
        if advance:
            rows += [("advances_granted", 1, on, ""), ("advances_granted_cents", advance, on, "")]
        return rows
    if kind == "committee.partner.joined.v1":
        on = _day(d["joined_at"])
        return [("partner_sites", 1, on, s["site_id"]) for s in d["sites"] if s["territory"] == d["territory"]]
    if kind == "missions.jobs.declared.v1":
        on, jobs = _day(d["as_of"]), d["jobs"]
        beneficiary = _firm(d["firm_id"]) if d.get("firm_id") else d["application_id"]
        return [
            ("jobs_declared_created", jobs["created"], on, beneficiary),
            ("jobs_declared_maintained", jobs["maintained"], on, beneficiary),
        ]
    if kind == "missions.guidance.session_logged.v1":
        return [("people_guided", 1, _day(d["held_on"]), d["application_id"])]
    if kind == "missions.guidance.outcome_recorded.v1":
        return [(OUTCOMES[d["outcome"]], 1, _day(d["recorded_on"]), "")]
    if kind == "missions.guidance.survival_reported.v1" and d["years"] == 3:
        on, firm = _day(d["checked_on"]), d["firm_id"]
        return [("survival_checks_3y", 1, on, firm)] + ([("active_3y", 1, on, firm)] if d["active"] else [])
    return []


async def main() -> None:
    from alize_chassis.kafka_client import KafkaClientSettings, kafka_client_args

    kafka, database_url = kafka_client_args(KafkaClientSettings()), os.environ["DATABASE_URL"]
    conn = await asyncpg.connect(database_url)
    await conn.execute(TABLES)
    admin = AIOKafkaAdminClient(**kafka)
    await admin.start()
    described = await admin.describe_topics(sys.argv[1:])
    await admin.close()
    partitions = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
    consumer = AIOKafkaConsumer(**kafka, enable_auto_commit=False)
    await consumer.start()
    consumer.assign(partitions)
    await consumer.seek_to_beginning(*partitions)
    ends = await consumer.end_offsets(partitions)
    read = 0
    while True:
        positions = [await consumer.position(tp) for tp in partitions]
        if all(pos >= ends[tp] for pos, tp in zip(positions, partitions, strict=True)):
            break
        batches = await consumer.getmany(timeout_ms=500, max_records=4000)
        rows: list[tuple[Any, ...]] = []
        programmes: dict[str, str] = {}
        for records in batches.values():
            for record in records:
                headers = dict(record.headers or ())
                event_type = headers["ce_type"].decode()
                kind = event_type.removeprefix("org.alize.")
                event_id, time = headers["ce_id"].decode(), datetime.fromisoformat(headers["ce_time"].decode())
                d = json.loads(record.value or b"{}")
                app, programme = d.get("application_id"), d.get("programme")
                if app and programme:
                    programmes.setdefault(app, programme)
                rows += [(event_id, event_type, time, d["territory"], *f, app, programme) for f in facts(kind, d)]
                read += 1
        async with conn.transaction():
            if rows:
                await conn.copy_records_to_table(
                    "facts", records=rows, columns=(*COLUMNS, "application_id", "programme")
                )
            if programmes:
                await conn.copy_records_to_table("application_programmes", records=programmes.items())
    await consumer.stop()
    await conn.close()
    print(read)


if __name__ == "__main__":
    asyncio.run(main())
