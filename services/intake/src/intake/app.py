"""`create_app()`: the intake service (uvicorn intake.app:create_app --factory).

What intake does, listed once: the commands it takes (each to its handler), the
events it consumes (each to its policy), who may call each HTTP route, its routes
and its periodic work."""

from pathlib import Path

from alize_chassis.access import PUBLIC, AccessPolicy, InBody, InBodyLookedUp, InPath, LookedUp, Scope, allow
from alize_chassis.service import Periodic, Subscription, create_service_app
from alize_chassis.unit_of_work import CommandBus, Policy, policies
from alize_contracts import Event, ProjectApproved, ProjectRejected, topics
from alize_contracts.events import ProjectDeferred
from fastapi import FastAPI

from intake.adapters.applications import applicant_target, application_target
from intake.adapters.calls import call_target
from intake.domain import commands as c
from intake.entrypoints import applications as applications_http
from intake.entrypoints import calls as calls_http
from intake.service_layer import applications, calls
from intake.settings import IntakeSettings

SERVICE = "intake"

COMMANDS = CommandBus(
    SERVICE,
    {
        c.OpenCall: calls.open_call,
        c.CloseCall: calls.close_call,
        c.SetEligibilityRules: applications.set_rules,
        c.CreateApplication: applications.create_application,
        c.ReviseDraft: applications.revise_draft,
        c.SubmitApplication: applications.submit,
        c.WithdrawApplication: applications.withdraw,
        c.EraseApplicant: applications.erase_applicant,
    },
)

SUBSCRIPTIONS: dict[type[Event], list[Policy]] = {
    ProjectApproved: [applications.record_decision],
    ProjectRejected: [applications.record_decision],
    ProjectDeferred: [applications.record_decision],
}


T, OWN = Scope.TERRITORY, Scope.OWN
APPLICATION = LookedUp("application_id", application_target)
APPLICANT = LookedUp("applicant_id", applicant_target)
CALL = LookedUp("call_id", call_target)

ACCESS = AccessPolicy(
    {
        "POST /calls": allow(InBody(), staff=T),
        "POST /calls/{call_id}/close": allow(CALL, staff=T),
        "GET /calls": PUBLIC,
        "GET /calls/{call_id}": PUBLIC,
        "PUT /territories/{territory}/eligibility-rules/{programme}": allow(InPath(), staff=T),
        "GET /territories/{territory}/eligibility-rules/{programme}": PUBLIC,
        # An applicant's account applies for its own firm (checked by the handler) and owns what it creates.
        "POST /applications": allow(InBodyLookedUp("call_id", call_target), staff=T, firm=T),
        "PATCH /applications/{application_id}": allow(APPLICATION, staff=T, firm=OWN),
        "POST /applications/{application_id}/submit": allow(APPLICATION, staff=T, firm=OWN),
        "POST /applications/{application_id}/withdraw": allow(APPLICATION, staff=T, firm=OWN),
        "GET /applications/{application_id}": allow(APPLICATION, staff=T, firm=OWN, member=T, national=T),
        # Personal data: the territory's staff, and the person themselves.
        "GET /applicants/{applicant_id}": allow(APPLICANT, staff=T, firm=OWN).personal_data(),
        "DELETE /applicants/{applicant_id}": allow(APPLICANT, staff=T),
        "GET /competences": PUBLIC,
    }
)
"""Who may call each route (alize_chassis.access): every route has its rule."""


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or IntakeSettings(),
        title="Alize intake",
        migrations_dir=Path(__file__).parent / "migrations",
        routers=[calls_http.router, applications_http.router],
        access=ACCESS,
        commands=COMMANDS,
        subscription=Subscription(topics=[topics.PROJECTS], handlers=policies(SERVICE, SUBSCRIPTIONS)),
        periodic=[
            Periodic(
                "close calls past their deadline",
                60,
                lambda pool: calls.close_calls_past_their_deadline(pool, COMMANDS),
            )
        ],
    )
