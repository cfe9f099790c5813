"""Repayable advances: opened from the committee's grants; disbursement, repayments, write-off."""

from __future__ import annotations

from uuid import UUID, uuid4

from alize_chassis import journey
from alize_chassis.errors import NotFound
from alize_chassis.journey import Journey
from alize_chassis.unit_of_work import UnitOfWork
from alize_chassis.wire import Received
from alize_contracts.events import AdvanceGranted

from missions.adapters import advances as repository
from missions.domain.advances import Advance, schedule
from missions.domain.commands import DisburseAdvance, RepayAdvance, WriteOffAdvance


async def record_grant(uow: UnitOfWork, event: AdvanceGranted, _: Received) -> None:
    journey.tag(event.application_id)
    advance = Advance.granted(uuid4(), event)
    await repository.add_granted(uow.conn, advance, event.granted_at, journey.current_context())


async def _for_update(uow: UnitOfWork, advance_id: UUID) -> tuple[Advance, Journey]:
    found = await repository.advance_for_update(uow.conn, advance_id)
    if found is None:
        raise NotFound(f"no advance {advance_id}")
    journey.tag(found[0].application_id)
    return found


async def disburse(uow: UnitOfWork, command: DisburseAdvance) -> Advance:
    advance, stored = await _for_update(uow, command.advance_id)
    terms = command.disbursement
    with uow.journey("missions disburse advance", stored):
        installments = schedule(advance.amount_cents, terms.installments, terms.first_due_on, terms.months_between)
        disbursed, event = advance.disburse(terms.disbursed_on, installments, by=uow.actor_id)
        await repository.save_disbursement(uow.conn, disbursed)
        uow.emit(event)
    return disbursed


async def repay(uow: UnitOfWork, command: RepayAdvance) -> Advance:
    advance, stored = await _for_update(uow, command.advance_id)
    given = command.repayment
    with uow.journey("missions repayment", stored):
        repayment_id = uuid4()
        repaid, event = advance.repay(repayment_id, given.amount_cents, given.received_on, by=uow.actor_id)
        await repository.add_repayment(uow.conn, repayment_id, advance.id, given.received_on, given.amount_cents)
        uow.emit(event)
    return repaid


async def write_off(uow: UnitOfWork, command: WriteOffAdvance) -> Advance:
    advance, stored = await _for_update(uow, command.advance_id)
    given = command.write_off
    with uow.journey("missions write off advance", stored):
        written_off, event = advance.write_off(given.written_off_on, given.reason, by=uow.actor_id)
        await repository.save_write_off(uow.conn, written_off, given.written_off_on, given.reason)
        uow.emit(event)
    return written_off
