"""HTTP API of missions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from alize_chassis.service import pool
from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from missions import adapters, service_layer

router = APIRouter(tags=["missions"])
Pool = Annotated[asyncpg.Pool, Depends(pool)]
Count = Annotated[int, Field(ge=0, le=100_000)]


class LogDay(BaseModel):
    model_config = ConfigDict(extra="forbid")
    worked_on: date
    days: Annotated[Decimal, Field(gt=0, le=1, multiple_of=Decimal("0.5"))] = Field(
        description="0.5 for a half day, 1 for a full day."
    )


class DeclareJobs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    as_of: date
    jobs_created: Count
    jobs_maintained: Count


class MissionView(BaseModel):
    mission_id: UUID
    application_id: UUID
    territory: str
    days_budget: float
    days_logged: float


@router.get("/missions")
async def missions(db: Pool, application_id: UUID | None = None) -> list[MissionView]:
    return [MissionView.model_validate(m) for m in await adapters.list_missions(db, application_id)]


@router.post("/missions/{mission_id}/days", status_code=201)
async def log_day(mission_id: UUID, body: LogDay, db: Pool) -> dict[str, Any]:
    day_id = await service_layer.log_day(db, mission_id, body.worked_on, body.days)
    return {"day_id": day_id, "mission_id": mission_id}


@router.post("/applications/{application_id}/job-declarations", status_code=201)
async def declare_jobs(application_id: UUID, body: DeclareJobs, db: Pool) -> dict[str, Any]:
    declaration_id = await service_layer.declare_jobs(
        db, application_id, body.as_of, body.jobs_created, body.jobs_maintained
    )
    return {"declaration_id": declaration_id, "application_id": application_id}
