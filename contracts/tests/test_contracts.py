"""The contracts are a product: every event type has a committed JSON Schema and
a golden example, today's models read every example, and nothing personal travels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from alize_contracts import EVENT_TYPES, SPECVERSION, Event, topics
from alize_contracts.schemas import EXAMPLE_DIR, SCHEMA_DIR, json_schema, render, schema_path

EXAMPLES = sorted(EXAMPLE_DIR.glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def test_every_event_type_has_a_golden_example_and_a_schema() -> None:
    example_types = {p.stem for p in EXAMPLES}
    schema_types = {p.stem for p in SCHEMA_DIR.glob("*.json")}
    assert set(EVENT_TYPES) <= example_types, "event types without a golden example"
    assert set(EVENT_TYPES) <= schema_types, "event types without a committed schema"


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_committed_schema_is_the_generated_one(event_type: str) -> None:
    committed = schema_path(event_type).read_text(encoding="utf-8")
    assert committed == render(json_schema(EVENT_TYPES[event_type])), (
        f"{schema_path(event_type).name} is stale: run `uv run python -m alize_contracts.schemas`"
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_golden_example_is_read_by_todays_model_and_round_trips(path: Path) -> None:
    example = _load(path)
    headers, value = example["headers"], example["value"]
    model = EVENT_TYPES[headers["ce_type"]]
    assert headers["ce_type"] == path.stem
    assert headers["ce_specversion"] == SPECVERSION
    assert headers["content-type"] == "application/json"
    for required in ("ce_id", "ce_source", "ce_time", "ce_subject", "ce_territory"):
        assert headers[required], required

    event = model.model_validate(value)
    assert event.model_dump(mode="json") == value
    assert model.model_validate_json(event.model_dump_json()) == event
    assert event.key() == example["key"] == headers["ce_subject"]
    assert event.territory == headers["ce_territory"]
    assert headers["ce_source"].startswith(f"/territories/{event.territory}/")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_golden_example_validates_against_committed_schema(path: Path) -> None:
    example = _load(path)
    schema = _load(schema_path(example["headers"]["ce_type"]))
    jsonschema.Draft202012Validator(schema).validate(example["value"])


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_readers_ignore_unknown_fields(event_type: str) -> None:
    value = _load(EXAMPLE_DIR / f"{event_type}.json")["value"]
    model = EVENT_TYPES[event_type]
    assert model.model_validate({**value, "added_in_a_later_minor_version": 1}) == model.model_validate(value)


def test_wire_identity_is_literal_and_well_formed() -> None:
    for event_type, model in EVENT_TYPES.items():
        assert event_type == model.TYPE
        assert event_type.startswith("org.alize.") and event_type.rsplit(".", 1)[1].startswith("v")
        assert model.TOPIC in topics.ALL
        assert model.KEY_FIELD in model.model_fields


PERSONAL = ("name", "email", "mail", "phone", "address", "birth", "gender", "nationality", "benefit", "aid")


def _field_names(model: type[Any]) -> set[str]:
    names = set()
    for name, info in model.model_fields.items():
        names.add(name)
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, Event.__mro__[1]):  # nested models
            names |= _field_names(annotation)
    return names


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_no_personal_data_fields(event_type: str) -> None:
    for field in _field_names(EVENT_TYPES[event_type]):
        assert not any(word in field for word in PERSONAL), f"{event_type}.{field} looks personal"
