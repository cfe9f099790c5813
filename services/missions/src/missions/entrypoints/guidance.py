"""Self-employment guidance: counsellors, sessions, outcomes, survival checks."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from alize_chassis.api import Strict
from alize_contracts import Territory
from alize_contracts.dates import PastDate
from alize_contracts.events import DayLength
from fastapi import APIRouter, Path
from pydantic import EmailStr, Field

from missions.adapters import guidance as adapters
from missions.entrypoints import Pool
from missions.service_layer import guidance as service

router = APIRouter(tags=["guidance"])
FirmIdAsGiven = Annotated[str, Field(max_length=32)]
"""A SIREN, SIRET or Belgian enterprise number as typed (normalised by python-stdnum)."""


class Counsellor(Strict):
    """Personal data, kept in the missions database only."""

    territory: Territory
    full_name: Annotated[str, Field(min_length=1, max_length=200)]
    email: EmailStr


class GuidanceSession(Strict):
    counsellor_id: UUID
    held_on: PastDate
    days: DayLength = Field(description="0.5 for a half day, 1 for a full day.")


class ParticipantOutcome(Strict):
    outcome: Literal["firm_created", "employment", "left_programme"]
    recorded_on: PastDate
    firm_id: FirmIdAsGiven | None = Field(default=None, description="For firm_created.")
    created_on: PastDate | None = Field(default=None, description="For firm_created: the firm's creation date.")


class SurvivalCheck(Strict):
    years: Literal[1, 2, 3]
    active: bool
    checked_on: PastDate


@router.post("/counsellors", status_code=201)
async def add_counsellor(body: Counsellor, db: Pool) -> dict[str, UUID]:
    async with db.acquire() as conn, conn.transaction():
        counsellor_id = await service.add_counsellor(conn, body.territory, body.full_name, body.email)
    return {"counsellor_id": counsellor_id}


@router.get("/guidance")
async def tracks(db: Pool, territory: Territory | None = None) -> list[dict[str, Any]]:
    """Guidance tracks: approved self-employment projects, with their sessions and outcome."""
    return await adapters.list_tracks(db, territory)


@router.post("/guidance/{application_id}/sessions", status_code=201)
async def log_session(application_id: UUID, body: GuidanceSession, db: Pool) -> dict[str, UUID]:
    async with db.acquire() as conn, conn.transaction():
        session_id = await service.log_session(
            conn, application_id, body.counsellor_id, body.held_on, Decimal(str(body.days))
        )
    return {"session_id": session_id, "application_id": application_id}


@router.post("/guidance/{application_id}/outcome", status_code=201)
async def record_outcome(application_id: UUID, body: ParticipantOutcome, db: Pool) -> ParticipantOutcome:
    async with db.acquire() as conn, conn.transaction():
        await service.record_outcome(
            conn, application_id, body.outcome, body.recorded_on, body.firm_id, body.created_on
        )
    return body


@router.post("/businesses/{firm_id}/survival-checks", status_code=201)
async def report_survival(firm_id: Annotated[FirmIdAsGiven, Path()], body: SurvivalCheck, db: Pool) -> SurvivalCheck:
    """Is a firm created through guidance still active one, two, three years after its creation?"""
    async with db.acquire() as conn, conn.transaction():
        await service.report_survival(conn, firm_id, body.years, body.active, body.checked_on)
    return body
