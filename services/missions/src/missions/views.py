"""What missions' HTTP API shows: read models and the queries behind them (reads only)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from alize_chassis.db import Conn
from alize_chassis.errors import NotFound
from pydantic import BaseModel, Field

from missions.adapters import advances as advance_store
from missions.adapters import missions as mission_store
from missions.domain.advances import Advance
from missions.domain.guidance import Session
from missions.domain.jobs import Declaration
from missions.domain.missions import Day, DayStatus, Mission

# --- missions ------------------------------------------------------------------------


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


def mission_view(mission: Mission) -> MissionView:
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


async def mission(conn: Conn, mission_id: UUID) -> MissionView:
    found = await mission_store.mission(conn, mission_id)
    if found is None:
        raise NotFound(f"no mission {mission_id}")
    return mission_view(found)


async def the_mission(_: Conn, changed: Mission) -> MissionView:
    """A command's mission as the route shows it: the handler returns it whole (read after its
    lock, with the command's change), so it is not read again."""
    return mission_view(changed)


async def missions(conn: Conn, application_id: UUID | None, territory: str | None) -> list[MissionView]:
    return [mission_view(m) for m in await mission_store.list_missions(conn, application_id, territory)]


async def days(conn: Conn, mission_id: UUID) -> list[dict[str, Any]]:
    if not await conn.fetchval("SELECT true FROM missions WHERE id = $1", mission_id):
        raise NotFound(f"no mission {mission_id}")
    rows = await conn.fetch(
        "SELECT id AS day_id, worked_on, days, competence, status, dispute_reason FROM mission_days "
        "WHERE mission_id = $1 ORDER BY worked_on, logged_at",
        mission_id,
    )
    return [dict(r) for r in rows]


# A command's response is a model: the route names it (response_model), so OpenAPI documents it.


class LoggedDay(BaseModel):
    day_id: UUID
    mission_id: UUID


async def logged_day(_: Conn, day: Day) -> LoggedDay:
    return LoggedDay(day_id=day.id, mission_id=day.mission_id)


class ReviewedDay(BaseModel):
    day_id: UUID
    status: DayStatus


async def reviewed_day(_: Conn, day: Day) -> ReviewedDay:
    return ReviewedDay(day_id=day.id, status=day.status)


# --- jobs ----------------------------------------------------------------------------


class DeclaredJobs(BaseModel):
    application_id: UUID
    as_of: date
    headcount: int
    jobs_created: int
    jobs_maintained: int


async def the_declaration(_: Conn, declaration: Declaration) -> DeclaredJobs:
    return DeclaredJobs(
        application_id=declaration.application_id,
        as_of=declaration.as_of,
        headcount=declaration.headcount,
        jobs_created=declaration.jobs_created,
        jobs_maintained=declaration.jobs_maintained,
    )


async def declarations(conn: Conn, application_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT id AS declaration_id, as_of, headcount, baseline_headcount, jobs_created, jobs_maintained, declared_at
        FROM job_declarations WHERE application_id = $1 ORDER BY as_of, declared_at
        """,
        application_id,
    )
    return [dict(r) for r in rows]


# --- advances ------------------------------------------------------------------------


class InstallmentView(BaseModel):
    due_on: date
    amount_cents: int


class AdvanceView(BaseModel):
    advance_id: UUID
    application_id: UUID
    territory: str
    firm_id: str | None
    amount_cents: int
    disbursed_on: date | None
    schedule: list[InstallmentView]
    repaid_cents: int
    written_off_cents: int
    outstanding_cents: int
    arrears_cents: int = Field(description="Installments due by today and not repaid.")


def advance_view(advance: Advance) -> AdvanceView:
    return AdvanceView(
        advance_id=advance.id,
        application_id=advance.application_id,
        territory=advance.territory,
        firm_id=advance.firm_id,
        amount_cents=advance.amount_cents,
        disbursed_on=advance.disbursed_on,
        schedule=[InstallmentView(due_on=i.due_on, amount_cents=i.amount_cents) for i in advance.installments],
        repaid_cents=advance.repaid_cents,
        written_off_cents=advance.written_off_cents,
        outstanding_cents=advance.outstanding_cents,
        arrears_cents=advance.arrears_cents(datetime.now(UTC).date()),
    )


async def the_advance(_: Conn, changed: Advance) -> AdvanceView:
    """A command's advance as the route shows it."""
    return advance_view(changed)


async def advance(conn: Conn, advance_id: UUID) -> AdvanceView:
    found = await advance_store.advance(conn, advance_id)
    if found is None:
        raise NotFound(f"no advance {advance_id}")
    return advance_view(found)


async def advances(conn: Conn, application_id: UUID | None, territory: str | None) -> list[AdvanceView]:
    return [advance_view(a) for a in await advance_store.list_advances(conn, application_id, territory)]


# --- guidance ------------------------------------------------------------------------


class NewCounsellor(BaseModel):
    counsellor_id: UUID


async def new_counsellor(_: Conn, counsellor_id: UUID) -> NewCounsellor:
    return NewCounsellor(counsellor_id=counsellor_id)


class LoggedSession(BaseModel):
    session_id: UUID
    application_id: UUID


async def logged_session(_: Conn, session: Session) -> LoggedSession:
    return LoggedSession(session_id=session.id, application_id=session.application_id)


async def tracks(conn: Conn, territory: str | None) -> list[dict[str, Any]]:
    """Guidance tracks: approved self-employment projects, with their sessions and outcome."""
    rows = await conn.fetch(
        """
        SELECT p.application_id, p.territory, p.approved_on, o.outcome, o.firm_id,
               (SELECT count(*) FROM guidance_sessions s WHERE s.application_id = p.application_id)::int AS sessions
        FROM projects p LEFT JOIN participant_outcomes o USING (application_id)
        WHERE p.programme = 'self_employment' AND ($1::text IS NULL OR p.territory = $1)
        ORDER BY p.approved_on, p.application_id
        """,
        territory,
    )
    return [dict(r) for r in rows]
