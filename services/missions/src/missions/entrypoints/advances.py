"""HTTP: repayable advances, their disbursement with its schedule, repayments, arrears, write-off."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from alize_chassis.access import Target
from alize_contracts import Territory
from fastapi import APIRouter

from missions import views
from missions.domain.commands import (
    DisburseAdvance,
    Disbursement,
    RepayAdvance,
    Repayment,
    WriteOff,
    WriteOffAdvance,
)
from missions.entrypoints import Bus, Caller, IdempotencyKey, Pool

router = APIRouter(tags=["advances"])


@router.get("/advances")
async def advances(
    db: Pool, access: Caller, territory: Territory | None = None, application_id: UUID | None = None
) -> list[views.AdvanceView]:
    """A host firm sees its own advances only."""
    found = await views.advances(db, application_id, territory)
    return [a for a in found if access.sees(Target.of(a.territory, firm_id=a.firm_id))]


@router.get("/advances/{advance_id}")
async def get_advance(advance_id: UUID, db: Pool) -> views.AdvanceView:
    return await views.advance(db, advance_id)


@router.post("/advances/{advance_id}/disbursement", response_model=views.AdvanceView)
async def disburse(advance_id: UUID, body: Disbursement, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    command = DisburseAdvance(advance_id=advance_id, disbursement=body)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.the_advance)


@router.post("/advances/{advance_id}/repayments", status_code=201, response_model=views.AdvanceView)
async def repay(advance_id: UUID, body: Repayment, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    command = RepayAdvance(advance_id=advance_id, repayment=body)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.the_advance)


@router.post("/advances/{advance_id}/write-off", response_model=views.AdvanceView)
async def write_off(advance_id: UUID, body: WriteOff, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    command = WriteOffAdvance(advance_id=advance_id, write_off=body)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.the_advance)
