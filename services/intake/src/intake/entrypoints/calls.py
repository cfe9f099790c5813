"""HTTP: calls for applications and the territories' eligibility rules."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from alize_contracts import Programme, Territory
from fastapi import APIRouter

from intake import views
from intake.domain.commands import CloseCall, OpenCall, Rules, SetEligibilityRules
from intake.entrypoints import Bus, IdempotencyKey, Pool

router = APIRouter()


@router.post("/calls", status_code=201, tags=["calls"], response_model=views.CallView)
async def open_call(body: OpenCall, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    return await bus.execute(body, idempotency_key=idempotency_key, view=views.the_call)


@router.post("/calls/{call_id}/close", tags=["calls"], response_model=views.CallView)
async def close_call(call_id: UUID, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    return await bus.execute(CloseCall(call_id=call_id), idempotency_key=idempotency_key, view=views.the_call)


@router.get("/calls", tags=["calls"])
async def calls(db: Pool, territory: Territory | None = None) -> list[views.CallView]:
    return await views.calls(db, territory)


@router.get("/calls/{call_id}", tags=["calls"])
async def get_call(call_id: UUID, db: Pool) -> views.CallView:
    return await views.call(db, call_id)


@router.put("/territories/{territory}/eligibility-rules/{programme}", tags=["screening"], response_model=Rules)
async def put_rules(
    territory: Territory, programme: Programme, body: Rules, bus: Bus, idempotency_key: IdempotencyKey = None
) -> Any:
    command = SetEligibilityRules(territory=territory, programme=programme, rules=body)
    await bus.execute(command, idempotency_key=idempotency_key)
    return body


@router.get("/territories/{territory}/eligibility-rules/{programme}", tags=["screening"])
async def get_rules(territory: Territory, programme: Programme, db: Pool) -> Rules:
    return await views.rules(db, territory, programme)
