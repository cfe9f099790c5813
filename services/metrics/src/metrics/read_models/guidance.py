"""Self-employment guidance: people guided (at least one session) and the survival
of the firms they created, N years after creation."""

from __future__ import annotations

import asyncpg
from alize_chassis.wire import Received
from alize_contracts.events import BusinessSurvivalReported, GuidanceSessionLogged

from metrics.read_models import handlers


@handlers.on(GuidanceSessionLogged)
async def on_session(conn: asyncpg.Connection, event: GuidanceSessionLogged, _: Received) -> None:
    await conn.execute(
        "INSERT INTO people_guided (application_id, territory) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        event.application_id,
        event.territory,
    )


@handlers.on(BusinessSurvivalReported)
async def on_survival(conn: asyncpg.Connection, event: BusinessSurvivalReported, _: Received) -> None:
    await conn.execute(
        """
        INSERT INTO business_survival (firm_id, years, territory, active) VALUES ($1, $2, $3, $4)
        ON CONFLICT (territory, firm_id, years) DO UPDATE SET active = EXCLUDED.active
        """,
        event.firm_id,
        event.years,
        event.territory,
        event.active,
    )
