"""`create_app()`: the intake service (uvicorn intake.app:create_app --factory).

What intake does, listed once: the commands it takes (each to its handler), the
events it consumes (each to its policy), its HTTP routes and its periodic work."""

from pathlib import Path

from alize_chassis.service import Periodic, Subscription, create_service_app
from alize_chassis.unit_of_work import CommandBus, Policy, policies
from alize_contracts import Event, ProjectApproved, ProjectRejected, topics
from alize_contracts.events import ProjectDeferred
from fastapi import FastAPI

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


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or IntakeSettings(),
        title="Alize intake",
        migrations_dir=Path(__file__).parent / "migrations",
        routers=[calls_http.router, applications_http.router],
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
