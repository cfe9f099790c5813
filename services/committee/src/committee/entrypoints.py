"""HTTP API of the committee."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import asyncpg
from alize_chassis.service import pool
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from committee import adapters, service_layer
from committee.domain import Approval, Rejection

router = APIRouter(tags=["committee"])
Pool = Annotated[asyncpg.Pool, Depends(pool)]


class Approve(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal["approve"]
    skill_days: Annotated[float, Field(ge=0, le=10_000, multiple_of=0.5)] = Field(
        description="Skill days contracted, in half days."
    )
    advance_amount_cents: Annotated[int, Field(gt=0, le=100_000_000)] | None = None


class Reject(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal["reject"]
    reason: Annotated[str, Field(min_length=3, max_length=500)]


class DecisionView(BaseModel):
    application_id: UUID
    status: str
    decided_at: datetime | None


class DocketEntryView(DecisionView):
    territory: str
    programme: str
    firm_id: str | None
    jobs_planned_created: int
    jobs_planned_maintained: int
    skill_days: float | None
    advance_amount_cents: int | None
    rejection_reason: str | None


@router.post("/applications/{application_id}/decision", status_code=201)
async def record_decision(
    application_id: UUID, body: Annotated[Approve | Reject, Field(discriminator="outcome")], db: Pool
) -> DecisionView:
    decision = (
        Approval(skill_days=body.skill_days, advance_amount_cents=body.advance_amount_cents)
        if isinstance(body, Approve)
        else Rejection(reason=body.reason)
    )
    entry = await service_layer.decide(db, application_id, decision)
    return DecisionView(application_id=entry.application_id, status=entry.status, decided_at=entry.decided_at)


@router.get("/docket")
async def docket(
    db: Pool,
    territory: str | None = None,
    status: Annotated[Literal["pending", "approved", "rejected"] | None, Query()] = None,
) -> list[DocketEntryView]:
    return [DocketEntryView.model_validate(e) for e in await adapters.list_entries(db, territory, status)]
