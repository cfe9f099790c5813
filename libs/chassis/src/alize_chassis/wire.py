"""CloudEvents 1.0 in Kafka binary content mode, mapped by the `cloudevents` SDK."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import NamedTuple
from uuid import UUID

from alize_contracts import EVENT_TYPES, SPECVERSION, Event
from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

_FORMAT = JSONFormat()
CONTENT_TYPE = "application/json"


def source_for(territory: str, service: str) -> str:
    return f"/territories/{territory}/{service}"


def to_kafka(event: Event, *, event_id: UUID, service: str, time: datetime) -> ce_kafka.KafkaMessage:
    """The Kafka message (key, ce_* headers, JSON value) carrying `event`."""
    cloud_event = CloudEvent(
        attributes={
            "specversion": SPECVERSION,
            "id": str(event_id),
            "source": source_for(event.territory, service),
            "type": event.TYPE,
            "time": time,
            "subject": event.subject(),
            "datacontenttype": CONTENT_TYPE,
            "territory": event.territory,
            "partitionkey": event.key(),
        },
        data=event.model_dump(mode="json"),
    )
    message = ce_kafka.to_binary(cloud_event, _FORMAT)
    # The key is the Kafka key itself; no need to repeat it as a header.
    headers = {k: v for k, v in message.headers.items() if k != "ce_partitionkey"}
    return ce_kafka.KafkaMessage(headers=headers, key=message.key, value=message.value)


class UnknownEventType(Exception):
    """A well-formed CloudEvent of a type this reader does not know (it ignores it)."""


class Received(NamedTuple):
    """An event read from Kafka, validated against its contract (a named tuple:
    the cheapest immutable record to build, a million times in a replay)."""

    id: str
    type: str
    source: str
    time: datetime | None
    event: Event
    digest: bytes
    """A digest of the message's value: the same event id with another body is a conflict."""


def body_digest(value: bytes) -> bytes:
    return hashlib.blake2b(value, digest_size=16).digest()


class MalformedEvent(ValueError):
    """A message that is not a CloudEvent of ours in binary mode."""


_REQUIRED = ("ce_id", "ce_source", "ce_type", "ce_specversion")
_JSON = CONTENT_TYPE.encode()


def from_kafka(headers: dict[str, bytes], key: bytes | None, value: bytes) -> Received:
    """Parse and validate a Kafka message (CloudEvents 1.0, binary mode, JSON data).

    Raises MalformedEvent or pydantic's ValidationError for a malformed message,
    and UnknownEventType for a type outside the contracts.

    Reading is done here rather than by the SDK's `from_binary`: that one costs
    ~44 µs per event, half of it in dateutil parsing `ce_time`, which bounds a
    replay to ~20k events/s before any database work. This reader takes the same
    headers, checks the same required attributes and validates the data straight
    from JSON with the contract model (a test proves both readers agree).
    """
    raw_id, raw_source, raw_type, raw_specversion = map(headers.get, _REQUIRED)
    if not (raw_id and raw_source and raw_type and raw_specversion):
        missing = [h.removeprefix("ce_") for h in _REQUIRED if not headers.get(h)]
        raise MalformedEvent(f"missing CloudEvents attributes: {', '.join(missing)}")
    if raw_specversion.decode() != SPECVERSION:
        raise MalformedEvent(f"unsupported CloudEvents specversion {raw_specversion.decode()!r}")
    content_type = headers.get("content-type", _JSON)
    if not content_type.startswith(_JSON):
        raise MalformedEvent(f"unsupported content-type {content_type.decode(errors='replace')!r}")
    event_type = raw_type.decode()
    model = EVENT_TYPES.get(event_type)
    if model is None:
        raise UnknownEventType(event_type)
    time = headers.get("ce_time")
    return Received(
        id=raw_id.decode(),
        type=event_type,
        source=raw_source.decode(),
        time=datetime.fromisoformat(time.decode()) if time else None,
        event=model.model_validate_json(value),
        digest=body_digest(value),
    )
