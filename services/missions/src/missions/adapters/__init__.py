"""Missions' repositories: its state in PostgreSQL, no rules and no events."""

from typing import TypeAlias

import asyncpg

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool
Journey: TypeAlias = dict[str, str]
"""An aggregate's stored trace context: the journey of the application it belongs to."""
