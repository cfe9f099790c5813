"""HTTP: self-employment guidance: counsellors, sessions, outcomes, survival checks."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from alize_contracts import Territory
from fastapi import APIRouter, Path, Response

from missions import views
from missions.domain.commands import (
    AddCounsellor,
    EraseCounsellor,
    FirmIdAsGiven,
    GuidanceSession,
    LogGuidanceSession,
    ParticipantOutcome,
    RecordOutcome,
    ReportSurvival,
    SurvivalCheck,
)
from missions.entrypoints import Bus, IdempotencyKey, Pool

router = APIRouter(tags=["guidance"])


@router.post("/counsellors", status_code=201, response_model=views.NewCounsellor)
async def add_counsellor(body: AddCounsellor, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    return await bus.execute(body, idempotency_key=idempotency_key, view=views.new_counsellor)


@router.delete("/counsellors/{counsellor_id}", status_code=204)
async def erase_counsellor(counsellor_id: UUID, bus: Bus, idempotency_key: IdempotencyKey = None) -> Response:
    """Erasure request: the counsellor's name and e-mail are removed; the sessions they held stay."""
    await bus.execute(EraseCounsellor(counsellor_id=counsellor_id), idempotency_key=idempotency_key)
    return Response(status_code=204)


@router.get("/guidance")
async def tracks(db: Pool, territory: Territory | None = None) -> list[dict[str, Any]]:
    """Guidance tracks: approved self-employment projects, with their sessions and outcome."""
    return await views.tracks(db, territory)


@router.post("/guidance/{application_id}/sessions", status_code=201, response_model=views.LoggedSession)
async def log_session(
    application_id: UUID, body: GuidanceSession, bus: Bus, idempotency_key: IdempotencyKey = None
) -> Any:
    command = LogGuidanceSession(application_id=application_id, session=body)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.logged_session)


@router.post("/guidance/{application_id}/outcome", status_code=201, response_model=ParticipantOutcome)
async def record_outcome(
    application_id: UUID, body: ParticipantOutcome, bus: Bus, idempotency_key: IdempotencyKey = None
) -> Any:
    await bus.execute(RecordOutcome(application_id=application_id, outcome=body), idempotency_key=idempotency_key)
    return body


@router.post("/businesses/{firm_id}/survival-checks", status_code=201, response_model=SurvivalCheck)
async def report_survival(
    firm_id: Annotated[FirmIdAsGiven, Path()], body: SurvivalCheck, bus: Bus, idempotency_key: IdempotencyKey = None
) -> Any:
    """Is a firm created through guidance still active one, two, three years after its creation?"""
    await bus.execute(ReportSurvival(firm_id=firm_id, check=body), idempotency_key=idempotency_key)
    return body
