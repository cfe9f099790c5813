"""Committee's handlers: events it consumes and commands it accepts."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import asyncpg
from alize_chassis import outbox
from alize_chassis.consumer import Handlers
from alize_chassis.errors import NotFound
from alize_chassis.journey import continue_journey, current_context, tag
from alize_chassis.wire import Received
from alize_contracts import ApplicationSubmitted

from committee import adapters
from committee.domain import Decision, DocketEntry

SERVICE = "committee"
handlers = Handlers()


@handlers.on(ApplicationSubmitted)
async def put_on_docket(conn: asyncpg.Connection, event: ApplicationSubmitted, _: Received) -> None:
    tag(event.application_id)
    await adapters.add_from_submission(conn, event, current_context())


async def decide(pool: asyncpg.Pool, application_id: UUID, decision: Decision) -> DocketEntry:
    tag(application_id)
    async with pool.acquire() as conn, conn.transaction():
        found = await adapters.get_for_update(conn, application_id)
        if found is None:
            raise NotFound(f"application {application_id} is not on the committee's docket")
        entry, journey = found
        with continue_journey("committee decide", journey):
            tag(application_id)
            decided = entry.decide(decision, at=datetime.now(UTC))
            await adapters.save_decision(conn, decided, decision)
            await outbox.record(conn, adapters.decision_event(decided, decision), service=SERVICE)
    return decided
