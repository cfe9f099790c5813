"""HTTP: committee members and their conflicts of interest."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Response

from committee import views
from committee.domain.commands import AddMember, ConflictOfInterest, DeclareConflict, EraseMember
from committee.entrypoints import Bus, IdempotencyKey

router = APIRouter()


@router.post("/members", status_code=201, tags=["members"], response_model=dict[str, UUID])
async def add_member(body: AddMember, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    return await bus.execute(body, idempotency_key=idempotency_key, view=views.the_member)


@router.delete("/members/{member_id}", status_code=204, tags=["members"])
async def erase_member(member_id: UUID, bus: Bus, idempotency_key: IdempotencyKey = None) -> Response:
    """Erasure request: the member's name, e-mail and organisation are removed; the decisions stay."""
    await bus.execute(EraseMember(member_id=member_id), idempotency_key=idempotency_key)
    return Response(status_code=204)


@router.post("/members/{member_id}/conflicts", status_code=201, tags=["members"], response_model=ConflictOfInterest)
async def declare_conflict(
    member_id: UUID, body: ConflictOfInterest, bus: Bus, idempotency_key: IdempotencyKey = None
) -> Any:
    command = DeclareConflict(member_id=member_id, tie=body)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.the_tie)
