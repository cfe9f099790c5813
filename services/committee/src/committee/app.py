"""`create_app()`: the committee service (uvicorn committee.app:create_app --factory).

What the committee does, listed once: the commands it takes (each to its handler), the
events it consumes (each to its policy) and its HTTP routes."""

from pathlib import Path

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
        c.DeclareConflict: members.declare_conflict,
        c.PlanSession: sessions.plan_session,
        c.RecordDecisions: sessions.record_decisions,
        c.SetFund: funds.set_fund,
        c.AddPartner: partners.add_partner,
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


def create_app(settings: CommitteeSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or CommitteeSettings(),
        title="Alize committee",
        migrations_dir=Path(__file__).parent / "migrations",
        routers=[members_http.router, sessions_http.router, funds_http.router, partners_http.router],
        commands=COMMANDS,
        subscription=Subscription(
            topics=[topics.CALLS, topics.APPLICATIONS, topics.ADVANCES], handlers=policies(SERVICE, SUBSCRIPTIONS)
        ),
    )
