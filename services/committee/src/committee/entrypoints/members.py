"""HTTP: committee members and their conflicts of interest."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from committee import views
from committee.domain.commands import AddMember, ConflictOfInterest, DeclareConflict
from committee.entrypoints import Bus, IdempotencyKey

router = APIRouter()


@router.post("/members", status_code=201, tags=["members"], response_model=dict[str, UUID])
async def add_member(body: AddMember, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    return await bus.execute(body, idempotency_key=idempotency_key, view=views.the_member)


@router.post("/members/{member_id}/conflicts", status_code=201, tags=["members"], response_model=ConflictOfInterest)
async def declare_conflict(
    member_id: UUID, body: ConflictOfInterest, bus: Bus, idempotency_key: IdempotencyKey = None
) -> Any:
    command = DeclareConflict(member_id=member_id, tie=body)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.the_tie)
