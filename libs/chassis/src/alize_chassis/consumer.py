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
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import asyncpg
from aiokafka import ConsumerRecord
from alize_contracts.topics import dead_letter
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage
from opentelemetry import trace
from pydantic import ValidationError

from alize_chassis.inbox import Handler, Handlers, apply_once
from alize_chassis.wire import Received, UnknownEventType, from_kafka

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

INFRASTRUCTURE_DOWN = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.InterfaceError,
)
"""Failures of the database itself, not of the message: never dead-lettered."""

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
    ) -> None:
        self.name = name
        self.group_id = group_id
        self._broker = broker
        self._pool = pool_provider
        self._handlers = handlers
        self._max_attempts = max_attempts
        self._backoff = retry_backoff_seconds
        self._schema = schema_provider
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
            log.debug("%s ignores event type %s", self.name, exc)
            return
        except Exception as exc:  # malformed: retrying cannot help
            await self._dead_letter(record, headers, exc)
            return
        handler = self._handlers.get(received.type)
        if handler is None:
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
            except INFRASTRUCTURE_DOWN:
                # Infrastructure down: never dead-letter for that, let the
                # offset stay uncommitted and the message come back.
                if attempt == self._max_attempts:
                    raise
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
        kafka_dlt-* header names), then let the partition move on."""
        dlt_headers = {k: v.decode(errors="replace") for k, v in headers.items()}
        dlt_headers.update(
            {
                "kafka_dlt-original-topic": record.topic,
                "kafka_dlt-original-partition": str(record.partition),
                "kafka_dlt-original-offset": str(record.offset),
                "kafka_dlt-original-timestamp": str(record.timestamp),
                "kafka_dlt-original-consumer-group": self.group_id,
                "kafka_dlt-exception-fqcn": f"{type(exc).__module__}.{type(exc).__qualname__}",
                "kafka_dlt-exception-message": _describe(exc),
            }
        )
        log.error(
            "%s dead-letters %s[%s]@%s: %s",
            self.name,
            record.topic,
            record.partition,
            record.offset,
            type(exc).__name__,
        )
        await self._broker.publish(
            record.value or b"",
            topic=dead_letter(record.topic),
            key=record.key,
            headers=dlt_headers,
        )
