"""HTTP: the territories' mission window; missions, their conventions, days and their review, closure."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from alize_chassis.access import Target
from alize_contracts import Territory
from fastapi import APIRouter, Response

from missions import views
from missions.domain.commands import (
    CloseMission,
    Closure,
    ConfirmDay,
    ConventionTerms,
    Dispute,
    DisputeDay,
    DrawUpConvention,
    EraseEvaluationComment,
    EraseExpert,
    LogDay,
    LogMissionDay,
    SetMissionWindow,
    Signature,
    SignConvention,
    Window,
)
from missions.entrypoints import ActingFirm, ActingPartner, Bus, Caller, IdempotencyKey, Pool

router = APIRouter(tags=["missions"])


@router.put("/territories/{territory}/mission-window", response_model=Window)
async def set_window(territory: Territory, body: Window, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    await bus.execute(SetMissionWindow(territory=territory, window=body), idempotency_key=idempotency_key)
    return body


@router.get("/missions")
async def missions(
    db: Pool, access: Caller, territory: Territory | None = None, application_id: UUID | None = None
) -> list[views.MissionView]:
    """A partner company or a host firm sees its own missions only."""
    found = await views.missions(db, application_id, territory)
    return [m for m in found if access.sees(Target.of(m.territory, partner_id=m.partner_id, firm_id=m.firm_id))]


@router.get("/missions/{mission_id}")
async def get_mission(mission_id: UUID, db: Pool) -> views.MissionView:
    return await views.mission(db, mission_id)


@router.put("/missions/{mission_id}/convention", response_model=views.MissionView)
async def draw_up_convention(
    mission_id: UUID, body: ConventionTerms, bus: Bus, idempotency_key: IdempotencyKey = None
) -> Any:
    """The staff-loan convention: the expert lent, the dates (inside the mission window), signed or not yet."""
    command = DrawUpConvention(mission_id=mission_id, terms=body)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.the_mission)


@router.post("/missions/{mission_id}/convention/signature", response_model=views.MissionView)
async def sign_convention(mission_id: UUID, body: Signature, bus: Bus, idempotency_key: IdempotencyKey = None) -> Any:
    command = SignConvention(mission_id=mission_id, signature=body)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.the_mission)


@router.post("/missions/{mission_id}/days", status_code=201, response_model=views.LoggedDay)
async def log_day(
    mission_id: UUID, body: LogDay, party: ActingPartner, bus: Bus, idempotency_key: IdempotencyKey = None
) -> Any:
    """A day the lending partner logs: on a signed convention, inside its dates, within the budget."""
    command = LogMissionDay(party=party, mission_id=mission_id, day=body)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.logged_day)


@router.get("/missions/{mission_id}/days")
async def days(mission_id: UUID, db: Pool) -> list[dict[str, object]]:
    return await views.days(db, mission_id)


@router.post("/missions/{mission_id}/days/{day_id}/confirmation", response_model=views.ReviewedDay)
async def confirm_day(
    mission_id: UUID, day_id: UUID, party: ActingFirm, bus: Bus, idempotency_key: IdempotencyKey = None
) -> Any:
    """The host firm confirms a day: only confirmed days count as delivered."""
    command = ConfirmDay(party=party, mission_id=mission_id, day_id=day_id)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.reviewed_day)


@router.post("/missions/{mission_id}/days/{day_id}/dispute", response_model=views.ReviewedDay)
async def dispute_day(
    mission_id: UUID,
    day_id: UUID,
    body: Dispute,
    party: ActingFirm,
    bus: Bus,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    command = DisputeDay(party=party, mission_id=mission_id, day_id=day_id, dispute=body)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.reviewed_day)


@router.post("/missions/{mission_id}/closure", response_model=views.MissionView)
async def close(
    mission_id: UUID, body: Closure, party: ActingFirm, bus: Bus, idempotency_key: IdempotencyKey = None
) -> Any:
    """The host firm closes the mission with its evaluation (the comment stays in this service)."""
    command = CloseMission(party=party, mission_id=mission_id, closure=body)
    return await bus.execute(command, idempotency_key=idempotency_key, view=views.the_mission)


@router.delete("/missions/{mission_id}/expert", status_code=204)
async def erase_expert(mission_id: UUID, bus: Bus, idempotency_key: IdempotencyKey = None) -> Response:
    """Erasure request: the lent expert's name, e-mail and job title are removed; the mission stays."""
    await bus.execute(EraseExpert(mission_id=mission_id), idempotency_key=idempotency_key)
    return Response(status_code=204)


@router.delete("/missions/{mission_id}/closure/comment", status_code=204)
async def erase_evaluation_comment(mission_id: UUID, bus: Bus, idempotency_key: IdempotencyKey = None) -> Response:
    """Erasure request: the closure's evaluation comment (it may name a person) is removed."""
    await bus.execute(EraseEvaluationComment(mission_id=mission_id), idempotency_key=idempotency_key)
    return Response(status_code=204)
