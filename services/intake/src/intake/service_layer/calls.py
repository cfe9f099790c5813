"""Calls for applications: opened, closed by hand or at their deadline."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from alize_chassis.errors import Conflict, NotFound
from alize_chassis.unit_of_work import CommandBus, UnitOfWork
from asyncpg import Pool

from intake.adapters import calls
from intake.domain.calls import Call
from intake.domain.commands import CloseCall, OpenCall


def now() -> datetime:
    return datetime.now(UTC)


async def open_call(uow: UnitOfWork, command: OpenCall) -> Call:
    call = Call(id=uuid4(), **command.model_dump())
    uow.emit(call.open(now().date()))
    await calls.add_call(uow.conn, call)
    return call


async def close_call(uow: UnitOfWork, command: CloseCall) -> Call:
    call = await calls.call_for_update(uow.conn, command.call_id)
    if call is None:
        raise NotFound(f"no call {command.call_id}")
    closed, event = call.close(now())
    await calls.save_call_closure(uow.conn, closed)
    uow.emit(event)
    return closed


async def close_calls_past_their_deadline(pool: Pool, bus: CommandBus) -> int:
    """Periodic: close every call whose last day has passed (CallClosed, reason 'deadline'),
    each in a unit of work of its own; one closed meanwhile is left as it is."""
    closed = 0
    for call_id in await calls.expired_open_calls(pool, now().date()):
        try:
            await bus.handle(pool, CloseCall(call_id=call_id))
        except Conflict:
            continue  # closed by hand meanwhile
        closed += 1
    return closed
