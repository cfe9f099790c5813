"""Job declarations of supported firms."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from alize_chassis.api import Strict
from alize_contracts.dates import PastDate
from alize_contracts.events import Headcount
from fastapi import APIRouter
from pydantic import Field

from missions.adapters import jobs as adapters
from missions.entrypoints import Pool
from missions.service_layer import jobs as service

router = APIRouter(tags=["jobs"])


class Declaration(Strict):
    as_of: PastDate
    headcount: Headcount = Field(description="Full-time equivalents at `as_of`.")


@router.post("/applications/{application_id}/job-declarations", status_code=201)
async def declare(application_id: UUID, body: Declaration, db: Pool) -> dict[str, Any]:
    """Jobs created and maintained are computed against the baseline headcount (IRIS+ PI3687, PI5691);
    a later declaration supersedes an earlier one, and every one is kept."""
    async with db.acquire() as conn, conn.transaction():
        created, maintained = await service.declare(conn, application_id, body.as_of, body.headcount)
    return {
        "application_id": application_id,
        "as_of": body.as_of,
        "headcount": body.headcount,
        "jobs_created": created,
        "jobs_maintained": maintained,
    }


@router.get("/applications/{application_id}/job-declarations")
async def history(application_id: UUID, db: Pool) -> list[dict[str, Any]]:
    return await adapters.history(db, application_id)
