"""Missions' repositories: its state in PostgreSQL, no rules and no events."""

from typing import Any, TypeAlias

import asyncpg

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool
Journey: TypeAlias = dict[str, str]
"""An aggregate's stored trace context: the journey of the application it belongs to."""


def with_journey(row: asyncpg.Record) -> tuple[dict[str, Any], Journey]:
    """A row's values but its stored journey (`trace_context`), and that journey."""
    values = dict(row)
    return values, values.pop("trace_context")
