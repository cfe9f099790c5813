"""Guidance tracks (approved self-employment projects), counsellors, outcomes, businesses in
PostgreSQL. Locking reads are named `<thing>_for_update`."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg
from alize_chassis.access import Target
from alize_chassis.db import Conn
from alize_chassis.identifiers import normalise_firm_id
from alize_chassis.journey import Journey, with_journey

from missions.domain.guidance import Business, Outcome, Session, Track


async def add_counsellor(conn: Conn, counsellor_id: UUID, territory: str, full_name: str, email: str) -> None:
    await conn.execute(
        "INSERT INTO counsellors (id, territory, full_name, email) VALUES ($1, $2, $3, $4)",
        counsellor_id,
        territory,
        full_name,
        email,
    )


async def erase_counsellor(conn: Conn, counsellor_id: UUID) -> bool:
    erased = await conn.fetchval(
        "UPDATE counsellors SET full_name = NULL, email = NULL, erased_at = coalesce(erased_at, now())"
        " WHERE id = $1 RETURNING true",
        counsellor_id,
    )
    return bool(erased)


async def counsellor_target(db: Conn, counsellor_id: str) -> Target | None:
    territory = await counsellor_territory(db, UUID(counsellor_id))
    return Target.of(territory, counsellor_id=counsellor_id) if territory else None


async def counsellor_territory(conn: Conn, counsellor_id: UUID) -> str | None:
    territory: str | None = await conn.fetchval("SELECT territory FROM counsellors WHERE id = $1", counsellor_id)
    return territory


async def track_for_update(conn: asyncpg.Connection, application_id: UUID) -> tuple[Track, Journey] | None:
    """The guidance track (an approved self-employment project), locked, and its journey."""
    locked = await conn.fetchval(
        "SELECT true FROM projects WHERE application_id = $1 AND programme = 'self_employment' FOR UPDATE",
        application_id,
    )
    if not locked:
        return None
    row = await conn.fetchrow(  # read after the lock (missions.adapters)
        """
        SELECT p.application_id, p.territory, p.approved_on, o.outcome, p.trace_context
        FROM projects p LEFT JOIN participant_outcomes o USING (application_id)
        WHERE p.application_id = $1
        """,
        application_id,
    )
    values, journey = with_journey(row)
    return Track(**values), journey


async def add_session(conn: Conn, session: Session) -> None:
    await conn.execute(
        "INSERT INTO guidance_sessions (id, application_id, counsellor_id, held_on, days) VALUES ($1, $2, $3, $4, $5)",
        session.id,
        session.application_id,
        session.counsellor_id,
        session.held_on,
        session.days,
    )


async def add_outcome(
    conn: Conn, application_id: UUID, outcome: Outcome, recorded_on: date, firm_id: str | None
) -> None:
    await conn.execute(
        "INSERT INTO participant_outcomes (application_id, outcome, recorded_on, firm_id) VALUES ($1, $2, $3, $4)",
        application_id,
        outcome,
        recorded_on,
        firm_id,
    )


async def add_business(conn: Conn, firm_id: str, application_id: UUID, created_on: date) -> bool:
    inserted = await conn.fetchval(
        "INSERT INTO businesses (firm_id, application_id, created_on) VALUES ($1, $2, $3) "
        "ON CONFLICT (firm_id) DO NOTHING RETURNING true",
        firm_id,
        application_id,
        created_on,
    )
    return bool(inserted)


async def business_for_update(conn: asyncpg.Connection, firm_id: str) -> tuple[Business, Journey] | None:
    """The business created through a guidance track, locked, and its track's journey."""
    if not await conn.fetchval("SELECT true FROM businesses WHERE firm_id = $1 FOR UPDATE", firm_id):
        return None
    row = await conn.fetchrow(  # read after the lock (missions.adapters)
        """
        SELECT b.firm_id, b.application_id, p.territory, b.created_on, p.trace_context,
               coalesce((SELECT array_agg(years) FROM survival_checks s WHERE s.firm_id = b.firm_id), '{}')
                   AS checked_years
        FROM businesses b JOIN projects p USING (application_id) WHERE b.firm_id = $1
        """,
        firm_id,
    )
    values, journey = with_journey(row)
    values["checked_years"] = frozenset(values["checked_years"])
    return Business(**values), journey


async def add_survival_check(conn: Conn, firm_id: str, years: int, active: bool, checked_on: date) -> None:
    await conn.execute(
        "INSERT INTO survival_checks (firm_id, years, active, checked_on) VALUES ($1, $2, $3, $4)",
        firm_id,
        years,
        active,
        checked_on,
    )


async def business_target(db: Conn, firm_id: str) -> Target | None:
    """A business created through guidance belongs to the territory of its guidance track."""
    territory = await db.fetchval(
        "SELECT p.territory FROM businesses b JOIN projects p USING (application_id) WHERE b.firm_id = $1",
        normalise_firm_id(firm_id),
    )
    return Target.of(territory) if territory else None
