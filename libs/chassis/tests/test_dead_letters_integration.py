"""Nothing stuck, nothing dropped without a word, on real Kafka and PostgreSQL:
a poison at the size limit is parked and the partition moves on; a dead-letter
topic that refuses the message gets a smaller form of it, or the database gets
it; an event id that comes back with another body is a conflict; an unknown
event type is skipped but counted and logged."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from alize_chassis import db
from alize_chassis.consumer import Consumer
from alize_chassis.db import CHASSIS_MIGRATIONS
from alize_chassis.inbox import Handlers
from alize_chassis.service import kafka_broker
from alize_chassis.settings import ServiceSettings
from alize_chassis.topics import TopicPolicy, ensure_topics
from alize_chassis.wire import Received, to_kafka
from alize_contracts import ApplicationSubmitted, Jobs
from alize_contracts.topics import dead_letter
from devstack.infra import Infra, admin_kafka
from devstack.testing import eventually, find_message, kafka_args, publish_raw, read_topic

pytestmark = pytest.mark.infra

POISON_BYTES = 1_048_000


def _event(territory: str, headcount: int = 0) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        territory=territory,
        application_id=uuid4(),
        programme="self_employment",
        firm_id=None,
        submitted_at=datetime.now(UTC),
        jobs_planned=Jobs(created=1, maintained=0),
        baseline_headcount=headcount,
    )


@dataclass
class Probe:
    """A consumer on a topic of its own, recording what its handler applied."""

    bootstrap: str
    topic: str
    pool: asyncpg.Pool
    consumer: Consumer
    applied: list[str] = field(default_factory=list)

    async def send(self, value: bytes, headers: dict[str, bytes], key: bytes = b"one-partition") -> None:
        await publish_raw(self.bootstrap, self.topic, value, key=key, headers=headers)

    async def send_event(self, event: ApplicationSubmitted, event_id: str) -> bytes:
        message = to_kafka(event, event_id=event_id, service="test", time=datetime.now(UTC))  # type: ignore[arg-type]
        await self.send(message.value, message.headers)
        return message.value

    async def wait_applied(self, event_id: str, timeout: float = 30) -> bool:
        await eventually(_noop, lambda _: event_id in self.applied, timeout=timeout)
        return event_id in self.applied


@contextlib.asynccontextmanager
async def probe(
    infrastructure: Infra, database_url: str, isolation_id: str, *, dead_letter_max_bytes: int | None = None
) -> AsyncIterator[Probe]:
    bootstrap = infrastructure.kafka_bootstrap_servers
    topic = f"test.dlt.{isolation_id}"
    policy = TopicPolicy()
    await ensure_topics(admin_kafka(bootstrap), [topic], policy)
    if dead_letter_max_bytes is None:
        await ensure_topics(admin_kafka(bootstrap), [dead_letter(topic)], policy)
    else:  # a dead-letter topic made by hand, smaller than its source topic
        admin = AIOKafkaAdminClient(**kafka_args(bootstrap))
        await admin.start()
        try:
            await admin.create_topics(
                [NewTopic(dead_letter(topic), 1, 1, topic_configs={"max.message.bytes": str(dead_letter_max_bytes)})]
            )
        finally:
            await admin.close()
    await db.migrate(database_url, "dlt_test", [CHASSIS_MIGRATIONS])
    pool = await db.create_pool(database_url, "dlt_test")
    # The services' own Kafka client: idempotent, acks=all, sized to the dead-letter topics.
    broker = kafka_broker(
        ServiceSettings(service_name="probe", db_schema="dlt_test", **infrastructure.kafka_settings())
    )
    handlers = Handlers()
    consumer = Consumer(
        broker, lambda: pool, name="probe", group_id=f"test-{isolation_id}", topics=[topic], handlers=handlers
    )
    found = Probe(bootstrap, topic, pool, consumer)

    @handlers.on(ApplicationSubmitted)
    async def effect(conn: asyncpg.Connection, event: Any, received: Received) -> None:
        found.applied.append(received.id)

    await broker.start()
    try:
        yield found
    finally:
        await broker.stop()
        await pool.close()


def _cloud_event_headers(event_id: str, event_type: str = ApplicationSubmitted.TYPE) -> dict[str, bytes]:
    return {
        "ce_id": event_id.encode(),
        "ce_source": b"/territories/test/probe",
        "ce_type": event_type.encode(),
        "ce_specversion": b"1.0",
        "content-type": b"application/json",
    }


async def test_a_poison_at_the_size_limit_is_parked_whole_and_the_next_event_is_applied(
    infrastructure: Infra, database_url: str, isolation_id: str, territory: str
) -> None:
    async with probe(infrastructure, database_url, isolation_id) as p:
        poison_id, valid_id = str(uuid4()), str(uuid4())
        await p.send(b"{" + b"x" * (POISON_BYTES - 1), _cloud_event_headers(poison_id))
        await p.send_event(_event(territory), valid_id)
        assert await p.wait_applied(valid_id, timeout=20), "the partition is stuck behind the poison"

    found = await find_message(p.bootstrap, dead_letter(p.topic), lambda h, _: h.get("ce_id") == poison_id.encode())
    assert found is not None
    headers, value = found
    assert len(value) == POISON_BYTES  # the original value, whole
    assert headers["kafka_dlt-original-topic"] == p.topic.encode()
    assert headers["content-type"] == b"application/json"  # and its headers, all of them
    assert "kafka_dlt-value-truncated" not in headers


async def test_a_dead_letter_topic_too_small_for_the_message_gets_a_reference_to_it(
    infrastructure: Infra, database_url: str, isolation_id: str, territory: str
) -> None:
    async with probe(infrastructure, database_url, isolation_id, dead_letter_max_bytes=8_000) as p:
        poison_id, second_id, valid_id = str(uuid4()), str(uuid4()), str(uuid4())
        await p.send(b"{" + b"x" * 100_000, _cloud_event_headers(poison_id))
        await p.send(b"not json", _cloud_event_headers(second_id))  # after a refused send, on the same partition
        await p.send_event(_event(territory), valid_id)
        assert await p.wait_applied(valid_id, timeout=20)
        assert await p.pool.fetchval("SELECT count(*) FROM dead_letters") == 0

    second = await find_message(p.bootstrap, dead_letter(p.topic), lambda h, _: h.get("ce_id") == second_id.encode())
    assert second is not None and second[1] == b"not json"  # parked whole, the producer still works

    found = await find_message(p.bootstrap, dead_letter(p.topic), lambda h, _: h.get("ce_id") == poison_id.encode())
    assert found is not None
    headers, value = found
    assert value == b""
    assert headers["kafka_dlt-value-truncated"] == b"true"
    assert headers["kafka_dlt-original-value-bytes"] == b"100001"
    assert headers["kafka_dlt-original-offset"] == b"0"


async def test_a_dead_letter_topic_that_takes_nothing_leaves_the_message_in_the_database(
    infrastructure: Infra, database_url: str, isolation_id: str, territory: str
) -> None:
    async with probe(infrastructure, database_url, isolation_id, dead_letter_max_bytes=100) as p:
        poison_id, valid_id = str(uuid4()), str(uuid4())
        await p.send(b"not json", _cloud_event_headers(poison_id))
        await p.send_event(_event(territory), valid_id)
        assert await p.wait_applied(valid_id, timeout=20)
        parked = await p.pool.fetch('SELECT topic, "offset", value, headers FROM dead_letters')

    assert [(r["topic"], r["offset"], r["value"]) for r in parked] == [(p.topic, 0, b"not json")]
    assert parked[0]["headers"]["ce_id"] == poison_id
    assert parked[0]["headers"]["kafka_dlt-exception-fqcn"].endswith("ValidationError")


async def test_an_event_id_that_comes_back_with_another_body_is_dead_lettered_as_a_conflict(
    infrastructure: Infra, database_url: str, isolation_id: str, territory: str
) -> None:
    async with probe(infrastructure, database_url, isolation_id) as p:
        event_id, after = str(uuid4()), str(uuid4())
        first = _event(territory, headcount=1)
        await p.send_event(first, event_id)
        await p.send_event(first, event_id)  # a redelivery: same body, skipped quietly
        await p.send_event(_event(territory, headcount=2), event_id)  # same id, another body
        await p.send_event(_event(territory), after)
        assert await p.wait_applied(after)
        assert p.applied == [event_id, after]

    parked = await read_topic(p.bootstrap, dead_letter(p.topic))
    assert len(parked) == 1  # the redelivery with the same body was no conflict
    headers, value = parked[0]
    assert headers["ce_id"] == event_id.encode()
    assert headers["kafka_dlt-exception-fqcn"] == b"alize_chassis.inbox.EventIdConflict"
    assert ApplicationSubmitted.model_validate_json(value).baseline_headcount == 2


async def test_an_unknown_event_type_is_skipped_but_counted_and_logged(
    infrastructure: Infra, database_url: str, isolation_id: str, territory: str, caplog: pytest.LogCaptureFixture
) -> None:
    future_type = "org.alize.intake.application.reconsidered.v1"
    with caplog.at_level(logging.INFO, logger="alize_chassis.consumer"):
        async with probe(infrastructure, database_url, isolation_id) as p:
            after = str(uuid4())
            for _ in range(2):
                await p.send(b'{"territory": "x"}', _cloud_event_headers(str(uuid4()), future_type))
            await p.send_event(_event(territory), after)
            assert await p.wait_applied(after)
            assert p.consumer.skipped_unknown == {future_type: 2}
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO and future_type in r.getMessage()]
    assert len(logged) == 2 and f"{p.topic}[" in logged[0] and "@0" in logged[0]


async def _noop() -> None:
    await asyncio.sleep(0)
