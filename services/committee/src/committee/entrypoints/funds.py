"""HTTP: the territories' revolving funds of advances."""

from __future__ import annotations

from typing import Any

from alize_contracts import Territory
from fastapi import APIRouter

from committee import views
from committee.domain.commands import Fund, SetFund
from committee.entrypoints import Bus, IdempotencyKey, Pool

router = APIRouter()


@router.put("/territories/{territory}/advance-fund", tags=["advances"], response_model=views.FundView)
async def set_fund(territory: Territory, body: Fund, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    command = SetFund(territory=territory, fund_cents=body.fund_cents)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.the_fund)


@router.get("/territories/{territory}/advance-fund", tags=["advances"])
async def get_fund(territory: Territory, db: Pool) -> views.FundView:
    return await views.fund(db, territory)
