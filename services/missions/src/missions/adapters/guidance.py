"""Guidance tracks (approved self-employment projects), counsellors, outcomes, businesses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from alize_contracts.events import (
    BusinessCreated,
    BusinessSurvivalReported,
    GuidanceSessionLogged,
    ParticipantOutcomeRecorded,
)

from missions.adapters import Conn
from missions.domain.guidance import Business, Outcome, Track


async def add_counsellor(conn: Conn, counsellor_id: UUID, territory: str, full_name: str, email: str) -> None:
    await conn.execute(
        "INSERT INTO counsellors (id, territory, full_name, email) VALUES ($1, $2, $3, $4)",
        counsellor_id,
        territory,
        full_name,
        email,
    )


async def counsellor_territory(conn: Conn, counsellor_id: UUID) -> str | None:
    territory: str | None = await conn.fetchval("SELECT territory FROM counsellors WHERE id = $1", counsellor_id)
    return territory


async def track(conn: Conn, application_id: UUID) -> tuple[Track, dict[str, str]] | None:
    row = await conn.fetchrow(
        """
        SELECT p.application_id, p.territory, p.approved_on, o.outcome, p.trace_context
        FROM projects p LEFT JOIN participant_outcomes o USING (application_id)
        WHERE p.application_id = $1 AND p.programme = 'self_employment' FOR UPDATE OF p
        """,
        application_id,
    )
    if row is None:
        return None
    values = dict(row)
    journey = values.pop("trace_context")
    return Track(**values), journey


async def add_session(
    conn: Conn, session_id: UUID, application_id: UUID, counsellor_id: UUID, held_on: date, days: Decimal
) -> None:
    await conn.execute(
        "INSERT INTO guidance_sessions (id, application_id, counsellor_id, held_on, days) VALUES ($1, $2, $3, $4, $5)",
        session_id,
        application_id,
        counsellor_id,
        held_on,
        days,
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


async def business(conn: Conn, firm_id: str) -> tuple[Business, dict[str, str]] | None:
    row = await conn.fetchrow(
        """
        SELECT b.firm_id, b.application_id, p.territory, b.created_on, p.trace_context,
               coalesce((SELECT array_agg(years) FROM survival_checks s WHERE s.firm_id = b.firm_id), '{}')
                   AS checked_years
        FROM businesses b JOIN projects p USING (application_id) WHERE b.firm_id = $1 FOR UPDATE OF b
        """,
        firm_id,
    )
    if row is None:
        return None
    values = dict(row)
    journey = values.pop("trace_context")
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


async def list_tracks(conn: Conn, territory: str | None) -> list[dict[str, Any]]:
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


def session_event(
    track: Track, session_id: UUID, counsellor_id: UUID, held_on: date, days: Decimal
) -> GuidanceSessionLogged:
    return GuidanceSessionLogged(
        territory=track.territory,
        application_id=track.application_id,
        session_id=session_id,
        counsellor_ref=counsellor_id,
        held_on=held_on,
        days=float(days),
    )


def outcome_events(
    track: Track, outcome: Outcome, recorded_on: date, firm_id: str | None, created_on: date | None
) -> list[Any]:
    events: list[Any] = [
        ParticipantOutcomeRecorded(
            territory=track.territory,
            application_id=track.application_id,
            outcome=outcome,
            recorded_on=recorded_on,
            firm_id=firm_id,
        )
    ]
    if outcome == "firm_created":
        assert firm_id is not None and created_on is not None
        events.append(
            BusinessCreated(
                territory=track.territory,
                application_id=track.application_id,
                firm_id=firm_id,
                created_on=created_on,
            )
        )
    return events


def survival_event(business: Business, years: int, active: bool, checked_on: date) -> BusinessSurvivalReported:
    return BusinessSurvivalReported(
        territory=business.territory,
        application_id=business.application_id,
        firm_id=business.firm_id,
        years=years,  # type: ignore[arg-type]
        active=active,
        checked_on=checked_on,
    )
