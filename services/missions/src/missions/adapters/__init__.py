"""Persistence of the missions service's data and the mapping of its facts to contract events."""

from typing import TypeAlias

import asyncpg

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool
