"""Repayable advances: opened from the committee's grants; disbursement, repayments, write-off."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import asyncpg
from alize_chassis import outbox
from alize_chassis.errors import NotFound
from alize_chassis.journey import continue_journey, current_context, tag
from alize_chassis.wire import Received
from alize_contracts.events import AdvanceGranted

from missions.adapters import advances as adapters
from missions.domain.advances import Advance, schedule
from missions.service_layer import SERVICE, handlers


@handlers.on(AdvanceGranted)
async def record_grant(conn: asyncpg.Connection, event: AdvanceGranted, _: Received) -> None:
    tag(event.application_id)
    await adapters.add_from_grant(conn, uuid4(), event, current_context())


async def _advance(conn: asyncpg.Connection, advance_id: UUID) -> tuple[Advance, dict[str, str]]:
    found = await adapters.advance(conn, advance_id, for_update=True)
    if found is None:
        raise NotFound(f"no advance {advance_id}")
    tag(found[0].application_id)
    return found


async def disburse(
    conn: asyncpg.Connection, advance_id: UUID, on: date, installments: int, first_due_on: date, months_between: int
) -> Advance:
    advance, journey = await _advance(conn, advance_id)
    with continue_journey("missions disburse advance", journey):
        disbursed = advance.disburse(on, schedule(advance.amount_cents, installments, first_due_on, months_between))
        await adapters.save_disbursement(conn, disbursed)
        await outbox.record(conn, adapters.disbursed_event(disbursed), service=SERVICE)
    return disbursed


async def repay(conn: asyncpg.Connection, advance_id: UUID, amount_cents: int, received_on: date) -> Advance:
    advance, journey = await _advance(conn, advance_id)
    with continue_journey("missions repayment", journey):
        repaid = advance.repay(amount_cents, received_on)
        repayment_id = uuid4()
        await adapters.add_repayment(conn, repayment_id, advance_id, received_on, amount_cents)
        event = adapters.repayment_event(repaid, repayment_id, amount_cents, received_on)
        await outbox.record(conn, event, service=SERVICE)
    return repaid


async def write_off(conn: asyncpg.Connection, advance_id: UUID, on: date, reason: str) -> Advance:
    advance, journey = await _advance(conn, advance_id)
    with continue_journey("missions write off advance", journey):
        written_off = advance.write_off(on)
        await adapters.save_write_off(conn, written_off, on, reason)
        await outbox.record(conn, adapters.written_off_event(written_off, on, reason), service=SERVICE)
    return written_off
