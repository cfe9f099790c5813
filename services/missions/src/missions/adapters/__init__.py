"""Missions' repositories: its state in PostgreSQL, no rules and no events.

A locking read (`<thing>_for_update`) locks the row in one statement and reads the thing in
the next: what another command committed while this one waited for the lock (a day logged, a
repayment, an outcome, a survival check) is seen. Read in the locking statement itself, the
rows of other tables would be those of its snapshot, taken before the wait."""

from typing import Any, TypeAlias

import asyncpg

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool
Journey: TypeAlias = dict[str, str]
"""An aggregate's stored trace context: the journey of the application it belongs to."""


def with_journey(row: asyncpg.Record) -> tuple[dict[str, Any], Journey]:
    """A row's values but its stored journey (`trace_context`), and that journey."""
    values = dict(row)
    return values, values.pop("trace_context")
