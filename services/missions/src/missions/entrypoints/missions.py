"""Missions: window setting, conventions, days and their review, closure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from alize_chassis.api import Strict
from alize_chassis.errors import NotFound
from alize_contracts import Territory
from alize_contracts.dates import PastDate, PlannedDate
from alize_contracts.events import CompetenceCode, DayLength, Satisfaction, Text
from fastapi import APIRouter
from pydantic import BaseModel, EmailStr, Field

from missions.adapters import missions as adapters
from missions.domain.missions import WINDOW_RANGE, Mission
from missions.entrypoints import ActingParty, Pool
from missions.service_layer import missions as service

router = APIRouter(tags=["missions"])


class Window(Strict):
    months: Annotated[int, Field(ge=WINDOW_RANGE[0], le=WINDOW_RANGE[1])] = Field(
        description="How long after approval a mission may run."
    )


class Expert(Strict):
    """The lent employee: personal data, kept in the missions database only."""

    full_name: Annotated[str, Field(min_length=1, max_length=200)]
    email: EmailStr
    job_title: Annotated[str, Field(max_length=200)] | None = None


class ConventionTerms(Strict):
    expert: Expert
    starts_on: PlannedDate
    ends_on: PlannedDate
    signed_on: PastDate | None = Field(default=None, description="Give it when both firms have signed already.")


class Signature(Strict):
    signed_on: PastDate


class LogDay(Strict):
    worked_on: PastDate
    days: DayLength = Field(description="0.5 for a half day, 1 for a full day.")
    competence: CompetenceCode | None = None


class Dispute(Strict):
    reason: Annotated[Text, Field(min_length=3)]


class Closure(Strict):
    closed_on: PastDate
    satisfaction: Satisfaction = Field(description="The host firm's evaluation, 1 to 5.")
    comment: Annotated[str, Field(max_length=2000)] | None = None


class MissionView(BaseModel):
    mission_id: UUID
    application_id: UUID
    territory: str
    firm_id: str | None
    partner_id: UUID | None
    competence: str | None
    days_budget: float
    days_used: float
    days_awaiting_review: int
    approved_on: date
    window_ends_on: date
    convention_starts_on: date | None
    convention_ends_on: date | None
    convention_signed_on: date | None
    closed_on: date | None


def _view(mission: Mission) -> MissionView:
    convention = mission.convention
    return MissionView(
        mission_id=mission.id,
        application_id=mission.application_id,
        territory=mission.territory,
        firm_id=mission.firm_id,
        partner_id=mission.partner_id,
        competence=mission.competence,
        days_budget=float(mission.days_budget),
        days_used=float(mission.days_used),
        days_awaiting_review=mission.days_awaiting_review,
        approved_on=mission.approved_on,
        window_ends_on=mission.window_ends_on,
        convention_starts_on=convention.starts_on if convention else None,
        convention_ends_on=convention.ends_on if convention else None,
        convention_signed_on=convention.signed_on if convention else None,
        closed_on=mission.closed_on,
    )


async def _current(db: Pool, mission_id: UUID) -> MissionView:
    found = await adapters.mission(db, mission_id)
    if found is None:
        raise NotFound(f"no mission {mission_id}")
    return _view(found)


@router.put("/territories/{territory}/mission-window")
async def set_window(territory: Territory, body: Window, db: Pool) -> Window:
    async with db.acquire() as conn, conn.transaction():
        await service.set_window(conn, territory, body.months)
    return body


@router.get("/missions")
async def missions(db: Pool, application_id: UUID | None = None) -> list[MissionView]:
    return [_view(m) for m in await adapters.list_missions(db, application_id)]


@router.get("/missions/{mission_id}")
async def get_mission(mission_id: UUID, db: Pool) -> MissionView:
    return await _current(db, mission_id)


@router.put("/missions/{mission_id}/convention")
async def draw_up_convention(mission_id: UUID, body: ConventionTerms, db: Pool) -> MissionView:
    """The staff-loan convention: the expert lent, the dates (inside the mission window), signed or not yet."""
    async with db.acquire() as conn, conn.transaction():
        await service.draw_up_convention(
            conn, mission_id, body.expert.model_dump(), body.starts_on, body.ends_on, body.signed_on
        )
    return await _current(db, mission_id)


@router.post("/missions/{mission_id}/convention/signature")
async def sign_convention(mission_id: UUID, body: Signature, db: Pool) -> MissionView:
    async with db.acquire() as conn, conn.transaction():
        await service.sign_convention(conn, mission_id, body.signed_on)
    return await _current(db, mission_id)


@router.post("/missions/{mission_id}/days", status_code=201)
async def log_day(mission_id: UUID, body: LogDay, party: ActingParty, db: Pool) -> dict[str, UUID]:
    """A day the lending partner logs: on a signed convention, inside its dates, within the budget."""
    async with db.acquire() as conn, conn.transaction():
        day = await service.log_day(conn, party, mission_id, body.worked_on, Decimal(str(body.days)), body.competence)
    return {"day_id": day.id, "mission_id": mission_id}


@router.get("/missions/{mission_id}/days")
async def days(mission_id: UUID, db: Pool) -> list[dict[str, object]]:
    await _current(db, mission_id)
    return await adapters.list_days(db, mission_id)


@router.post("/missions/{mission_id}/days/{day_id}/confirmation")
async def confirm_day(mission_id: UUID, day_id: UUID, party: ActingParty, db: Pool) -> dict[str, str]:
    """The host firm confirms a day: only confirmed days count as delivered."""
    async with db.acquire() as conn, conn.transaction():
        day = await service.review_day(conn, party, mission_id, day_id, confirmed=True, reason=None)
    return {"day_id": str(day.id), "status": day.status}


@router.post("/missions/{mission_id}/days/{day_id}/dispute")
async def dispute_day(mission_id: UUID, day_id: UUID, body: Dispute, party: ActingParty, db: Pool) -> dict[str, str]:
    async with db.acquire() as conn, conn.transaction():
        day = await service.review_day(conn, party, mission_id, day_id, confirmed=False, reason=body.reason)
    return {"day_id": str(day.id), "status": day.status}


@router.post("/missions/{mission_id}/closure")
async def close(mission_id: UUID, body: Closure, party: ActingParty, db: Pool) -> MissionView:
    """The host firm closes the mission with its evaluation (the comment stays in this service)."""
    async with db.acquire() as conn, conn.transaction():
        await service.close(conn, party, mission_id, body.closed_on, body.satisfaction, body.comment)
    return await _current(db, mission_id)
