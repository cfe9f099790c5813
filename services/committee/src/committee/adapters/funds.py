"""Calls' budgets (from intake's events) and the territories' revolving funds in PostgreSQL."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from decimal import Decimal
from uuid import UUID

import asyncpg
from alize_chassis.db import Conn

from committee.domain.funds import AdvanceFund, CallBudget


async def add_call(
    conn: Conn, call_id: UUID, territory: str, programme: str, skill_days_budget: Decimal, advances_budget_cents: int
) -> None:
    await conn.execute(
        """
        INSERT INTO calls (id, territory, programme, skill_days_budget, advances_budget_cents)
        VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING
        """,
        call_id,
        territory,
        programme,
        skill_days_budget,
        advances_budget_cents,
    )


async def close_call(conn: Conn, call_id: UUID, at: datetime) -> None:
    await conn.execute("UPDATE calls SET closed_at = $2 WHERE id = $1", call_id, at)


async def budgets_for_update(conn: asyncpg.Connection, call_ids: Collection[UUID]) -> dict[UUID, CallBudget]:
    """The calls' budgets and what approvals have granted so far, the calls locked (approvals
    against one call's budget are serialised). The sums are read once the locks are held, in a
    statement of their own: what the approvals that held them committed is counted."""
    await conn.execute("SELECT 1 FROM calls WHERE id = ANY($1) ORDER BY id FOR UPDATE", list(call_ids))
    rows = await conn.fetch(
        """
        SELECT c.id AS call_id, c.skill_days_budget, c.advances_budget_cents,
               coalesce(sum(d.skill_days) FILTER (WHERE d.status = 'approved'), 0) AS skill_days_granted,
               coalesce(sum(d.advance_amount_cents) FILTER (WHERE d.status = 'approved'), 0)::bigint
                   AS advances_granted_cents
        FROM calls c LEFT JOIN docket d ON d.call_id = c.id
        WHERE c.id = ANY($1) GROUP BY c.id
        """,
        list(call_ids),
    )
    return {row["call_id"]: CallBudget(**dict(row)) for row in rows}


async def set_fund(conn: Conn, territory: str, fund_cents: int) -> None:
    await conn.execute(
        """
        INSERT INTO advance_funds (territory, fund_cents) VALUES ($1, $2)
        ON CONFLICT (territory) DO UPDATE SET fund_cents = EXCLUDED.fund_cents
        """,
        territory,
        fund_cents,
    )


async def fund(conn: Conn, territory: str) -> AdvanceFund | None:
    """The territory's revolving fund: what it holds, what approvals granted, what came back."""
    row = await conn.fetchrow(
        """
        SELECT f.territory, f.fund_cents,
               (SELECT coalesce(sum(advance_amount_cents), 0) FROM docket
                WHERE territory = f.territory AND status = 'approved')::bigint AS granted_cents,
               (SELECT coalesce(sum(amount_cents), 0) FROM advance_repayments
                WHERE territory = f.territory)::bigint AS repaid_cents
        FROM advance_funds f WHERE f.territory = $1
        """,
        territory,
    )
    return AdvanceFund(**dict(row)) if row else None


async def fund_for_update(conn: asyncpg.Connection, territory: str) -> AdvanceFund | None:
    """The fund, locked (approvals draw on it one at a time); read once the lock is held, in a
    statement of its own, so that what the approval that held it granted is counted."""
    await conn.execute("SELECT 1 FROM advance_funds WHERE territory = $1 FOR UPDATE", territory)
    return await fund(conn, territory)


async def record_repayment(
    conn: Conn, repayment_id: UUID, application_id: UUID, territory: str, amount_cents: int
) -> None:
    await conn.execute(
        """
        INSERT INTO advance_repayments (repayment_id, application_id, territory, amount_cents)
        VALUES ($1, $2, $3, $4) ON CONFLICT (repayment_id) DO NOTHING
        """,
        repayment_id,
        application_id,
        territory,
        amount_cents,
    )
