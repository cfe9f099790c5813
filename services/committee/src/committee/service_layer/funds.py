"""What approvals draw on: the calls' budgets (from intake's events) and the territories'
revolving funds of advances (set here, refilled by the repayments missions reports)."""

from __future__ import annotations

from decimal import Decimal

from alize_chassis.unit_of_work import UnitOfWork
from alize_chassis.wire import Received
from alize_contracts.events import AdvanceRepaymentReceived, CallClosed, CallOpened

from committee.adapters import funds
from committee.domain.commands import SetFund
from committee.domain.funds import AdvanceFund


async def set_fund(uow: UnitOfWork, command: SetFund) -> AdvanceFund:
    await funds.set_fund(uow.conn, command.territory, command.fund_cents)
    found = await funds.fund(uow.conn, command.territory)
    assert found is not None
    return found


async def record_call(uow: UnitOfWork, event: CallOpened, _: Received) -> None:
    await funds.add_call(
        uow.conn,
        event.call_id,
        event.territory,
        event.programme,
        Decimal(str(event.skill_days_budget)),
        event.advances_budget_cents,
    )


async def record_call_closed(uow: UnitOfWork, event: CallClosed, _: Received) -> None:
    await funds.close_call(uow.conn, event.call_id, event.closed_at)


async def refill_fund(uow: UnitOfWork, event: AdvanceRepaymentReceived, _: Received) -> None:
    await funds.record_repayment(
        uow.conn, event.repayment_id, event.application_id, event.territory, event.amount_cents
    )
