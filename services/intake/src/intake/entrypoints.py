"""HTTP API of intake."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from alize_chassis.errors import NotFound
from alize_chassis.service import pool
from alize_contracts import Programme, Territory
from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from intake import adapters, service_layer

router = APIRouter(tags=["applications"])
Pool = Annotated[asyncpg.Pool, Depends(pool)]
Count = Annotated[int, Field(ge=0, le=100_000)]


class JobsPlanned(BaseModel):
    model_config = ConfigDict(extra="forbid")
    created: Count
    maintained: Count


class SubmitApplication(BaseModel):
    model_config = ConfigDict(extra="forbid")

    territory: Territory
    programme: Programme
    firm_id: str | None = Field(
        default=None,
        max_length=32,
        description="SIREN, SIRET or Belgian enterprise number; omit for a person with no firm yet.",
    )
    jobs_planned: JobsPlanned
    baseline_headcount: Count
    skills_needed: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(
        default_factory=list, max_length=50
    )


class ApplicationView(BaseModel):
    application_id: UUID
    territory: str
    programme: str
    firm_id: str | None
    submitted_at: datetime
    jobs_planned: JobsPlanned
    baseline_headcount: int
    skills_needed: list[str]


def _view(row: dict[str, Any]) -> ApplicationView:
    return ApplicationView(
        application_id=row["id"],
        territory=row["territory"],
        programme=row["programme"],
        firm_id=row["firm_id"],
        submitted_at=row["submitted_at"],
        jobs_planned=JobsPlanned(
            created=row["jobs_planned_created"], maintained=row["jobs_planned_maintained"]
        ),
        baseline_headcount=row["baseline_headcount"],
        skills_needed=row["skills_needed"],
    )


@router.post("/applications", status_code=201, response_model=ApplicationView)
async def submit(body: SubmitApplication, db: Pool) -> ApplicationView:
    application = await service_layer.submit_application(
        db,
        territory=body.territory,
        programme=body.programme,
        firm_id=body.firm_id,
        jobs_planned_created=body.jobs_planned.created,
        jobs_planned_maintained=body.jobs_planned.maintained,
        baseline_headcount=body.baseline_headcount,
        skills_needed=body.skills_needed,
    )
    row = await adapters.get(db, application.id)
    assert row is not None
    return _view(row)


@router.get("/applications/{application_id}", response_model=ApplicationView)
async def get_application(application_id: UUID, db: Pool) -> ApplicationView:
    row = await adapters.get(db, application_id)
    if row is None:
        raise NotFound(f"no application {application_id}")
    return _view(row)
