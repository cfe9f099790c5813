"""Repayable advances granted by the committee, and their lifecycle, in PostgreSQL.
Locking reads are named `<thing>_for_update`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg
from alize_chassis.access import Target
from alize_chassis.db import Conn
from alize_chassis.journey import Journey, with_journey

from missions.domain.advances import Advance, Installment


async def add_granted(conn: Conn, advance: Advance, granted_at: datetime, trace_context: Journey) -> None:
    """Once per application: a grant delivered again changes nothing."""
    await conn.execute(
        """
        INSERT INTO advances (id, application_id, territory, firm_id, amount_cents, granted_at, trace_context)
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (application_id) DO NOTHING
        """,
        advance.id,
        advance.application_id,
        advance.territory,
        advance.firm_id,
        advance.amount_cents,
        granted_at,
        trace_context,
    )


_ADVANCE = """
    SELECT a.id, a.application_id, a.territory, a.firm_id, a.amount_cents, a.disbursed_on, a.written_off_cents,
           a.trace_context,
           coalesce((SELECT sum(amount_cents) FROM advance_repayments r WHERE r.advance_id = a.id), 0)::bigint
               AS repaid_cents
    FROM advances a
"""


async def _installments(conn: Conn, advance_ids: list[UUID]) -> dict[UUID, tuple[Installment, ...]]:
    """The schedules of the advances, in one query (none for an advance not disbursed)."""
    rows = await conn.fetch(
        "SELECT advance_id, due_on, amount_cents FROM advance_installments "
        "WHERE advance_id = ANY($1::uuid[]) ORDER BY advance_id, seq",
        advance_ids,
    )
    schedules: dict[UUID, list[Installment]] = {}
    for r in rows:
        schedules.setdefault(r["advance_id"], []).append(Installment(r["due_on"], r["amount_cents"]))
    return {advance_id: tuple(schedule) for advance_id, schedule in schedules.items()}


async def _advances(conn: Conn, rows: list[Any]) -> list[tuple[Advance, Journey]]:
    schedules = await _installments(conn, [r["id"] for r in rows])
    advances = []
    for row in rows:
        values, journey = with_journey(row)
        advances.append((Advance(**values, installments=schedules.get(values["id"], ())), journey))
    return advances


async def advance(conn: Conn, advance_id: UUID) -> Advance | None:
    row = await conn.fetchrow(f"{_ADVANCE} WHERE a.id = $1", advance_id)
    return (await _advances(conn, [row]))[0][0] if row else None


async def advance_for_update(conn: asyncpg.Connection, advance_id: UUID) -> tuple[Advance, Journey] | None:
    """The advance, locked, and its journey."""
    if not await conn.fetchval("SELECT true FROM advances WHERE id = $1 FOR UPDATE", advance_id):
        return None
    row = await conn.fetchrow(f"{_ADVANCE} WHERE a.id = $1", advance_id)  # read after the lock (missions.adapters)
    return (await _advances(conn, [row]))[0]


async def list_advances(conn: Conn, application_id: UUID | None, territory: str | None) -> list[Advance]:
    rows = await conn.fetch(
        f"{_ADVANCE} WHERE ($1::uuid IS NULL OR a.application_id = $1) AND ($2::text IS NULL OR a.territory = $2) "
        "ORDER BY a.granted_at",
        application_id,
        territory,
    )
    return [advance for advance, _ in await _advances(conn, rows)]


async def save_disbursement(conn: Conn, advance: Advance) -> None:
    await conn.execute("UPDATE advances SET disbursed_on = $2 WHERE id = $1", advance.id, advance.disbursed_on)
    await conn.executemany(
        "INSERT INTO advance_installments (advance_id, seq, due_on, amount_cents) VALUES ($1, $2, $3, $4)",
        [(advance.id, seq, i.due_on, i.amount_cents) for seq, i in enumerate(advance.installments, start=1)],
    )


async def add_repayment(conn: Conn, repayment_id: UUID, advance_id: UUID, received_on: date, amount: int) -> None:
    await conn.execute(
        "INSERT INTO advance_repayments (id, advance_id, received_on, amount_cents) VALUES ($1, $2, $3, $4)",
        repayment_id,
        advance_id,
        received_on,
        amount,
    )


async def save_write_off(conn: Conn, advance: Advance, on: date, reason: str) -> None:
    await conn.execute(
        "UPDATE advances SET written_off_on = $2, written_off_cents = $3, write_off_reason = $4 WHERE id = $1",
        advance.id,
        on,
        advance.written_off_cents,
        reason,
    )


async def advance_target(db: Conn, advance_id: str) -> Target | None:
    row = await db.fetchrow("SELECT territory, firm_id FROM advances WHERE id = $1", UUID(advance_id))
    return Target.of(row["territory"], firm_id=row["firm_id"]) if row else None
