"""HTTP: job declarations of supported firms."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from missions import views
from missions.domain.commands import Declaration, DeclareJobs
from missions.entrypoints import Bus, IdempotencyKey, Pool

router = APIRouter(tags=["jobs"])


@router.post("/applications/{application_id}/job-declarations", status_code=201, response_model=views.DeclaredJobs)
async def declare(application_id: UUID, body: Declaration, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    """Jobs created and maintained are computed against the baseline headcount (IRIS+ PI3687, PI5691);
    a later declaration supersedes an earlier one, and every one is kept."""
    command = DeclareJobs(application_id=application_id, declaration=body)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.the_declaration)


@router.get("/applications/{application_id}/job-declarations")
async def history(application_id: UUID, db: Pool) -> list[dict[str, Any]]:
    return await views.declarations(db, application_id)
