"""`create_app()`: the missions service (uvicorn missions.app:create_app --factory).

What missions does, listed once: the commands it takes (each to its handler), the
events it consumes (each to its policies) and its HTTP routes."""

from pathlib import Path

from alize_chassis.access import AccessPolicy, InBody, InPath, InQuery, LookedUp, Scope, allow
from alize_chassis.service import Subscription, create_service_app
from alize_chassis.unit_of_work import CommandBus, Policy, policies
from alize_contracts import Event, ProjectApproved, topics
from alize_contracts.events import AdvanceGranted, ProjectAmended
from fastapi import FastAPI

from missions.adapters.advances import advance_target
from missions.adapters.guidance import business_target, counsellor_target
from missions.adapters.missions import mission_target, project_target
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
        c.EraseExpert: missions.erase_expert,
        c.EraseEvaluationComment: missions.erase_evaluation_comment,
        c.DeclareJobs: jobs.declare_jobs,
        c.DisburseAdvance: advances.disburse,
        c.RepayAdvance: advances.repay,
        c.WriteOffAdvance: advances.write_off,
        c.AddCounsellor: guidance.add_counsellor,
        c.EraseCounsellor: guidance.erase_counsellor,
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


T, OWN = Scope.TERRITORY, Scope.OWN
MISSION = LookedUp("mission_id", mission_target)
PROJECT = LookedUp("application_id", project_target)
ADVANCE = LookedUp("advance_id", advance_target)

ACCESS = AccessPolicy(
    {
        "PUT /territories/{territory}/mission-window": allow(InPath(), staff=T),
        # A partner company or a host firm sees its own missions only.
        "GET /missions": allow(InQuery(), staff=T, partner=OWN, firm=OWN, national=T),
        "GET /missions/{mission_id}": allow(MISSION, staff=T, partner=OWN, firm=OWN, national=T),
        "PUT /missions/{mission_id}/convention": allow(MISSION, staff=T),
        "POST /missions/{mission_id}/convention/signature": allow(MISSION, staff=T),
        "POST /missions/{mission_id}/days": allow(MISSION, partner=OWN),
        "GET /missions/{mission_id}/days": allow(MISSION, staff=T, partner=OWN, firm=OWN),
        "POST /missions/{mission_id}/days/{day_id}/confirmation": allow(MISSION, firm=OWN),
        "POST /missions/{mission_id}/days/{day_id}/dispute": allow(MISSION, firm=OWN),
        "POST /missions/{mission_id}/closure": allow(MISSION, firm=OWN),
        # Erasure of the personal data a mission keeps: the expert lent, the evaluation comment.
        "DELETE /missions/{mission_id}/expert": allow(MISSION, staff=T),
        "DELETE /missions/{mission_id}/closure/comment": allow(MISSION, staff=T),
        "POST /applications/{application_id}/job-declarations": allow(PROJECT, staff=T, firm=OWN),
        "GET /applications/{application_id}/job-declarations": allow(PROJECT, staff=T, firm=OWN, national=T),
        "GET /advances": allow(InQuery(), staff=T, firm=OWN, national=T),
        "GET /advances/{advance_id}": allow(ADVANCE, staff=T, firm=OWN, national=T),
        "POST /advances/{advance_id}/disbursement": allow(ADVANCE, staff=T),
        "POST /advances/{advance_id}/repayments": allow(ADVANCE, staff=T),
        "POST /advances/{advance_id}/write-off": allow(ADVANCE, staff=T),
        "POST /counsellors": allow(InBody(), staff=T),
        "DELETE /counsellors/{counsellor_id}": allow(LookedUp("counsellor_id", counsellor_target), staff=T),
        "GET /guidance": allow(InQuery(), staff=T, counsellor=T, national=T),
        # A counsellor logs its own sessions (checked by the handler).
        "POST /guidance/{application_id}/sessions": allow(PROJECT, staff=T, counsellor=T),
        "POST /guidance/{application_id}/outcome": allow(PROJECT, staff=T, counsellor=T),
        "POST /businesses/{firm_id}/survival-checks": allow(
            LookedUp("firm_id", business_target, uuid=False), staff=T, counsellor=T
        ),
    }
)
"""Who may call each route (alize_chassis.access): every route has its rule."""


def create_app(settings: MissionsSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or MissionsSettings(),
        title="Alize missions",
        migrations_dir=Path(__file__).parent / "migrations",
        routers=[missions_http.router, jobs_http.router, advances_http.router, guidance_http.router],
        access=ACCESS,
        commands=COMMANDS,
        subscription=Subscription(topics=[topics.PROJECTS], handlers=policies(SERVICE, SUBSCRIPTIONS)),
    )
