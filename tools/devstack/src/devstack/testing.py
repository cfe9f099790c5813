"""Helpers for tests that run a service in-process against real infrastructure."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar
from uuid import UUID, uuid4

import httpx
from aiokafka import AIOKafkaProducer
from alize_contracts import ApplicationSubmitted, Event, Jobs
from alize_contracts.events import ApplicationScreened
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from devstack.identity import Accounts as Accounts  # callers with real tokens, for tests too
from devstack.polling import eventually as eventually  # the one polling helper, for tests too

if TYPE_CHECKING:
    from alize_chassis.kafka_client import KafkaClientSettings

SettingsFor = Callable[[str], dict[str, Any]]
"""The fixtures `service_settings` and `service_databases`: `service_settings("intake")` gives the
settings of that service under test (its database as its own role, its Kafka principal, its consumer group)."""


def kafka_args(kafka: str | KafkaClientSettings) -> dict[str, Any]:
    """aiokafka's arguments for a test-side client: as the admin principal of the local broker
    (ALIZE_KAFKA_ADMIN_*), or as the principal of the settings given."""
    from alize_chassis.kafka_client import kafka_client_args

    from devstack.infra import admin_kafka

    return kafka_client_args(admin_kafka(kafka) if isinstance(kafka, str) else kafka)


def unavailable(reason: str) -> NoReturn:
    """What a test does when what it needs (Kafka, PostgreSQL, the images) is missing: skip with
    the reason, except under CI (CI=true), where missing infrastructure is a failure."""
    import pytest

    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(reason)
    pytest.skip(reason)


T = TypeVar("T")


@contextlib.asynccontextmanager
async def running(app: FastAPI, headers: Mapping[str, str] | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """Start the app's lifespan (migrations, broker, relay) and give an HTTP client to it, sending
    `headers` (e.g. a caller's token: `Accounts`) with every request."""
    # Startup migrates a fresh database and may create topics; stopping leaves a consumer group.
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service", headers=headers) as client:
            yield client


def admin_broker(kafka: str | KafkaClientSettings) -> Any:
    """A FastStream KafkaBroker for a test, as the admin principal (or the settings' principal)."""
    from alize_chassis.kafka_client import kafka_security
    from faststream.kafka import KafkaBroker

    from devstack.infra import admin_kafka

    settings = admin_kafka(kafka) if isinstance(kafka, str) else kafka
    return KafkaBroker(settings.kafka_bootstrap_servers, security=kafka_security(settings))


async def publish_raw(
    bootstrap_servers: str | KafkaClientSettings,
    topic: str,
    value: bytes,
    *,
    key: bytes | None = None,
    headers: dict[str, bytes] | None = None,
) -> None:
    producer = AIOKafkaProducer(**kafka_args(bootstrap_servers), enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key, headers=list((headers or {}).items()))
    finally:
        await producer.stop()


async def publish_event(
    bootstrap_servers: str | KafkaClientSettings, event: Event, *, event_id: UUID | None = None, service: str = "test"
) -> UUID:
    """Publish `event` exactly as a service's relay would (CloudEvents binary mode)."""
    from alize_chassis.wire import to_kafka  # the services' mapping, not a copy of it

    event_id = event_id or uuid4()
    message = to_kafka(event, event_id=event_id, service=service, time=datetime.now(UTC))
    key = message.key.encode() if isinstance(message.key, str) else message.key
    await publish_raw(bootstrap_servers, event.TOPIC, message.value, key=key, headers=message.headers)
    return event_id


async def find_message(
    bootstrap_servers: str | KafkaClientSettings,
    topic: str,
    match: Callable[[dict[str, bytes], bytes], bool],
    timeout: float = 30,
) -> tuple[dict[str, bytes], bytes] | None:
    """Read `topic` from the beginning (no consumer group) until a message matches."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        topic, **kafka_args(bootstrap_servers), auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    headers = dict(record.headers or ())
                    if match(headers, record.value or b""):
                        return headers, record.value or b""
        return None
    finally:
        await consumer.stop()


async def read_topic(
    bootstrap_servers: str | KafkaClientSettings, topic: str, timeout: float = 30
) -> list[tuple[dict[str, bytes], bytes]]:
    """Every message of `topic` up to its end as of the first assignment (no consumer group)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(
        topic, **kafka_args(bootstrap_servers), auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        found: list[tuple[dict[str, bytes], bytes]] = []
        ends: dict[TopicPartition, int] | None = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found += [(dict(r.headers or ()), r.value or b"") for r in records]
            if ends is None and consumer.assignment():
                ends = await consumer.end_offsets(list(consumer.assignment()))
            if ends is not None and not [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
                return found
        raise TimeoutError(f"could not read {topic} to its end in {timeout} s")
    finally:
        await consumer.stop()


async def fetch(database_url: str, schema: str, query: str, *args: object) -> list[dict[str, object]]:
    """Run one query in a service's schema (tests inspect what a command left behind)."""
    import json

    import asyncpg

    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    try:
        await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
        return [dict(r) for r in await conn.fetch(query, *args)]
    finally:
        await conn.close()


async def count(database_url: str, schema: str, table: str) -> int:
    rows = await fetch(database_url, schema, f"SELECT count(*) AS n FROM {table}")
    n = rows[0]["n"]
    assert isinstance(n, int)
    return n


FIRM = "404833048"
"""A valid SIREN, the supported firm of the tests' events."""


def submitted_and_screened(
    territory: str, application_id: UUID, call_id: UUID, *, eligible: bool = True, firm_id: str = FIRM
) -> tuple[ApplicationSubmitted, ApplicationScreened]:
    """Intake's two events for an application submitted to `call_id` and screened, as another
    service's tests deliver them."""
    return (
        ApplicationSubmitted(
            territory=territory,
            application_id=application_id,
            programme="skill_sponsorship",
            firm_id=firm_id,
            submitted_at=datetime.now(UTC),
            jobs_planned=Jobs(created=2, maintained=5),
            baseline_headcount=5,
            skills_needed=["sales"],
            call_id=call_id,
        ),
        ApplicationScreened(
            territory=territory,
            application_id=application_id,
            programme="skill_sponsorship",
            call_id=call_id,
            screened_at=datetime.now(UTC),
            eligible=eligible,
            reasons=[] if eligible else ["Headcount (300) is above the maximum of 249."],
        ),
    )


async def consumed_to_end(
    bootstrap_servers: str | KafkaClientSettings, group: str, topic: str, timeout: float = 60
) -> None:
    """Wait until consumer group `group` has committed offsets at the end of every partition of
    `topic` as it is now: the service has processed everything published to it so far (a service
    commits an offset only once the event's effect has committed)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition
    from aiokafka.admin import AIOKafkaAdminClient

    reader = AIOKafkaConsumer(**kafka_args(bootstrap_servers))
    admin = AIOKafkaAdminClient(**kafka_args(bootstrap_servers))
    await reader.start()
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
        partitions = [TopicPartition(topic, p["partition"]) for p in described["partitions"]]
        assert partitions, described
        ends = await reader.end_offsets(partitions)

        async def caught_up() -> bool:
            committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
            return all(end == 0 or (tp in committed and committed[tp].offset >= end) for tp, end in ends.items())

        await eventually(caught_up, bool, timeout, waiting_for=f"{group} to consume {topic} to its end")
    finally:
        await reader.stop()
        await admin.close()
