"""HTTP: sessions, their agenda and decisions, and the docket."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from alize_chassis.identity import Role
from alize_contracts import Territory
from fastapi import APIRouter, Query

from committee import views
from committee.domain.commands import BallotChoice, CastBallot, PlanSession, RecordDecisions, SessionDecisions
from committee.entrypoints import Bus, Caller, IdempotencyKey, Pool

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


@router.put("/sessions/{session_id}/ballots/{application_id}", tags=["sessions"], response_model=views.BallotView)
async def cast_ballot(
    session_id: UUID,
    application_id: UUID,
    body: BallotChoice,
    bus: Bus,
    access: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Your own vote, as a member sitting in the session, on an item of its agenda; cast again until the
    session is held, it replaces the one before. Staff's decisions count it (POST .../decisions)."""
    member_id = UUID(access.party("member_id") or "")  # the guard checked the caller's membership sits here
    command = CastBallot(session_id=session_id, application_id=application_id, member_id=member_id, choice=body.choice)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.the_ballot)


@router.get("/sessions/{session_id}/ballots", tags=["sessions"])
async def ballots(session_id: UUID, db: Pool, access: Caller) -> list[views.BallotView]:
    """The ballots cast in the session: all of them for its territory's staff, a member's own for a member."""
    own = access.grant is not None and access.grant.role is Role.MEMBER
    return await views.ballots(db, session_id, UUID(access.party("member_id") or "") if own else None)


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
