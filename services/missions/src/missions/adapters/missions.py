"""Projects (from the committee's events), missions, conventions and days."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from alize_contracts import MissionDayLogged, ProjectApproved
from alize_contracts.events import (
    MissionAmended,
    MissionClosed,
    MissionConventionSigned,
    MissionDayConfirmed,
    MissionDayDisputed,
    MissionOpened,
)

from missions.adapters import Conn
from missions.domain.missions import DEFAULT_WINDOW_MONTHS, Convention, Day, Mission

# --- projects --------------------------------------------------------------------------


async def add_project(conn: Conn, event: ProjectApproved, trace_context: dict[str, str]) -> bool:
    """Record the approved project; False when it was already known."""
    inserted = await conn.fetchval(
        """
        INSERT INTO projects (application_id, territory, programme, firm_id, trace_context, baseline_headcount,
            approved_on)
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (application_id) DO NOTHING RETURNING true
        """,
        event.application_id,
        event.territory,
        event.programme,
        event.firm_id,
        trace_context,
        event.baseline_headcount,
        event.decided_at.date(),
    )
    return bool(inserted)


async def project(conn: Conn, application_id: UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow("SELECT * FROM projects WHERE application_id = $1", application_id)
    return dict(row) if row else None


async def window_months(conn: Conn, territory: str) -> int:
    months = await conn.fetchval("SELECT mission_window_months FROM territory_settings WHERE territory = $1", territory)
    return int(months) if months else DEFAULT_WINDOW_MONTHS


async def set_window_months(conn: Conn, territory: str, months: int) -> None:
    await conn.execute(
        """
        INSERT INTO territory_settings (territory, mission_window_months) VALUES ($1, $2)
        ON CONFLICT (territory) DO UPDATE SET mission_window_months = EXCLUDED.mission_window_months
        """,
        territory,
        months,
    )


# --- missions --------------------------------------------------------------------------

_MISSION = """
    SELECT m.id, m.application_id, p.territory, p.firm_id, m.partner_id, m.competence, m.days_budget,
           coalesce(p.approved_on, m.opened_at::date) AS approved_on, m.window_ends_on, m.closed_on,
           m.expert_id, m.starts_on, m.ends_on, m.signed_on,
           coalesce((SELECT sum(days) FROM mission_days d WHERE d.mission_id = m.id AND d.status <> 'disputed'), 0)
               AS days_used,
           (SELECT count(*) FROM mission_days d WHERE d.mission_id = m.id AND d.status = 'logged')::int
               AS days_awaiting_review
    FROM missions m JOIN projects p USING (application_id)
"""


def _mission(row: Any) -> Mission:
    values = dict(row)
    expert_id, starts_on, ends_on, signed_on = (
        values.pop("expert_id"),
        values.pop("starts_on"),
        values.pop("ends_on"),
        values.pop("signed_on"),
    )
    convention = Convention(expert_id, starts_on, ends_on, signed_on) if expert_id else None
    return Mission(**values, convention=convention)


async def open_mission(conn: Conn, mission: Mission) -> None:
    await conn.execute(
        """
        INSERT INTO missions (id, application_id, days_budget, partner_id, competence, window_ends_on)
        VALUES ($1, $2, $3, $4, $5, $6)
        """,
        mission.id,
        mission.application_id,
        mission.days_budget,
        mission.partner_id,
        mission.competence,
        mission.window_ends_on,
    )


async def mission(conn: Conn, mission_id: UUID, *, for_update: bool = False) -> Mission | None:
    lock = " FOR UPDATE OF m" if for_update else ""
    row = await conn.fetchrow(f"{_MISSION} WHERE m.id = $1{lock}", mission_id)
    return _mission(row) if row else None


async def mission_for_assignment(conn: Conn, application_id: UUID, partner_id: UUID, competence: str) -> Mission | None:
    row = await conn.fetchrow(
        f"{_MISSION} WHERE m.application_id = $1 AND m.partner_id = $2 AND m.competence = $3 FOR UPDATE OF m",
        application_id,
        partner_id,
        competence,
    )
    return _mission(row) if row else None


async def list_missions(conn: Conn, application_id: UUID | None) -> list[Mission]:
    rows = await conn.fetch(
        f"{_MISSION} WHERE $1::uuid IS NULL OR m.application_id = $1 ORDER BY m.opened_at, m.id", application_id
    )
    return [_mission(r) for r in rows]


async def save_budget(conn: Conn, mission: Mission) -> None:
    await conn.execute("UPDATE missions SET days_budget = $2 WHERE id = $1", mission.id, mission.days_budget)


async def add_expert(conn: Conn, expert_id: UUID, expert: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO experts (id, full_name, email, job_title) VALUES ($1, $2, $3, $4)",
        expert_id,
        expert["full_name"],
        expert["email"],
        expert.get("job_title"),
    )


async def save_convention(conn: Conn, mission: Mission) -> None:
    convention = mission.convention
    assert convention is not None
    await conn.execute(
        "UPDATE missions SET expert_id = $2, starts_on = $3, ends_on = $4, signed_on = $5 WHERE id = $1",
        mission.id,
        convention.expert_id,
        convention.starts_on,
        convention.ends_on,
        convention.signed_on,
    )


async def save_closure(conn: Conn, mission: Mission, satisfaction: int, comment: str | None) -> None:
    await conn.execute(
        "UPDATE missions SET closed_on = $2, satisfaction = $3, evaluation_comment = $4 WHERE id = $1",
        mission.id,
        mission.closed_on,
        satisfaction,
        comment,
    )


# --- days --------------------------------------------------------------------------------


async def days_on(conn: Conn, mission_id: UUID, worked_on: date) -> Decimal:
    value: Decimal = await conn.fetchval(
        "SELECT coalesce(sum(days), 0) FROM mission_days "
        "WHERE mission_id = $1 AND worked_on = $2 AND status <> 'disputed'",
        mission_id,
        worked_on,
    )
    return value


async def add_day(conn: Conn, day: Day, competence: str | None) -> None:
    await conn.execute(
        "INSERT INTO mission_days (id, mission_id, worked_on, days, competence) VALUES ($1, $2, $3, $4, $5)",
        day.id,
        day.mission_id,
        day.worked_on,
        day.days,
        competence,
    )


async def day_for_update(conn: Conn, mission_id: UUID, day_id: UUID) -> Day | None:
    row = await conn.fetchrow(
        "SELECT id, mission_id, worked_on, days, status FROM mission_days WHERE id = $1 AND mission_id = $2 FOR UPDATE",
        day_id,
        mission_id,
    )
    return Day(**dict(row)) if row else None


async def save_review(conn: Conn, day: Day, reason: str | None) -> None:
    await conn.execute(
        "UPDATE mission_days SET status = $2, dispute_reason = $3, reviewed_at = now() WHERE id = $1",
        day.id,
        day.status,
        reason,
    )


async def days_delivered(conn: Conn, mission_id: UUID) -> Decimal:
    value: Decimal = await conn.fetchval(
        "SELECT coalesce(sum(days), 0) FROM mission_days WHERE mission_id = $1 AND status = 'confirmed'", mission_id
    )
    return value


async def list_days(conn: Conn, mission_id: UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id AS day_id, worked_on, days, competence, status, dispute_reason FROM mission_days "
        "WHERE mission_id = $1 ORDER BY worked_on, logged_at",
        mission_id,
    )
    return [dict(r) for r in rows]


# --- events ------------------------------------------------------------------------------


def opened_event(mission: Mission) -> MissionOpened:
    return MissionOpened(
        territory=mission.territory,
        mission_id=mission.id,
        application_id=mission.application_id,
        firm_id=mission.firm_id,
        partner_id=mission.partner_id,
        competence=mission.competence,
        days_contracted=float(mission.days_budget),
        window_ends_on=mission.window_ends_on,
    )


def signed_event(mission: Mission) -> MissionConventionSigned:
    convention = mission.convention
    assert convention is not None and convention.signed_on is not None
    return MissionConventionSigned(
        territory=mission.territory,
        mission_id=mission.id,
        application_id=mission.application_id,
        expert_ref=convention.expert_id,
        competence=mission.competence,
        starts_on=convention.starts_on,
        ends_on=convention.ends_on,
        signed_on=convention.signed_on,
    )


def day_logged_event(mission: Mission, day: Day, competence: str | None) -> MissionDayLogged:
    return MissionDayLogged(
        territory=mission.territory,
        mission_id=mission.id,
        day_id=day.id,
        application_id=mission.application_id,
        worked_on=day.worked_on,
        days=float(day.days),
        competence=competence,
    )


def day_reviewed_event(mission: Mission, day: Day, reason: str | None) -> MissionDayConfirmed | MissionDayDisputed:
    common: dict[str, Any] = {
        "territory": mission.territory,
        "mission_id": mission.id,
        "day_id": day.id,
        "application_id": mission.application_id,
        "worked_on": day.worked_on,
        "days": float(day.days),
    }
    if day.status == "confirmed":
        return MissionDayConfirmed(**common)
    assert reason is not None
    return MissionDayDisputed(**common, reason=reason)


def amended_event(mission: Mission, session_id: UUID, additional: Decimal) -> MissionAmended:
    return MissionAmended(
        territory=mission.territory,
        mission_id=mission.id,
        application_id=mission.application_id,
        session_id=session_id,
        additional_days=float(additional),
        days_contracted=float(mission.days_budget),
    )


def closed_event(mission: Mission, delivered: Decimal, satisfaction: int) -> MissionClosed:
    assert mission.closed_on is not None
    return MissionClosed(
        territory=mission.territory,
        mission_id=mission.id,
        application_id=mission.application_id,
        closed_on=mission.closed_on,
        days_delivered=float(delivered),
        satisfaction=satisfaction,
    )
