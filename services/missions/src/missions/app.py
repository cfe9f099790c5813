"""`create_app()`: the missions service (uvicorn missions.app:create_app --factory).

What missions does, listed once: the commands it takes (each to its handler), the
events it consumes (each to its policies) and its HTTP routes."""

from pathlib import Path

from alize_chassis.service import Subscription, create_service_app
from alize_chassis.unit_of_work import CommandBus, Policy, policies
from alize_contracts import Event, ProjectApproved, topics
from alize_contracts.events import AdvanceGranted, ProjectAmended
from fastapi import FastAPI

from missions.domain import commands as c
from missions.entrypoints import advances as advances_http
from missions.entrypoints import guidance as guidance_http
from missions.entrypoints import jobs as jobs_http
from missions.entrypoints import missions as missions_http
from missions.service_layer import advances, guidance, jobs, missions
from missions.settings import MissionsSettings

SERVICE = "missions"

COMMANDS = CommandBus(
    SERVICE,
    {
        c.SetMissionWindow: missions.set_window,
        c.DrawUpConvention: missions.draw_up_convention,
        c.SignConvention: missions.sign_convention,
        c.LogMissionDay: missions.log_day,
        c.ConfirmDay: missions.confirm_day,
        c.DisputeDay: missions.dispute_day,
        c.CloseMission: missions.close,
        c.DeclareJobs: jobs.declare_jobs,
        c.DisburseAdvance: advances.disburse,
        c.RepayAdvance: advances.repay,
        c.WriteOffAdvance: advances.write_off,
        c.AddCounsellor: guidance.add_counsellor,
        c.LogGuidanceSession: guidance.log_session,
        c.RecordOutcome: guidance.record_outcome,
        c.ReportSurvival: guidance.report_survival,
    },
)

SUBSCRIPTIONS: dict[type[Event], list[Policy]] = {
    ProjectApproved: [missions.open_missions],
    ProjectAmended: [missions.amend_missions],
    AdvanceGranted: [advances.record_grant],
}


def create_app(settings: MissionsSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or MissionsSettings(),
        title="Alize missions",
        migrations_dir=Path(__file__).parent / "migrations",
        routers=[missions_http.router, jobs_http.router, advances_http.router, guidance_http.router],
        commands=COMMANDS,
        subscription=Subscription(topics=[topics.PROJECTS], handlers=policies(SERVICE, SUBSCRIPTIONS)),
    )
