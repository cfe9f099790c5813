"""Calls for applications in PostgreSQL. Locking reads are named `<thing>_for_update`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import asyncpg
from alize_chassis.access import Target
from alize_chassis.db import Conn

from intake.domain.calls import Call

_CALL_COLUMNS = "id, territory, programme, opens_on, closes_on, skill_days_budget, advances_budget_cents, closed_at"


def _call(row: asyncpg.Record) -> Call:
    values = dict(row)
    values["skill_days_budget"] = float(values["skill_days_budget"])
    return Call(**values)


async def add_call(conn: Conn, call: Call) -> None:
    await conn.execute(
        f"INSERT INTO calls ({_CALL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        call.id,
        call.territory,
        call.programme,
        call.opens_on,
        call.closes_on,
        Decimal(str(call.skill_days_budget)),
        call.advances_budget_cents,
        call.closed_at,
    )


async def get_call(conn: Conn, call_id: UUID) -> Call | None:
    row = await conn.fetchrow(f"SELECT {_CALL_COLUMNS} FROM calls WHERE id = $1", call_id)
    return _call(row) if row else None


async def call_for_update(conn: asyncpg.Connection, call_id: UUID) -> Call | None:
    row = await conn.fetchrow(f"SELECT {_CALL_COLUMNS} FROM calls WHERE id = $1 FOR UPDATE", call_id)
    return _call(row) if row else None


async def expired_open_calls(conn: Conn, today: date) -> list[UUID]:
    rows = await conn.fetch("SELECT id FROM calls WHERE closed_at IS NULL AND closes_on < $1", today)
    return [r["id"] for r in rows]


async def save_call_closure(conn: Conn, call: Call) -> None:
    await conn.execute("UPDATE calls SET closed_at = $2 WHERE id = $1", call.id, call.closed_at)


async def call_target(db: Conn, call_id: str) -> Target | None:
    territory = await db.fetchval("SELECT territory FROM calls WHERE id = $1", UUID(call_id))
    return Target.of(territory) if territory else None
