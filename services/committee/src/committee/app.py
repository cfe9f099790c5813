"""`create_app()`: the committee service (uvicorn committee.app:create_app --factory).

What the committee does, listed once: the commands it takes (each to its handler), the
events it consumes (each to its policy) and its HTTP routes."""

from pathlib import Path

from alize_chassis.access import AccessPolicy, InBody, InPath, InQuery, LookedUp, Scope, allow
from alize_chassis.service import Subscription, create_service_app
from alize_chassis.unit_of_work import CommandBus, Policy, policies
from alize_contracts import ApplicationSubmitted, Event, topics
from alize_contracts.events import (
    AdvanceRepaymentReceived,
    ApplicationScreened,
    ApplicationWithdrawn,
    CallClosed,
    CallOpened,
)
from fastapi import FastAPI

from committee.adapters.docket import application_target
from committee.adapters.members import member_target
from committee.adapters.partners import partner_target
from committee.adapters.sessions import session_target
from committee.domain import commands as c
from committee.entrypoints import funds as funds_http
from committee.entrypoints import members as members_http
from committee.entrypoints import partners as partners_http
from committee.entrypoints import sessions as sessions_http
from committee.service_layer import docket, funds, members, partners, sessions
from committee.settings import CommitteeSettings

SERVICE = "committee"

COMMANDS = CommandBus(
    SERVICE,
    {
        c.AddMember: members.add_member,
        c.EraseMember: members.erase_member,
        c.DeclareConflict: members.declare_conflict,
        c.PlanSession: sessions.plan_session,
        c.CastBallot: sessions.cast_ballot,
        c.RecordDecisions: sessions.record_decisions,
        c.SetFund: funds.set_fund,
        c.AddPartner: partners.add_partner,
        c.ErasePartnerContact: partners.erase_contact,
        c.OfferCompetence: partners.offer_competence,
    },
)

SUBSCRIPTIONS: dict[type[Event], list[Policy]] = {
    CallOpened: [funds.record_call],
    CallClosed: [funds.record_call_closed],
    ApplicationSubmitted: [docket.put_on_docket],
    ApplicationScreened: [docket.record_screening],
    ApplicationWithdrawn: [docket.take_off_docket],
    AdvanceRepaymentReceived: [funds.refill_fund],
}


T, OWN = Scope.TERRITORY, Scope.OWN
SESSION = LookedUp("session_id", session_target)
MEMBER = LookedUp("member_id", member_target)
PARTNER = LookedUp("partner_id", partner_target)

ACCESS = AccessPolicy(
    {
        "POST /members": allow(InBody(), staff=T),
        "DELETE /members/{member_id}": allow(MEMBER, staff=T),
        # A member declares its own conflicts of interest too.
        "POST /members/{member_id}/conflicts": allow(MEMBER, staff=T, member=OWN),
        "POST /sessions": allow(InBody(), staff=T),
        # A member sees the sessions it sits in, and their agenda.
        "GET /sessions/{session_id}": allow(SESSION, staff=T, member=OWN, national=T),
        "GET /sessions/{session_id}/agenda": allow(SESSION, staff=T, member=OWN),
        # A member casts its own ballots (staff names who voted on paper in the decisions) and sees them;
        # staff sees the session's.
        "PUT /sessions/{session_id}/ballots/{application_id}": allow(SESSION, member=OWN),
        "GET /sessions/{session_id}/ballots": allow(SESSION, staff=T, member=OWN),
        "POST /sessions/{session_id}/decisions": allow(SESSION, staff=T),
        "GET /docket": allow(InQuery(), staff=T, national=T),
        "POST /partners": allow(InBody(), staff=T),
        "DELETE /partners/{partner_id}/contact": allow(PARTNER, staff=T),
        "POST /partners/{partner_id}/competences": allow(PARTNER, staff=T, partner=OWN),
        # Partner contacts are personal data: the territory's staff only.
        "GET /partners": allow(InQuery(), staff=T).personal_data(),
        "GET /applications/{application_id}/partner-suggestions": allow(
            LookedUp("application_id", application_target), staff=T
        ),
        "PUT /territories/{territory}/advance-fund": allow(InPath(), staff=T),
        "GET /territories/{territory}/advance-fund": allow(InPath(), staff=T, funder=T, national=T),
    }
)
"""Who may call each route (alize_chassis.access): every route has its rule."""


def create_app(settings: CommitteeSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or CommitteeSettings(),
        title="Alize committee",
        migrations_dir=Path(__file__).parent / "migrations",
        routers=[members_http.router, sessions_http.router, funds_http.router, partners_http.router],
        access=ACCESS,
        commands=COMMANDS,
        subscription=Subscription(
            topics=[topics.CALLS, topics.APPLICATIONS, topics.ADVANCES], handlers=policies(SERVICE, SUBSCRIPTIONS)
        ),
    )
