"""Firms supported (EU ERDF CO01): each firm counted once by its identifier,
whatever the number of supports it received. A French SIRET names one site of
a firm: the firm is its first nine digits, the SIREN."""

from __future__ import annotations

import asyncpg
from alize_chassis.wire import Received
from alize_contracts import ProjectApproved

from metrics.read_models import handlers


def firm_key(firm_id: str) -> str:
    return firm_id[:9] if len(firm_id) == 14 and firm_id.isdigit() else firm_id


@handlers.on(ProjectApproved)
async def on_approved(conn: asyncpg.Connection, event: ProjectApproved, _: Received) -> None:
    if event.firm_id is None:  # a person with no firm yet: not a firm supported
        return
    await conn.execute(
        """
        INSERT INTO firms_supported (territory, firm_id, first_approved_at) VALUES ($1, $2, $3)
        ON CONFLICT (territory, firm_id) DO UPDATE
            SET first_approved_at = LEAST(firms_supported.first_approved_at, EXCLUDED.first_approved_at)
        """,
        event.territory,
        event.firm_id,
        event.decided_at,
    )
