"""Backward compatibility of event schemas within a version.

A reader built on today's schema must still read every event written under an
earlier release of the same type, and an earlier reader must still read
today's events (it ignores fields it does not know). So, between a released
schema and today's:
- no field is removed, and no field becomes required;
- a field that existed keeps exactly the same schema (annotations aside);
- new fields are optional.
Anything else needs a new event type (`….v2`) and an upcaster in consumers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ANNOTATIONS = {
    "title",
    "description",
    "default",
    "examples",
    "$comment",
    "x-topic",
    "x-key",
    "$id",
    "$schema",
}


def _resolve(schema: Any, defs: dict[str, Any]) -> Any:
    """Inline $refs and drop annotations, so two schemas compare by meaning."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            return _resolve(defs[name], defs)
        return {k: _resolve(v, defs) for k, v in schema.items() if k not in ANNOTATIONS and k != "$defs"}
    if isinstance(schema, list):
        return [_resolve(v, defs) for v in schema]
    return schema


def _compare(old: Any, new: Any, path: str, problems: list[str]) -> None:
    if isinstance(old, dict) and isinstance(new, dict) and old.get("type") == "object" == new.get("type"):
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        for name in old_props:
            if name not in new_props:
                problems.append(f"{path}.{name}: field removed")
            else:
                _compare(old_props[name], new_props[name], f"{path}.{name}", problems)
        for name in sorted(set(new.get("required", [])) - set(old.get("required", []))):
            problems.append(f"{path}.{name}: field became required")
        rest_old = {k: v for k, v in old.items() if k not in {"properties", "required"}}
        rest_new = {k: v for k, v in new.items() if k not in {"properties", "required"}}
        if rest_old != rest_new:
            problems.append(f"{path}: object constraints changed")
        return
    if old != new:
        problems.append(f"{path}: schema changed from {json.dumps(old)} to {json.dumps(new)}")


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What in `new` would break readers or writers of events valid under `old`."""
    problems: list[str] = []
    _compare(
        _resolve(old, old.get("$defs", {})),
        _resolve(new, new.get("$defs", {})),
        old.get("title", "$"),
        problems,
    )
    return problems


def released_schemas(compat_dir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """{release: {event type: schema}} for every frozen release under compat_dir."""
    return {
        release.name: {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(release.glob("*.json"))}
        for release in sorted(compat_dir.iterdir())
        if release.is_dir()
    }
