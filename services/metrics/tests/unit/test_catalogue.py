"""The catalogue against the code that computes its indicators (pure: no Kafka, no
PostgreSQL).

Each contract event type is taken from its golden examples and varied field by
field (each boolean both ways, each literal through its values, each optional
absent, each number zero or large, each list empty), so that every branch of the
derivations runs. The events go through the projection table the service
subscribes; the facts they add must be exactly the catalogue's: an indicator
summed, counted or taken as latest is made by facts of its declared source
events and of no other; a derived indicator reads figures made from its source
events and no others; nothing else is made.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from alize_chassis.wire import Received
from alize_contracts import EVENT_TYPES, Event
from alize_contracts.schemas import EXAMPLE_DIR
from devstack.scenario.oracle import empty_metrics
from metrics import figures
from metrics.catalogue import CATALOGUE
from metrics.projections import PROJECTIONS
from metrics.read_models.facts import FACT_COLUMNS
from pydantic import BaseModel, ValidationError

INDICATOR = FACT_COLUMNS.index("indicator")


def _alternatives(annotation: Any) -> list[Any]:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is bool:
        return [True, False]
    if origin is typing.Literal:
        return list(args)
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        inner = [a for a in args if a is not type(None)]
        return [None] + (_alternatives(inner[0]) if len(inner) == 1 else [])
    if annotation in (int, float):
        return [0, 300]
    if origin is list:
        return [[]]
    return []


def _variants(event: Event) -> Iterator[Event]:
    yield event
    data = event.model_dump(mode="json")
    for name, field in type(event).model_fields.items():
        for value in _alternatives(field.annotation):
            try:
                yield type(event).model_validate({**data, name: value})
            except ValidationError:  # a value the contract refuses: no such event
                continue


def _samples() -> Iterator[Event]:
    for event_type, model in EVENT_TYPES.items():
        examples = sorted((EXAMPLE_DIR / event_type).glob("*.json"))
        assert examples, f"no golden example of {event_type}"
        for path in examples:
            yield from _variants(model.model_validate(json.loads(path.read_text())["value"]))


def _made_by() -> dict[str, set[str]]:
    """Indicator code -> the event types whose facts make it, through the projection table."""
    made: dict[str, set[str]] = {}
    for event in _samples():
        received = Received("an-id", event.TYPE, "/test", None, event, b"")
        for projection in PROJECTIONS[type(event)]:
            if projection.table == "facts":
                for row in projection.rows(received):
                    made.setdefault(row[INDICATOR], set()).add(event.TYPE)
    return made


MADE_BY = _made_by()


class _Reading(dict[str, Any]):
    """Figures that note which ones a formula reads."""

    def __init__(self, value: float) -> None:
        super().__init__()
        self.value, self.read = value, set[str]()

    def __getitem__(self, code: str) -> Any:
        self.read.add(code)
        return self.value


def _read_by(code: str) -> set[str]:
    """The indicators the derivation of `code` reads."""
    if code == figures.MEDIAN_DAYS:
        return {figures.MEDIAN_SUBMITTED, *figures.MEDIAN_DECIDED}
    read = set()
    for value in (0, 1, 7):
        reading = _Reading(value)
        figures.DERIVED[code](reading)
        read |= reading.read
    return read


def test_the_derivations_make_no_indicator_outside_the_catalogue() -> None:
    assert set(MADE_BY) <= set(CATALOGUE)
    assert not [code for code in MADE_BY if CATALOGUE[code].aggregation == "derived"]


@pytest.mark.parametrize("code", [c for c, i in CATALOGUE.items() if i.aggregation != "derived"])
def test_an_aggregated_indicator_is_made_by_facts_of_its_source_events_only(code: str) -> None:
    assert MADE_BY.get(code, set()) == set(CATALOGUE[code].source_events)


@pytest.mark.parametrize("code", [c for c, i in CATALOGUE.items() if i.aggregation == "derived"])
def test_a_derived_indicator_reads_figures_made_by_its_source_events_only(code: str) -> None:
    read = _read_by(code)
    assert read and all(CATALOGUE[r].aggregation != "derived" for r in read)
    assert set().union(*(MADE_BY[r] for r in read)) == set(CATALOGUE[code].source_events)


def _response_codes(model: type[BaseModel], prefix: str = "") -> list[str]:
    codes = []
    for name, field in model.model_fields.items():
        group = field.annotation
        if isinstance(group, type) and issubclass(group, BaseModel):
            codes += _response_codes(group, f"{prefix}{name}_")
        elif name not in figures.NOT_INDICATORS:
            codes.append(f"{prefix}{name}")
    return codes


def test_the_figures_response_shows_each_shown_indicator_once_with_its_description() -> None:
    codes = _response_codes(figures.TerritoryMetrics)
    assert sorted(codes) == sorted(code for code, i in CATALOGUE.items() if i.shown)
    schema = json.dumps(figures.TerritoryMetrics.model_json_schema())
    assert all(CATALOGUE[code].definition in schema for code in codes)


def test_a_territory_before_any_event_shows_zero_or_null_for_each_indicator() -> None:
    empty = figures.empty("indre").model_dump()
    assert empty.pop("territory") == "indre"
    flat = {f"{k}_{s}": v for k, group in empty.items() if isinstance(group, dict) for s, v in group.items()}
    flat |= {k: v for k, v in empty.items() if not isinstance(v, dict)}
    for code, value in flat.items():
        indicator = CATALOGUE[code]
        assert (value is None and indicator.aggregation == "derived") or (
            value == 0 and type(value) is indicator.value_type
        ), code


def test_the_empty_figures_are_the_scenario_oracles_byte_for_byte() -> None:
    """The oracle writes its own (independently of the catalogue): both must agree, key order included."""
    assert figures.empty("indre").model_dump_json() == json.dumps(empty_metrics("indre"), separators=(",", ":"))
