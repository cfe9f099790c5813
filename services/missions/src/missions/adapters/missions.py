"""Projects (from the committee's events), missions, conventions and days in PostgreSQL.
Locking reads are named `<thing>_for_update`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
from alize_chassis.access import Target
from alize_chassis.db import Conn
from alize_chassis.journey import Journey, with_journey

from missions.domain.commands import Expert
from missions.domain.missions import Convention, Day, Mission
from missions.domain.projects import Project

# --- projects --------------------------------------------------------------------------


async def add_project(conn: Conn, project: Project, trace_context: Journey) -> bool:
    """Record the approved project; False when it was already known."""
    inserted = await conn.fetchval(
        """
        INSERT INTO projects (application_id, territory, programme, firm_id, trace_context, baseline_headcount,
            approved_on)
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (application_id) DO NOTHING RETURNING true
        """,
        project.application_id,
        project.territory,
        project.programme,
        project.firm_id,
        trace_context,
        project.baseline_headcount,
        project.approved_on,
    )
    return bool(inserted)


async def project(conn: Conn, application_id: UUID) -> tuple[Project, Journey] | None:
    """The approved project and its journey (the application's trace context)."""
    row = await conn.fetchrow(
        "SELECT application_id, territory, programme, firm_id, approved_on, baseline_headcount, trace_context "
        "FROM projects WHERE application_id = $1",
        application_id,
    )
    if row is None:
        return None
    values, journey = with_journey(row)
    return Project(**values), journey


async def window_months(conn: Conn, territory: str) -> int | None:
    """The territory's mission window, None where it set none."""
    months: int | None = await conn.fetchval(
        "SELECT mission_window_months FROM territory_settings WHERE territory = $1", territory
    )
    return months


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
           m.expert_id, m.starts_on, m.ends_on, m.signed_on, d.days_used, d.days_awaiting_review, d.days_delivered
    FROM missions m JOIN projects p USING (application_id)
    LEFT JOIN LATERAL (  -- the mission's days in one pass (an aggregate gives one row, days or none)
        SELECT coalesce(sum(md.days) FILTER (WHERE md.status <> 'disputed'), 0) AS days_used,
               (count(*) FILTER (WHERE md.status = 'logged'))::int AS days_awaiting_review,
               coalesce(sum(md.days) FILTER (WHERE md.status = 'confirmed'), 0) AS days_delivered
        FROM mission_days md WHERE md.mission_id = m.id
    ) d ON true
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


async def mission(conn: Conn, mission_id: UUID) -> Mission | None:
    row = await conn.fetchrow(f"{_MISSION} WHERE m.id = $1", mission_id)
    return _mission(row) if row else None


async def mission_for_update(conn: asyncpg.Connection, mission_id: UUID) -> tuple[Mission, Journey] | None:
    """The mission, locked, and its project's journey."""
    journey = await conn.fetchval(
        "SELECT p.trace_context FROM missions m JOIN projects p USING (application_id) WHERE m.id = $1 FOR UPDATE OF m",
        mission_id,
    )
    if journey is None:
        return None
    found = await mission(conn, mission_id)  # read after the lock (missions.adapters)
    assert found is not None
    return found, journey


async def assigned_mission_for_update(
    conn: asyncpg.Connection, application_id: UUID, partner_id: UUID, competence: str
) -> Mission | None:
    """The mission of a partner and a competence on a project, locked."""
    mission_id = await conn.fetchval(
        "SELECT id FROM missions WHERE application_id = $1 AND partner_id = $2 AND competence = $3 FOR UPDATE",
        application_id,
        partner_id,
        competence,
    )
    return await mission(conn, mission_id) if mission_id else None  # read after the lock (missions.adapters)


async def list_missions(conn: Conn, application_id: UUID | None, territory: str | None) -> list[Mission]:
    rows = await conn.fetch(
        f"{_MISSION} WHERE ($1::uuid IS NULL OR m.application_id = $1) AND ($2::text IS NULL OR p.territory = $2) "
        "ORDER BY m.opened_at, m.id",
        application_id,
        territory,
    )
    return [_mission(r) for r in rows]


async def save_budget(conn: Conn, mission: Mission) -> None:
    await conn.execute("UPDATE missions SET days_budget = $2 WHERE id = $1", mission.id, mission.days_budget)


async def erase_expert(conn: Conn, mission_id: UUID) -> bool:
    """The personal data of the expert lent on `mission_id`'s convention removed; False: no expert there."""
    erased = await conn.fetchval(
        """
        UPDATE experts e SET full_name = NULL, email = NULL, job_title = NULL, erased_at = coalesce(e.erased_at, now())
        FROM missions m WHERE m.id = $1 AND m.expert_id = e.id RETURNING true
        """,
        mission_id,
    )
    return bool(erased)


async def erase_evaluation_comment(conn: Conn, mission_id: UUID) -> None:
    await conn.execute(
        "UPDATE missions SET evaluation_comment = NULL,"
        " evaluation_comment_erased_at = coalesce(evaluation_comment_erased_at, now()) WHERE id = $1",
        mission_id,
    )


async def add_expert(conn: Conn, expert_id: UUID, expert: Expert) -> None:
    await conn.execute(
        "INSERT INTO experts (id, full_name, email, job_title) VALUES ($1, $2, $3, $4)",
        expert_id,
        expert.full_name,
        expert.email,
        expert.job_title,
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


async def add_day(conn: Conn, day: Day) -> None:
    await conn.execute(
        "INSERT INTO mission_days (id, mission_id, worked_on, days, competence) VALUES ($1, $2, $3, $4, $5)",
        day.id,
        day.mission_id,
        day.worked_on,
        day.days,
        day.competence,
    )


async def day_for_update(conn: asyncpg.Connection, mission_id: UUID, day_id: UUID) -> Day | None:
    row = await conn.fetchrow(
        "SELECT id, mission_id, worked_on, days, status, competence FROM mission_days "
        "WHERE id = $1 AND mission_id = $2 FOR UPDATE",
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


async def mission_target(db: Conn, mission_id: str) -> Target | None:
    """A mission: its partner company and its host firm each own it."""
    row = await db.fetchrow(
        "SELECT p.territory, p.firm_id, m.partner_id FROM missions m JOIN projects p USING (application_id) "
        "WHERE m.id = $1",
        UUID(mission_id),
    )
    return Target.of(row["territory"], firm_id=row["firm_id"], partner_id=row["partner_id"]) if row else None


async def project_target(db: Conn, application_id: str) -> Target | None:
    row = await db.fetchrow("SELECT territory, firm_id FROM projects WHERE application_id = $1", UUID(application_id))
    return Target.of(row["territory"], firm_id=row["firm_id"]) if row else None
