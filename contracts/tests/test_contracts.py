"""The contracts are a product: every event type has a committed JSON Schema and
a golden example, today's models read every example, and nothing personal travels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from alize_contracts import EVENT_TYPES, SPECVERSION, topics
from alize_contracts.compat import breaking_changes, released_schemas
from alize_contracts.schemas import COMPAT_DIR, EXAMPLE_DIR, SCHEMA_DIR, json_schema, render, schema_path

# examples/<event type>/<contracts release>.json: every release's example stays.
EXAMPLES = sorted(EXAMPLE_DIR.glob("*/*.json"))


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def test_every_event_type_has_a_golden_example_and_a_schema() -> None:
    example_types = {p.parent.name for p in EXAMPLES}
    schema_types = {p.stem for p in SCHEMA_DIR.glob("*.json")}
    assert set(EVENT_TYPES) <= example_types, "event types without a golden example"
    assert set(EVENT_TYPES) <= schema_types, "event types without a committed schema"


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_committed_schema_is_the_generated_one(event_type: str) -> None:
    committed = schema_path(event_type).read_text(encoding="utf-8")
    assert committed == render(json_schema(EVENT_TYPES[event_type])), (
        f"{schema_path(event_type).name} is stale: run `uv run python -m alize_contracts.schemas`"
    )


def _example_id(path: Path) -> str:
    return f"{path.parent.name}@{path.stem}"


@pytest.mark.parametrize("path", EXAMPLES, ids=_example_id)
def test_golden_example_is_read_by_todays_model_and_round_trips(path: Path) -> None:
    example = _load(path)
    headers, value = example["headers"], example["value"]
    model = EVENT_TYPES[headers["ce_type"]]
    assert headers["ce_type"] == path.parent.name
    assert headers["ce_specversion"] == SPECVERSION
    assert headers["content-type"] == "application/json"
    for required in ("ce_id", "ce_source", "ce_time", "ce_subject", "ce_territory"):
        assert headers[required], required

    event = model.model_validate(value)
    # Fields added after the example's release take their defaults and are not written back.
    assert event.model_dump(mode="json", exclude_unset=True) == value
    assert model.model_validate_json(event.model_dump_json()) == event
    assert event.key() == example["key"] == headers["ce_subject"]
    assert event.territory == headers["ce_territory"]
    assert headers["ce_source"].startswith(f"/territories/{event.territory}/")


@pytest.mark.parametrize("path", EXAMPLES, ids=_example_id)
def test_golden_example_validates_against_committed_schema(path: Path) -> None:
    example = _load(path)
    schema = _load(schema_path(example["headers"]["ce_type"]))
    jsonschema.Draft202012Validator(schema).validate(example["value"])


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_readers_ignore_unknown_fields(event_type: str) -> None:
    value = _load(sorted((EXAMPLE_DIR / event_type).glob("*.json"))[-1])["value"]
    model = EVENT_TYPES[event_type]
    assert model.model_validate({**value, "added_in_a_later_minor_version": 1}) == model.model_validate(value)


def test_wire_identity_is_literal_and_well_formed() -> None:
    for event_type, model in EVENT_TYPES.items():
        assert event_type == model.TYPE
        assert event_type.startswith("org.alize.") and event_type.rsplit(".", 1)[1].startswith("v")
        assert model.TOPIC in topics.ALL
        assert model.KEY_FIELD in model.model_fields


PERSONAL = ("name", "email", "mail", "phone", "address", "birth", "gender", "nationality", "benefit", "aid")
NOT_PERSONAL = {"company_name"}  # a partner company's registered name: a legal entity


def _property_names(schema: Any) -> set[str]:
    """Every property name in a schema, nested models included."""
    names: set[str] = set()
    if isinstance(schema, dict):
        names |= set(schema.get("properties", {}))
        for value in schema.values():
            names |= _property_names(value)
    elif isinstance(schema, list):
        for value in schema:
            names |= _property_names(value)
    return names


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_no_personal_data_fields(event_type: str) -> None:
    for field in _property_names(json_schema(EVENT_TYPES[event_type])) - NOT_PERSONAL:
        assert not any(word in field for word in PERSONAL), f"{event_type}.{field} looks personal"


RELEASED = [
    (release, t, schema) for release, schemas in released_schemas(COMPAT_DIR).items() for t, schema in schemas.items()
]


@pytest.mark.parametrize(("release", "event_type", "schema"), RELEASED, ids=[f"{t}@{r}" for r, t, _ in RELEASED])
def test_schemas_changed_only_compatibly_since_each_release(
    release: str, event_type: str, schema: dict[str, Any]
) -> None:
    assert event_type in EVENT_TYPES, f"{event_type} (released in {release}) was removed"
    assert breaking_changes(schema, json_schema(EVENT_TYPES[event_type])) == []


def test_the_compatibility_check_catches_breaking_changes() -> None:
    old = json_schema(EVENT_TYPES["org.alize.missions.jobs.declared.v1"])
    removed = json.loads(json.dumps(old))
    del removed["properties"]["as_of"]
    required = json.loads(json.dumps(old))
    required["properties"]["note"] = {"type": "string"}
    required["required"].append("note")
    retyped = json.loads(json.dumps(old))
    retyped["$defs"]["Jobs"]["properties"]["created"]["maximum"] = 10
    added = json.loads(json.dumps(old))
    added["properties"]["note"] = {"type": "string", "default": None}
    assert any("as_of: field removed" in p for p in breaking_changes(old, removed))
    assert any("note: field became required" in p for p in breaking_changes(old, required))
    assert any("jobs.created: schema changed" in p for p in breaking_changes(old, retyped))
    assert breaking_changes(old, added) == []
