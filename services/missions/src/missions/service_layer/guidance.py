"""Self-employment guidance: sessions, the participant's outcome, survival checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import asyncpg
from alize_chassis import outbox
from alize_chassis.errors import Conflict, NotFound, Rejected
from alize_chassis.identifiers import normalise_firm_id
from alize_chassis.journey import continue_journey, tag

from missions.adapters import guidance as adapters
from missions.domain.guidance import Outcome, Track
from missions.service_layer import SERVICE


async def add_counsellor(conn: asyncpg.Connection, territory: str, full_name: str, email: str) -> UUID:
    counsellor_id = uuid4()
    await adapters.add_counsellor(conn, counsellor_id, territory, full_name, email)
    return counsellor_id


async def _track(conn: asyncpg.Connection, application_id: UUID) -> tuple[Track, dict[str, str]]:
    tag(application_id)
    found = await adapters.track(conn, application_id)
    if found is None:
        raise NotFound(f"no guidance track for application {application_id} (an approved self-employment project)")
    return found


async def log_session(
    conn: asyncpg.Connection, application_id: UUID, counsellor_id: UUID, held_on: date, days: Decimal
) -> UUID:
    track, journey = await _track(conn, application_id)
    with continue_journey("missions guidance session", journey):
        territory = await adapters.counsellor_territory(conn, counsellor_id)
        if territory is None:
            raise Rejected(f"counsellor_id {counsellor_id} is not a known counsellor")
        if territory != track.territory:
            raise Rejected(f"counsellor {counsellor_id} works in {territory}, not in {track.territory}")
        track.check_session(held_on)
        session_id = uuid4()
        await adapters.add_session(conn, session_id, application_id, counsellor_id, held_on, days)
        event = adapters.session_event(track, session_id, counsellor_id, held_on, days)
        await outbox.record(conn, event, service=SERVICE)
    return session_id


async def record_outcome(
    conn: asyncpg.Connection,
    application_id: UUID,
    outcome: Outcome,
    recorded_on: date,
    firm_id: str | None,
    created_on: date | None,
) -> None:
    track, journey = await _track(conn, application_id)
    with continue_journey("missions guidance outcome", journey):
        firm_id = normalise_firm_id(firm_id) if firm_id else None
        track.check_outcome(outcome, recorded_on, firm_id, created_on)
        await adapters.add_outcome(conn, application_id, outcome, recorded_on, firm_id)
        if firm_id is not None and created_on is not None:
            if not await adapters.add_business(conn, firm_id, application_id, created_on):
                raise Conflict(f"firm {firm_id} is already recorded as created by another participant")
        for event in adapters.outcome_events(track, outcome, recorded_on, firm_id, created_on):
            await outbox.record(conn, event, service=SERVICE)


async def report_survival(conn: asyncpg.Connection, firm_id: str, years: int, active: bool, checked_on: date) -> None:
    normalised = normalise_firm_id(firm_id)
    found = await adapters.business(conn, normalised)
    if found is None:
        raise NotFound(f"no business {normalised} was created through a guidance track: no survival check for it")
    business, journey = found
    tag(business.application_id)
    with continue_journey("missions survival check", journey):
        business.check_survival(years, checked_on)
        await adapters.add_survival_check(conn, normalised, years, active, checked_on)
        await outbox.record(conn, adapters.survival_event(business, years, active, checked_on), service=SERVICE)
