"""CloudEvents 1.0 in Kafka binary content mode, mapped by the `cloudevents` SDK."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
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


@dataclass(frozen=True)
class Received:
    """An event read from Kafka, validated against its contract."""

    id: str
    type: str
    source: str
    time: datetime | None
    event: Event


def from_kafka(headers: dict[str, bytes], key: bytes | None, value: bytes) -> Received:
    """Parse and validate a Kafka message.

    Raises ValueError-family errors (including pydantic's ValidationError) for a
    malformed message, and UnknownEventType for a type outside the contracts.
    """
    cloud_event = ce_kafka.from_binary(ce_kafka.KafkaMessage(headers=headers, key=key, value=value), _FORMAT)
    event_type = cloud_event.get_type()
    model = EVENT_TYPES.get(event_type)
    if model is None:
        raise UnknownEventType(event_type)
    data: Any = cloud_event.get_data()
    return Received(
        id=cloud_event.get_id(),
        type=event_type,
        source=cloud_event.get_source(),
        time=cloud_event.get_time(),
        event=model.model_validate(data),
    )
