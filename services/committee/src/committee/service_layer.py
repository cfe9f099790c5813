"""Committee's handlers: the events it consumes and the commands it accepts.
Commands run in the caller's transaction, so a session's decisions, their events
and the session's record commit together or not at all."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from alize_chassis import outbox
from alize_chassis.errors import NotFound, Rejected
from alize_chassis.identifiers import normalise_firm_id
from alize_chassis.inbox import Handlers
from alize_chassis.journey import continue_journey, current_context, tag
from alize_chassis.wire import Received
from alize_contracts import ApplicationSubmitted
from alize_contracts.competences import unknown as unknown_competences
from alize_contracts.events import (
    AdvanceRepaymentReceived,
    ApplicationScreened,
    ApplicationWithdrawn,
    CallClosed,
    CallOpened,
)

from committee import adapters
from committee.domain import AdvanceFund, Amendment, Approval, DocketEntry, Outcome, Session, Suggestion, suggest

SERVICE = "committee"
handlers = Handlers()


def _now() -> datetime:
    return datetime.now(UTC)


# --- intake's events -------------------------------------------------------------------


@handlers.on(CallOpened)
async def record_call(conn: asyncpg.Connection, event: CallOpened, _: Received) -> None:
    await adapters.add_call(conn, event)


@handlers.on(CallClosed)
async def record_call_closed(conn: asyncpg.Connection, event: CallClosed, _: Received) -> None:
    await adapters.close_call(conn, event.call_id, event.closed_at)


@handlers.on(ApplicationSubmitted)
async def put_on_docket(conn: asyncpg.Connection, event: ApplicationSubmitted, _: Received) -> None:
    tag(event.application_id)
    await adapters.add_from_submission(conn, event, current_context())


@handlers.on(ApplicationScreened)
async def record_screening(conn: asyncpg.Connection, event: ApplicationScreened, _: Received) -> None:
    tag(event.application_id)
    await adapters.record_screening(conn, event)


@handlers.on(ApplicationWithdrawn)
async def take_off_docket(conn: asyncpg.Connection, event: ApplicationWithdrawn, _: Received) -> None:
    tag(event.application_id)
    await adapters.record_withdrawal(conn, event.application_id)


@handlers.on(AdvanceRepaymentReceived)
async def refill_fund(conn: asyncpg.Connection, event: AdvanceRepaymentReceived, _: Received) -> None:
    await adapters.record_repayment(conn, event)


async def set_fund(conn: asyncpg.Connection, territory: str, fund_cents: int) -> AdvanceFund:
    await adapters.set_fund(conn, territory, fund_cents)
    found = await adapters.fund(conn, territory)
    assert found is not None
    return found


async def get_fund(conn: asyncpg.Connection | asyncpg.Pool, territory: str) -> AdvanceFund:
    found = await adapters.fund(conn, territory)
    if found is None:
        raise NotFound(f"no revolving fund is set for {territory}")
    return found


# --- members and sessions ------------------------------------------------------------------


async def add_member(conn: asyncpg.Connection, territory: str, details: dict[str, Any]) -> UUID:
    member_id = uuid4()
    if details.get("partner_id") and not await adapters.partner_territory(conn, details["partner_id"]):
        raise Rejected(f"partner_id {details['partner_id']} is not a known partner company")
    await adapters.add_member(conn, member_id, territory, details)
    return member_id


async def declare_conflict(
    conn: asyncpg.Connection, member_id: UUID, firm_id: str | None, partner_id: UUID | None
) -> str | None:
    """Record the tie; returns the firm's identifier as normalised (checked like an application's)."""
    if not await adapters.member_exists(conn, member_id):
        raise NotFound(f"no committee member {member_id}")
    firm_id = normalise_firm_id(firm_id) if firm_id is not None else None
    await adapters.add_conflict(conn, member_id, firm_id, partner_id)
    return firm_id


async def plan_session(
    conn: asyncpg.Connection, territory: str, held_on: date, quorum: int, member_ids: Sequence[UUID]
) -> Session:
    found = await adapters.members(conn, member_ids)
    if missing := [m for m in member_ids if m not in found]:
        raise Rejected(f"unknown committee members: {', '.join(map(str, missing))}")
    if others := [m.id for m in found.values() if m.territory != territory]:
        raise Rejected(f"members {', '.join(map(str, others))} sit on another territory's committee")
    session = Session(id=uuid4(), territory=territory, held_on=held_on, quorum=quorum, member_ids=frozenset(member_ids))
    await adapters.add_session(conn, session)
    return session


async def get_session(conn: asyncpg.Connection | asyncpg.Pool, session_id: UUID) -> Session:
    found = await adapters.session(conn, session_id)
    if found is None:
        raise NotFound(f"no committee session {session_id}")
    return found


@dataclass(frozen=True)
class Vote:
    application_id: UUID
    outcome: Outcome
    voters: tuple[UUID, ...]


async def record_session(conn: asyncpg.Connection, session_id: UUID, votes: Sequence[Vote]) -> dict[str, int]:
    """Record a whole session's decisions, all or nothing, and mark it held."""
    session = await adapters.session(conn, session_id, for_update=True)
    if session is None:
        raise NotFound(f"no committee session {session_id}")
    session.check_open()
    if len({v.application_id for v in votes}) != len(votes):
        raise Rejected("an application appears twice in the session's decisions")
    members = await adapters.members(conn, list(session.member_ids))
    counts: Counter[str] = Counter()
    for vote in votes:
        decided = await _decide(conn, session, vote, members)
        counts[decided] += 1
    totals = {kind: counts[kind] for kind in ("approved", "rejected", "deferred", "amended")}
    await adapters.mark_held(conn, session.id, _now())
    await outbox.record(conn, adapters.session_held_event(session, totals), service=SERVICE)
    return totals


async def _decide(conn: asyncpg.Connection, session: Session, vote: Vote, members: Any) -> str:
    tag(vote.application_id)
    found = await adapters.entry_for_update(conn, vote.application_id)
    if found is None:
        raise NotFound(f"application {vote.application_id} is not on the committee's docket")
    entry, journey = found
    with continue_journey("committee decide", journey):
        tag(vote.application_id)
        entry.check_decidable(session.territory, vote.outcome)
        session.check_vote(entry, vote.outcome, vote.voters, members)
        decided = entry.decide(vote.outcome, _now())
        if isinstance(vote.outcome, Approval | Amendment):
            await _check_resources(conn, entry, vote.outcome, session.held_on.year)
        await adapters.save_decision(conn, decided, vote.outcome, session, vote.voters)
        for event in adapters.decision_events(decided, vote.outcome, session):
            await outbox.record(conn, event, service=SERVICE)
    return "amended" if isinstance(vote.outcome, Amendment) else decided.status


async def _check_resources(
    conn: asyncpg.Connection, entry: DocketEntry, outcome: Approval | Amendment, year: int
) -> None:
    """The call's budgets, the territory's revolving fund and the partners' capacity cover the decision."""
    days = outcome.skill_days if isinstance(outcome, Approval) else outcome.additional_days
    advance = (outcome.advance_amount_cents or 0) if isinstance(outcome, Approval) else 0
    if entry.call_id is not None:
        await adapters.lock_call(conn, entry.call_id)
        budget = await adapters.call_budget(conn, entry.call_id)
        if budget is None:
            raise Rejected(f"call {entry.call_id} is not known to the committee yet; try again shortly")
        budget.check(days, advance)
    elif advance:
        raise Rejected("an advance needs a call with an advance fund; this application answers no call")
    if advance and (fund := await adapters.fund(conn, entry.territory)) is not None:
        fund.check(advance)
    for assignment in outcome.partners:
        if unknown_competences([assignment.competence]):
            raise Rejected("a partner assignment names a competence outside the catalogue (GET /competences on intake)")
        if not await adapters.lock_partner(conn, assignment.partner_id):
            raise Rejected(f"partner {assignment.partner_id} is not a known partner company")
        (await adapters.capacity(conn, assignment.partner_id, assignment.competence, year)).check(assignment.days)


# --- partners --------------------------------------------------------------------------------


async def add_partner(
    conn: asyncpg.Connection,
    company_name: str,
    territory: str,
    contact: dict[str, Any] | None,
    sites: Sequence[tuple[str, str | None]],
) -> tuple[UUID, list[tuple[UUID, str, str | None]]]:
    partner_id = uuid4()
    with_ids = [(uuid4(), site_territory, city) for site_territory, city in sites]
    await adapters.add_partner(conn, partner_id, company_name, territory, contact, with_ids)
    event = adapters.partner_joined_event(partner_id, company_name, territory, with_ids, _now())
    await outbox.record(conn, event, service=SERVICE)
    return partner_id, with_ids


async def offer_competence(
    conn: asyncpg.Connection, partner_id: UUID, site_id: UUID, competence: str, year: int, days: Decimal
) -> None:
    territory = await adapters.partner_territory(conn, partner_id)
    if territory is None:
        raise NotFound(f"no partner company {partner_id}")
    if await adapters.partner_site(conn, partner_id, site_id) is None:
        raise Rejected(f"site {site_id} is not a site of partner {partner_id}")
    if unknown_competences([competence]):
        raise Rejected("the competence is not in the catalogue (GET /competences on intake)")
    await adapters.offer_competence(conn, partner_id, site_id, competence, year, days)
    event = adapters.competence_offered_event(territory, partner_id, site_id, competence, year, days)
    await outbox.record(conn, event, service=SERVICE)


async def suggestions(pool: asyncpg.Pool, application_id: UUID, year: int) -> list[Suggestion]:
    entry = await adapters.entry(pool, application_id)
    if entry is None:
        raise NotFound(f"application {application_id} is not on the committee's docket")
    return suggest(entry.skills_needed, entry.territory, await adapters.offers(pool, year))
