"""Missions' repositories: its state in PostgreSQL, no rules and no events.

A locking read (`<thing>_for_update`) locks the row in one statement and reads the thing in
the next: what another command committed while this one waited for the lock (a day logged, a
repayment, an outcome, a survival check) is seen. Read in the locking statement itself, the
rows of other tables would be those of its snapshot, taken before the wait."""

from typing import TypeAlias

import asyncpg
from alize_chassis.journey import Journey, with_journey

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool

__all__ = ["Conn", "Journey", "with_journey"]
