"""One application's journey as one trace.

Later commands about an application (a committee decision, a mission day, a
job declaration) arrive as new HTTP requests, each with a trace of its own. The
aggregate keeps the trace context of the event that created it; work on it runs
in a span that continues that journey and links back to the request's span, so
the events it records (and their Kafka hops) join the application's trace.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any, TypeAlias

from opentelemetry import propagate, trace
from opentelemetry.trace import Link, Span

tracer = trace.get_tracer(__name__)

Journey: TypeAlias = dict[str, str]
"""An aggregate's stored trace context: the journey of the application it belongs to."""


def with_journey(row: Mapping[str, Any]) -> tuple[dict[str, Any], Journey]:
    """A stored row's values but its journey (`trace_context`), and that journey."""
    values = dict(row)
    return values, values.pop("trace_context")


def current_context() -> dict[str, str]:
    """The current trace context as W3C headers, to store with an aggregate."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@contextlib.contextmanager
def continue_journey(name: str, stored: Mapping[str, str] | None) -> Iterator[Span]:
    """Run the block in a span of the stored journey, linked to the current span."""
    request_span = trace.get_current_span().get_span_context()
    links = [Link(request_span)] if request_span.is_valid else []
    parent = propagate.extract(dict(stored)) if stored else None
    with tracer.start_as_current_span(name, context=parent, links=links) as span:
        yield span


def tag(application_id: object) -> None:
    """Mark the current span with the application it concerns, so an operator can
    find one application's spans in the tracing tool by `alize.application_id`."""
    trace.get_current_span().set_attribute("alize.application_id", str(application_id))
