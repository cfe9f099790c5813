"""HTTP: sessions, their agenda and decisions, and the docket."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from alize_contracts import Territory
from fastapi import APIRouter, Query

from committee import views
from committee.domain.commands import PlanSession, RecordDecisions, SessionDecisions
from committee.entrypoints import Bus, IdempotencyKey, Pool

router = APIRouter()


@router.post("/sessions", status_code=201, tags=["sessions"], response_model=views.SessionView)
async def plan_session(body: PlanSession, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    return await bus.execute(body, idempotency_key=idempotency_key, view=views.the_session)


@router.get("/sessions/{session_id}", tags=["sessions"])
async def get_session(session_id: UUID, db: Pool) -> views.SessionView:
    return await views.session(db, session_id)


@router.get("/sessions/{session_id}/agenda", tags=["sessions"])
async def agenda(session_id: UUID, db: Pool) -> list[views.DocketEntryView]:
    """Eligible applications of the session's territory awaiting a decision (deferred ones included)."""
    return await views.agenda(db, session_id)


@router.post(
    "/sessions/{session_id}/decisions", status_code=201, tags=["sessions"], response_model=views.SessionDecided
)
async def record_decisions(
    session_id: UUID, body: SessionDecisions, bus: Bus, idempotency_key: IdempotencyKey = None
) -> Any:
    """Record the session's decisions in one go: all are recorded, or none (4xx naming the first refusal)."""
    command = RecordDecisions(session_id=session_id, decisions=body.decisions)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.the_decisions)


@router.get("/docket", tags=["sessions"])
async def docket(
    db: Pool,
    territory: Territory | None = None,
    status: Annotated[Literal["pending", "approved", "rejected", "deferred", "withdrawn"] | None, Query()] = None,
) -> list[views.DocketEntryView]:
    return await views.docket_entries(db, territory, status)
