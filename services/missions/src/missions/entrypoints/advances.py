"""Repayable advances: disbursement with its schedule, repayments, arrears, write-off."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated
from uuid import UUID

from alize_chassis.api import Strict
from alize_chassis.errors import NotFound
from alize_contracts.dates import PastDate, PlannedDate
from alize_contracts.events import Cents, Text
from fastapi import APIRouter
from pydantic import BaseModel, Field

from missions.adapters import advances as adapters
from missions.domain.advances import MAX_SCHEDULE_MONTHS, Advance
from missions.entrypoints import Pool
from missions.service_layer import advances as service

router = APIRouter(tags=["advances"])


class Disbursement(Strict):
    disbursed_on: PastDate
    installments: Annotated[int, Field(ge=1, le=MAX_SCHEDULE_MONTHS)]
    first_due_on: PlannedDate
    months_between: Annotated[int, Field(ge=1, le=12)] = 1


class Repayment(Strict):
    received_on: PastDate
    amount_cents: Annotated[Cents, Field(gt=0)]


class WriteOff(Strict):
    written_off_on: PastDate
    reason: Annotated[Text, Field(min_length=3)]


class InstallmentView(BaseModel):
    due_on: date
    amount_cents: int


class AdvanceView(BaseModel):
    advance_id: UUID
    application_id: UUID
    territory: str
    amount_cents: int
    disbursed_on: date | None
    schedule: list[InstallmentView]
    repaid_cents: int
    written_off_cents: int
    outstanding_cents: int
    arrears_cents: int = Field(description="Installments due by today and not repaid.")


def _view(advance: Advance) -> AdvanceView:
    return AdvanceView(
        advance_id=advance.id,
        application_id=advance.application_id,
        territory=advance.territory,
        amount_cents=advance.amount_cents,
        disbursed_on=advance.disbursed_on,
        schedule=[InstallmentView(due_on=i.due_on, amount_cents=i.amount_cents) for i in advance.installments],
        repaid_cents=advance.repaid_cents,
        written_off_cents=advance.written_off_cents,
        outstanding_cents=advance.outstanding_cents,
        arrears_cents=advance.arrears_cents(datetime.now(UTC).date()),
    )


@router.get("/advances")
async def advances(db: Pool, application_id: UUID | None = None) -> list[AdvanceView]:
    return [_view(a) for a in await adapters.list_advances(db, application_id)]


@router.get("/advances/{advance_id}")
async def get_advance(advance_id: UUID, db: Pool) -> AdvanceView:
    found = await adapters.advance(db, advance_id)
    if found is None:
        raise NotFound(f"no advance {advance_id}")
    return _view(found[0])


@router.post("/advances/{advance_id}/disbursement")
async def disburse(advance_id: UUID, body: Disbursement, db: Pool) -> AdvanceView:
    async with db.acquire() as conn, conn.transaction():
        advance = await service.disburse(
            conn, advance_id, body.disbursed_on, body.installments, body.first_due_on, body.months_between
        )
    return _view(advance)


@router.post("/advances/{advance_id}/repayments", status_code=201)
async def repay(advance_id: UUID, body: Repayment, db: Pool) -> AdvanceView:
    async with db.acquire() as conn, conn.transaction():
        advance = await service.repay(conn, advance_id, body.amount_cents, body.received_on)
    return _view(advance)


@router.post("/advances/{advance_id}/write-off")
async def write_off(advance_id: UUID, body: WriteOff, db: Pool) -> AdvanceView:
    async with db.acquire() as conn, conn.transaction():
        advance = await service.write_off(conn, advance_id, body.written_off_on, body.reason)
    return _view(advance)
