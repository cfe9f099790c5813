"""Sessions: planned, then held — a whole session's decisions recorded at once, all or nothing,
with their events and the session's, in one unit of work."""

from __future__ import annotations

from uuid import uuid4

from alize_chassis import journey
from alize_chassis.errors import NotFound
from alize_chassis.unit_of_work import UnitOfWork

from committee.adapters import docket, funds, members, partners, sessions
from committee.domain.commands import CastBallot, PlanSession, RecordDecisions
from committee.domain.sessions import Ballot, Held, Resources, Session, Vote, needs
from committee.service_layer import now


async def plan_session(uow: UnitOfWork, command: PlanSession) -> Session:
    found = await members.members(uow.conn, command.member_ids)
    session = Session.plan(uuid4(), command.territory, command.held_on, command.quorum, command.member_ids, found)
    await sessions.add_session(uow.conn, session)
    return session


async def cast_ballot(uow: UnitOfWork, command: CastBallot) -> Ballot:
    """A member's ballot on an item of the session's agenda: cast again, it replaces the one before."""
    journey.tag(command.application_id)
    session = await sessions.session_for_share(uow.conn, command.session_id)
    if session is None:
        raise NotFound(f"no committee session {command.session_id}")
    entry = await docket.entry(uow.conn, command.application_id)
    member = (await members.members(uow.conn, [command.member_id])).get(command.member_id)
    ballot = session.cast(command.application_id, entry, member, command.choice, now())
    await sessions.save_ballot(uow.conn, ballot)
    return ballot


async def record_decisions(uow: UnitOfWork, command: RecordDecisions) -> Held:
    """Load and lock what the session decides on and draws on, let the session decide, record it."""
    for asked in command.decisions:  # the request's span names what it is about, refused or not
        journey.tag(asked.application_id)
    votes = Vote.all_of(command.decisions)
    session = await sessions.session_for_update(uow.conn, command.session_id)
    if session is None:
        raise NotFound(f"no committee session {command.session_id}")
    session.check_open()  # before taking the locks of what it would draw on (hold checks it again)
    entries, journeys = await docket.docket_for_update(uow.conn, [v.application_id for v in votes])
    wanted = needs(votes, entries)
    resources = Resources(
        budgets=await funds.budgets_for_update(uow.conn, wanted.calls),
        fund=await funds.fund_for_update(uow.conn, session.territory) if wanted.fund else None,
        partners=await partners.partners_for_update(uow.conn, wanted.partners),
        capacities=await partners.capacities(uow.conn, wanted.capacities, session.held_on.year),
    )
    sitting = await members.members(uow.conn, session.member_ids)
    cast = await sessions.ballots(uow.conn, session.id)
    held = session.hold(votes, entries, sitting, resources, now(), decided_by=uow.actor_id, ballots=cast)
    await docket.save_decisions(uow.conn, held.decisions, held.session)
    for decision in held.decisions:  # each decision's events in its application's journey
        with uow.journey("committee decide", journeys[decision.entry.application_id]):
            journey.tag(decision.entry.application_id)
            uow.emit(*decision.events)
    await sessions.save_held(uow.conn, held.session)
    uow.emit(held.event)
    return held
