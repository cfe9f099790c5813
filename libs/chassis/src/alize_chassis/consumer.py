"""Idempotent Kafka consumers with bounded retries and a dead-letter topic.

Each message is parsed as a CloudEvent and validated against its contract. Its
effect and a (consumer, event id) row in `processed_events` commit in one
PostgreSQL transaction; a redelivered event finds its row and is skipped. The
offset is committed only after that (FastStream's ACK policy, set explicitly:
its Kafka default acknowledges before processing). A malformed message, or one
whose handling keeps failing, goes to `<topic>.DLT` and the partition moves on.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import asyncpg
from aiokafka import ConsumerRecord
from aiokafka.errors import KafkaError
from alize_contracts.topics import dead_letter
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage
from opentelemetry import trace
from pydantic import ValidationError

from alize_chassis.db import CONNECTION_LOST
from alize_chassis.inbox import EventIdConflict, Handler, Handlers, apply_once
from alize_chassis.wire import Received, UnknownEventType, from_kafka

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


SchemaProvider = Callable[[], Awaitable[str]]
"""Where a consumer writes, when that can change while it runs (the metrics
service switching to a replayed schema)."""


async def process_once(
    pool: asyncpg.Pool, consumer: str, received: Received, handler: Handler, schema: str | None = None
) -> bool:
    """Apply `handler` once per event, in a transaction of its own (in `schema` when given)."""
    async with pool.acquire() as conn, conn.transaction():
        if schema is not None:
            await conn.execute("SELECT set_config('search_path', $1, true)", schema)
        return await apply_once(conn, consumer, received, handler)


def _describe(exc: Exception) -> str:
    """An exception summary safe for a header: no input values (they may hold personal data)."""
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}"
            for e in exc.errors(include_input=False, include_url=False)
        )[:1000]
    return type(exc).__name__


async def _raw_body(message: StreamMessage[Any]) -> bytes:
    return message.body


_TRIMMED_HEADERS = ("ce_id", "ce_type", "ce_source", "ce_time")
"""What a dead letter keeps of the original headers when the whole message does not fit."""


class Consumer:
    """Subscribes one consumer group to topics and routes events to handlers."""

    def __init__(
        self,
        broker: KafkaBroker,
        pool_provider: Callable[[], asyncpg.Pool],
        *,
        name: str,
        group_id: str,
        topics: Iterable[str],
        handlers: Handlers,
        max_attempts: int = 5,
        retry_backoff_seconds: float = 0.2,
        schema_provider: SchemaProvider | None = None,
        dead_letter_timeout_seconds: float = 15,
    ) -> None:
        self.name = name
        self.group_id = group_id
        self._broker = broker
        self._pool = pool_provider
        self._handlers = handlers
        self._max_attempts = max_attempts
        self._backoff = retry_backoff_seconds
        self._schema = schema_provider
        self._dead_letter_timeout = dead_letter_timeout_seconds
        self.skipped_unknown: Counter[str] = Counter()
        """Messages of event types outside the contracts this reader knows, by type."""
        broker.subscriber(
            *topics,
            group_id=group_id,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            # Keep the body as bytes: parsing is ours, so a malformed body is
            # dead-lettered instead of failing (and being redelivered) forever.
            decoder=_raw_body,
        )(self._on_message)

    async def _on_message(self, message: KafkaMessage) -> None:
        record = message.raw_message
        assert isinstance(record, ConsumerRecord)  # one record per call: not a batch subscriber
        headers = dict(record.headers or ())
        try:
            received = from_kafka(headers, record.key, record.value or b"")
        except UnknownEventType as exc:
            # Forward compatibility: a newer producer's type is skipped, but never unseen.
            self.skipped_unknown[str(exc)] += 1
            log.info(
                "%s skips unknown event type %s at %s[%s]@%s (%d of this type so far)",
                self.name,
                exc,
                record.topic,
                record.partition,
                record.offset,
                self.skipped_unknown[str(exc)],
            )
            return
        except Exception as exc:  # malformed: retrying cannot help
            await self._dead_letter(record, headers, exc)
            return
        handler = self._handlers.get(received.type)
        if handler is None:  # a contract type this service has no use for
            return
        await self._handle_with_retries(record, headers, received, handler)

    async def _handle_with_retries(
        self, record: Any, headers: Mapping[str, bytes], received: Received, handler: Handler
    ) -> None:
        for attempt in range(1, self._max_attempts + 1):
            try:
                with tracer.start_as_current_span(
                    f"{self.name} handle {received.type}",
                    attributes={
                        "messaging.consumer.group.name": self.group_id,
                        "cloudevents.event_id": received.id,
                        "cloudevents.event_type": received.type,
                        "alize.territory": received.event.territory,
                    },
                ) as span:
                    schema = await self._schema() if self._schema else None
                    applied = await process_once(self._pool(), self.name, received, handler, schema)
                    span.set_attribute("alize.duplicate", not applied)
                return
            except CONNECTION_LOST:  # the database, not the message: never dead-lettered
                # Infrastructure down: never dead-letter for that, let the
                # offset stay uncommitted and the message come back.
                if attempt == self._max_attempts:
                    raise
            except EventIdConflict as exc:  # the same every time: no retry
                await self._dead_letter(record, headers, exc)
                return
            except Exception as exc:
                log.warning(
                    "%s failed on %s %s (attempt %d/%d): %s",
                    self.name,
                    received.type,
                    received.id,
                    attempt,
                    self._max_attempts,
                    type(exc).__name__,
                )
                if attempt == self._max_attempts:
                    await self._dead_letter(record, headers, exc)
                    return
            await asyncio.sleep(self._backoff * 2 ** (attempt - 1))

    async def _dead_letter(self, record: Any, headers: Mapping[str, bytes], exc: Exception) -> None:
        """Park the original message with where it came from and why (Spring Kafka's
        kafka_dlt-* header names), then let the partition move on.

        It never loops: a message that does not fit the dead-letter topic as it is
        goes with its headers trimmed, then as a reference to its offset with no
        value; if the dead-letter topic takes nothing, the message is parked in the
        service's own `dead_letters` table. Only a database that is down too makes
        the message come back (the offset stays uncommitted)."""
        value: bytes = record.value or b""
        dlt_headers = {
            "kafka_dlt-original-topic": record.topic,
            "kafka_dlt-original-partition": str(record.partition),
            "kafka_dlt-original-offset": str(record.offset),
            "kafka_dlt-original-timestamp": str(record.timestamp),
            "kafka_dlt-original-consumer-group": self.group_id,
            "kafka_dlt-exception-fqcn": f"{type(exc).__module__}.{type(exc).__qualname__}",
            "kafka_dlt-exception-message": _describe(exc),
        }
        original = {k: v.decode(errors="replace") for k, v in headers.items()}
        trimmed = {k: original[k][:256] for k in _TRIMMED_HEADERS if k in original}
        reference = {"kafka_dlt-original-value-bytes": str(len(value)), "kafka_dlt-value-truncated": "true"}
        log.error(
            "%s dead-letters %s[%s]@%s: %s",
            self.name,
            record.topic,
            record.partition,
            record.offset,
            type(exc).__name__,
        )
        forms = (
            ("whole", {**original, **dlt_headers}, value),
            ("with its headers trimmed", {**trimmed, **dlt_headers}, value),
            ("as a reference to its offset", {**trimmed, **dlt_headers, **reference}, b""),
        )
        for form, form_headers, form_value in forms:
            try:
                async with asyncio.timeout(self._dead_letter_timeout):
                    await self._broker.publish(
                        form_value, topic=dead_letter(record.topic), key=record.key, headers=form_headers
                    )
            except (KafkaError, TimeoutError) as failure:
                log.warning(
                    "%s could not dead-letter %s[%s]@%s %s: %s",
                    self.name,
                    record.topic,
                    record.partition,
                    record.offset,
                    form,
                    type(failure).__name__,
                )
                continue
            if form != "whole":
                log.warning(
                    "%s dead-lettered %s[%s]@%s %s", self.name, record.topic, record.partition, record.offset, form
                )
            return
        await self._park_in_database(record, {**original, **dlt_headers}, value)

    async def _park_in_database(self, record: Any, headers: dict[str, str], value: bytes) -> None:
        await self._pool().execute(
            """
            INSERT INTO dead_letters (consumer_group, topic, "partition", "offset", key, headers, value)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
            """,
            self.group_id,
            record.topic,
            record.partition,
            record.offset,
            record.key,
            headers,
            value,
        )
        log.error(
            "%s parked %s[%s]@%s in its dead_letters table: the dead-letter topic took nothing",
            self.name,
            record.topic,
            record.partition,
            record.offset,
        )
