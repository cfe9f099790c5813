"""JSON Schemas generated from the event models, committed under `schemas/`.

Regenerate after changing a model: `python -m alize_contracts.schemas`.
A test fails when the committed files are stale.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from alize_contracts.base import Event
from alize_contracts.events import EVENT_TYPES

SCHEMA_DIR = Path(str(resources.files("alize_contracts") / "schemas"))
EXAMPLE_DIR = Path(str(resources.files("alize_contracts") / "examples"))
COMPAT_DIR = Path(str(resources.files("alize_contracts") / "compat"))
"""compat/<release>/: the schemas as released, frozen; today's must stay compatible."""


def json_schema(event: type[Event]) -> dict[str, Any]:
    """The JSON Schema of one event type's data, with its wire identity."""
    schema = event.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:alize:event:{event.TYPE}",
        **schema,
        "title": event.TYPE,
        "x-topic": event.TOPIC,
        "x-key": event.KEY_FIELD,
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema_path(event_type: str) -> Path:
    return SCHEMA_DIR / f"{event_type}.json"


def write_all() -> list[Path]:
    SCHEMA_DIR.mkdir(exist_ok=True)
    written = []
    for event_type, event in EVENT_TYPES.items():
        path = schema_path(event_type)
        path.write_text(render(json_schema(event)), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all():
        print(path)
