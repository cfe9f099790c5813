from datetime import UTC, datetime
from uuid import uuid4

import pytest
from alize_chassis.consumer import _describe
from alize_chassis.wire import UnknownEventType, from_kafka, to_kafka
from alize_contracts import ApplicationSubmitted, Jobs
from pydantic import ValidationError

EVENT = ApplicationSubmitted(
    territory="indre",
    application_id=uuid4(),
    programme="skill_sponsorship",
    firm_id="404833048",
    submitted_at=datetime(2026, 3, 2, 9, 15, tzinfo=UTC),
    jobs_planned=Jobs(created=1, maintained=4),
    baseline_headcount=4,
    skills_needed=["sales"],
)


def test_binary_mode_headers_and_round_trip() -> None:
    event_id = uuid4()
    message = to_kafka(EVENT, event_id=event_id, service="intake", time=datetime(2026, 3, 2, tzinfo=UTC))
    assert message.key == str(EVENT.application_id)
    assert message.headers["ce_specversion"] == b"1.0"
    assert message.headers["ce_id"] == str(event_id).encode()
    assert message.headers["ce_type"] == b"org.alize.intake.application.submitted.v1"
    assert message.headers["ce_source"] == b"/territories/indre/intake"
    assert message.headers["ce_time"] == b"2026-03-02T00:00:00Z"
    assert message.headers["ce_territory"] == b"indre"
    assert message.headers["content-type"] == b"application/json"

    received = from_kafka(message.headers, message.key.encode(), message.value)  # type: ignore[union-attr]
    assert (received.id, received.type, received.event) == (str(event_id), EVENT.TYPE, EVENT)


def test_unknown_types_and_malformed_messages_are_told_apart() -> None:
    message = to_kafka(EVENT, event_id=uuid4(), service="intake", time=datetime.now(UTC))
    unknown = {**message.headers, "ce_type": b"org.example.other.v1"}
    with pytest.raises(UnknownEventType):
        from_kafka(unknown, None, message.value)
    with pytest.raises(ValidationError):
        from_kafka(message.headers, None, b'{"territory": "indre"}')
    with pytest.raises(ValueError):
        from_kafka(message.headers, None, b"not json")


def test_dead_letter_description_carries_no_input_values() -> None:
    with pytest.raises(ValidationError) as caught:
        ApplicationSubmitted.model_validate({"territory": "Jean Dupont <jean@example.org>"})
    described = _describe(caught.value)
    assert "territory" in described and "Jean" not in described and "@" not in described


def test_our_reader_agrees_with_the_cloudevents_sdk_on_every_golden_example() -> None:
    import json

    from alize_contracts.schemas import EXAMPLE_DIR
    from cloudevents.core.bindings import kafka as ce_kafka
    from cloudevents.core.formats.json import JSONFormat

    for path in sorted(EXAMPLE_DIR.glob("*/*.json")):
        example = json.loads(path.read_text())
        headers = {k: v.encode() for k, v in example["headers"].items()}
        value = json.dumps(example["value"]).encode()
        ours = from_kafka(headers, example["key"].encode(), value)
        sdk = ce_kafka.from_binary(
            ce_kafka.KafkaMessage(headers=headers, key=example["key"], value=value), JSONFormat()
        )
        assert (ours.id, ours.type, ours.source, ours.time) == (
            sdk.get_id(),
            sdk.get_type(),
            sdk.get_source(),
            sdk.get_time(),
        ), path
        assert ours.event.model_dump(mode="json") == type(ours.event).model_validate(sdk.get_data()).model_dump(
            mode="json"
        )


def test_missing_attributes_and_other_versions_are_malformed() -> None:
    message = to_kafka(EVENT, event_id=uuid4(), service="intake", time=datetime.now(UTC))
    for name in ("ce_id", "ce_source", "ce_type", "ce_specversion"):
        with pytest.raises(ValueError, match=name[3:]):
            from_kafka({k: v for k, v in message.headers.items() if k != name}, None, message.value)
    with pytest.raises(ValueError, match="specversion"):
        from_kafka({**message.headers, "ce_specversion": b"0.3"}, None, message.value)
