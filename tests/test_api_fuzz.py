"""Schemathesis against each service's OpenAPI, the service running in-process on the real Kafka and
PostgreSQL with some data seeded through its API (and, where only events create something, through
Kafka): every check on, a bounded number of examples, a fixed seed. Any server error or any response
that breaks its own schema fails the test; the number of requests each service answered is printed.

`--checks all` turns every check on (not_a_server_error, status_code_conformance,
content_type_conformance, response_headers_conformance, response_schema_conformance,
negative_data_rejection, positive_data_acceptance, missing_required_header, unsupported_method,
allow_header_conformance, use_after_free, ensure_resource_availability, ignored_auth...); the one
configured exception is below. The four services take about two and a half minutes together; each
run's report is kept in .local/schemathesis-<service>.txt."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
import uvicorn
from alize_contracts import Event, Jobs, ProjectApproved
from alize_contracts.events import AdvanceGranted, CallOpened, PartnerAssignment
from devstack.infra import REPO_ROOT, Infra
from devstack.testing import Accounts, SettingsFor, eventually, publish_event, submitted_and_screened
from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

pytestmark = pytest.mark.infra

MAX_EXAMPLES = 40  # per operation and phase
FIRM, CREATED = "404833048", "732829320"  # valid SIRENs: a supported firm, one created through guidance
TODAY = datetime.now(UTC).date()

# Every check schemathesis has, with the expected statuses of two of them widened where the services
# answer by a domain rule the OpenAPI cannot express:
CONFIG = """
workers = 1
color = false
# Keep testing an operation after its first failure, so that one cause does not hide another.
continue-on-failure = true
[generation]
max-examples = {max_examples}
# Hypothesis derandomised: the same schema and seeded data give the same requests (no seed to pick).
deterministic = true
database = "none"
[cache]
enabled = false
[checks]
enabled = true
# Valid by the schema yet refused by a business rule: 422 (Rejected: a closed call, a SIREN whose check
# digit is wrong, an e-mail domain that cannot exist, a date before the fact it depends on...) and 409
# (Conflict: already decided, already signed). The schema cannot say "the call must be open". 403: a rule of
# the access table; 429: the PDF report asked for too often by the one caller schemathesis is. Not 401: its
# token is fresh and valid for the whole run (a 401 would mean the run tested only the guard).
positive_data_acceptance.expected-statuses = ["2xx", "403", "404", "409", "422", "429"]
{dictionaries}
"""


class Counted:
    """The app, counting the HTTP requests it answers."""

    def __init__(self, app: FastAPI) -> None:
        self.app, self.requests = app, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.requests += 1
        await self.app(scope, receive, send)


@contextlib.asynccontextmanager
async def serving(app: Counted) -> AsyncIterator[str]:
    """Serve the app over HTTP on a free port, its lifespan included (schemathesis runs in its own process)."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    try:
        deadline = time.monotonic() + 120
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("the service stopped while starting")
            if time.monotonic() > deadline:
                raise TimeoutError("the service did not start in 120 s")
            await asyncio.sleep(0.1)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def _dictionaries(values: dict[str, list[Any]]) -> str:
    """Seeded values offered to schemathesis for parameters with these names (path, query, header or
    body), so that some generated requests reach real objects."""
    lines = []
    for binding, found in values.items():
        name = binding.replace(".", "_").replace("[*]", "").replace("-", "_")
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(found, default=str)}"]
        lines += [f'[parameters."{binding}"]', f'dictionary = "{name}"', "probability = 0.5"]
    return "\n".join(lines)


Seeder = Callable[[httpx.AsyncClient], Awaitable[dict[str, list[Any]]]]


async def fuzz(
    service: str,
    app: FastAPI,
    seed: Seeder,
    caller: dict[str, str],
    directory: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Seed the service and let schemathesis call it as `caller` (the territory's staff: a real token)."""
    counted = Counted(app)
    async with serving(counted) as url, httpx.AsyncClient(base_url=url, timeout=30, headers=caller) as http:
        values = await seed(http)
        config = directory / f"schemathesis-{service}.toml"
        config.write_text(CONFIG.format(max_examples=MAX_EXAMPLES, dictionaries=_dictionaries(values)))
        counted.requests = 0
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(config),
            "run",
            f"{url}/openapi.json",
            "--checks",
            "all",
            "--header",
            f"Authorization: {caller['Authorization']}",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
        took = time.monotonic() - started
    report = f"schemathesis {service}: {counted.requests} requests in {took:.0f} s, exit code {process.returncode}"
    text = output.decode(errors="replace")
    print(text)  # shown by pytest when the test fails
    (REPO_ROOT / ".local" / f"schemathesis-{service}.txt").write_text(text)
    with capsys.disabled():
        print(f"\n{report}")
    assert process.returncode == 0, report


# --- intake ---------------------------------------------------------------------------------------


async def seed_intake(
    http: httpx.AsyncClient, infrastructure: Infra, territory: str, accounts: Accounts
) -> dict[str, list[Any]]:
    rules = {"min_jobs_planned": 0, "max_headcount": 249, "min_firm_age_months": 0}
    assert (await http.put(f"/territories/{territory}/eligibility-rules/skill_sponsorship", json=rules)).is_success
    call = await http.post(
        "/calls",
        json={
            "territory": territory,
            "programme": "skill_sponsorship",
            "opens_on": (TODAY - timedelta(days=30)).isoformat(),
            "closes_on": (TODAY + timedelta(days=300)).isoformat(),
            "skill_days_budget": 60,
            "advances_budget_cents": 10_000_000,
        },
    )
    assert call.status_code == 201, call.text
    call_id = call.json()["call_id"]
    application = {
        "call_id": call_id,
        "firm_id": FIRM,
        "contact": {"full_name": "Jeanne Martin", "email": "jeanne.martin@example.org"},
        "sector": "C25.62",
        "project_kind": "development",
        "project_summary": "A second production line.",
        "jobs_planned": {"created": 3, "maintained": 12},
        "baseline_headcount": 12,
        "skills_needed": ["sales"],
    }
    draft = await http.post("/applications", json=application)
    submitted = await http.post("/applications", json={**application, "submit": True})
    assert draft.status_code == submitted.status_code == 201, (draft.text, submitted.text)
    applications = [draft.json()["application_id"], submitted.json()["application_id"]]
    return {
        "path.territory": [territory],
        "query.territory": [territory],
        "body.territory": [territory],
        "path.call_id": [call_id],
        "body.call_id": [call_id],
        "path.application_id": applications,
        "path.applicant_id": [draft.json()["applicant_id"]],
        "body.firm_id": [FIRM, "40483304800011"],
    }


# --- committee ------------------------------------------------------------------------------------


async def publish(infrastructure: Infra, *events: Event) -> None:
    for event in events:
        await publish_event(infrastructure.kafka_bootstrap_servers, event)


def eligible_application(territory: str, application_id: UUID, call_id: UUID) -> tuple[Event, Event]:
    """Intake's two events for an application submitted to `call_id` and screened eligible."""
    return submitted_and_screened(territory, application_id, call_id, firm_id=FIRM)


async def seed_committee(
    http: httpx.AsyncClient, infrastructure: Infra, territory: str, accounts: Accounts
) -> dict[str, list[Any]]:
    call_id, applications = uuid4(), [uuid4(), uuid4()]
    await publish(
        infrastructure,
        CallOpened(
            territory=territory,
            call_id=call_id,
            programme="skill_sponsorship",
            opens_on=TODAY - timedelta(days=30),
            closes_on=TODAY + timedelta(days=300),
            skill_days_budget=60,
            advances_budget_cents=10_000_000,
        ),
    )
    for application_id in applications:
        await publish(infrastructure, *eligible_application(territory, application_id, call_id))
    docket = await eventually(
        lambda: http.get("/docket", params={"territory": territory}),
        lambda r: sum(e["eligible"] is not None for e in r.json()) == len(applications),
    )
    assert len(docket.json()) == len(applications), docket.text
    partner = await http.post(
        "/partners",
        json={
            "company_name": "Groupe Chimie Centre",
            "territory": territory,
            "sites": [{"territory": territory, "city": "Châteauroux"}],
        },
    )
    assert partner.status_code == 201, partner.text
    partner_id, site_id = partner.json()["partner_id"], partner.json()["sites"][0]["site_id"]
    offer = {"site_id": site_id, "competence": "sales", "year": TODAY.year, "yearly_capacity_days": 100}
    assert (await http.post(f"/partners/{partner_id}/competences", json=offer)).status_code == 201
    assert (await http.put(f"/territories/{territory}/advance-fund", json={"fund_cents": 50_000_000})).is_success
    members = []
    for name in ("Anne Dupuis", "Bruno Lefèvre", "Chloé Garnier"):
        member = await http.post(
            "/members", json={"territory": territory, "full_name": name, "email": "member@example.org"}
        )
        assert member.status_code == 201, member.text
        members.append(member.json()["member_id"])
    session = await http.post(
        "/sessions", json={"territory": territory, "held_on": TODAY.isoformat(), "quorum": 2, "member_ids": members}
    )
    assert session.status_code == 201, session.text
    return {
        "path.territory": [territory],
        "query.territory": [territory],
        "body.territory": [territory],
        "body.sites[*].territory": [territory],
        "path.application_id": applications,
        "body.decisions[*].application_id": applications,
        "path.member_id": members,
        "body.member_ids[*]": members,
        "body.decisions[*].voters[*]": members,
        "path.session_id": [session.json()["session_id"]],
        "path.partner_id": [partner_id],
        "body.partner_id": [partner_id],
        "body.decisions[*].partners[*].partner_id": [partner_id],
        "body.site_id": [site_id],
        "body.firm_id": [FIRM],
    }


# --- missions -------------------------------------------------------------------------------------


async def seed_missions(
    http: httpx.AsyncClient, infrastructure: Infra, territory: str, accounts: Accounts
) -> dict[str, list[Any]]:
    partner = uuid4()
    approved = ProjectApproved(
        territory=territory,
        application_id=uuid4(),
        programme="skill_sponsorship",
        firm_id=FIRM,
        decided_at=datetime.now(UTC) - timedelta(days=10),
        skill_days_contracted=5,
        advance_amount_cents=2_000_000,
        jobs_planned=Jobs(created=2, maintained=12),
        session_id=uuid4(),
        baseline_headcount=12,
        partners=[PartnerAssignment(partner_id=partner, competence="sales", days=5)],
    )
    granted = AdvanceGranted(
        territory=territory,
        application_id=approved.application_id,
        firm_id=FIRM,
        call_id=None,
        session_id=approved.session_id,
        granted_at=approved.decided_at,
        amount_cents=2_000_000,
    )
    guided = ProjectApproved(
        territory=territory,
        application_id=uuid4(),
        programme="self_employment",
        firm_id=None,
        decided_at=approved.decided_at,
        skill_days_contracted=0,
        advance_amount_cents=None,
        jobs_planned=Jobs(created=1, maintained=0),
        session_id=approved.session_id,
        baseline_headcount=0,
        partners=[],
    )
    await publish(infrastructure, approved, granted, guided)
    application = str(approved.application_id)
    missions = await eventually(
        lambda: http.get("/missions", params={"application_id": application, "territory": territory}), _some
    )
    advances = await eventually(
        lambda: http.get("/advances", params={"application_id": application, "territory": territory}), _some
    )
    assert missions.json() and advances.json(), (missions.text, advances.text)
    mission_id = missions.json()[0]["mission_id"]
    convention = {
        "expert": {"full_name": "Paul Roux", "email": "paul.roux@example.org"},
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=90)).isoformat(),
        "signed_on": TODAY.isoformat(),
    }
    assert (await http.put(f"/missions/{mission_id}/convention", json=convention)).is_success
    lender = await accounts.partner(territory, partner_id=partner)
    day = await http.post(
        f"/missions/{mission_id}/days", json={"worked_on": TODAY.isoformat(), "days": 1}, headers=lender
    )
    assert day.status_code == 201, day.text
    counsellor = await http.post(
        "/counsellors", json={"territory": territory, "full_name": "Inès Blanc", "email": "ines.blanc@example.org"}
    )
    assert counsellor.status_code == 201, counsellor.text
    track = str(guided.application_id)
    await eventually(lambda: http.get("/guidance", params={"territory": territory}), _some)
    session = {"counsellor_id": counsellor.json()["counsellor_id"], "held_on": str(TODAY), "days": 1}
    assert (await http.post(f"/guidance/{track}/sessions", json=session)).status_code == 201
    created = {"outcome": "firm_created", "recorded_on": str(TODAY), "firm_id": CREATED, "created_on": str(TODAY)}
    outcome = await http.post(f"/guidance/{track}/outcome", json=created)
    assert outcome.status_code == 201, outcome.text
    return {
        "path.territory": [territory],
        "query.territory": [territory],
        "body.territory": [territory],
        "path.mission_id": [mission_id],
        "path.application_id": [application, track],
        "query.application_id": [application, track],
        "path.advance_id": [advances.json()[0]["advance_id"]],
        "path.day_id": [day.json()["day_id"]],
        "body.counsellor_id": [counsellor.json()["counsellor_id"]],
        "path.firm_id": [CREATED, FIRM],
    }


def _some(response: httpx.Response) -> bool:
    return bool(response.json())


# --- metrics --------------------------------------------------------------------------------------


async def seed_metrics(
    http: httpx.AsyncClient, infrastructure: Infra, territory: str, accounts: Accounts
) -> dict[str, list[Any]]:
    application_id, call_id = uuid4(), uuid4()
    await publish(infrastructure, *eligible_application(territory, application_id, call_id))
    # A fresh consumer group reads every topic from the start: on a broker that kept the
    # events of many runs (history is kept forever), that takes a while.
    found = await eventually(
        lambda: http.get(f"/metrics/territories/{territory}"), lambda r: r.status_code == 200, timeout=120
    )
    assert found.status_code == 200, found.text
    indicators = [i["code"] for i in (await http.get("/indicators")).json()]
    return {
        "path.territory": [territory],
        "query.territory": [territory],
        "path.scope": [territory, "national"],
        "path.year": [TODAY.year],
        "query.year": [TODAY.year],
        "path.indicator": indicators,
    }


# --- the test -------------------------------------------------------------------------------------

SEEDERS: dict[str, Callable[[httpx.AsyncClient, Infra, str], Awaitable[dict[str, list[Any]]]]] = {
    "intake": seed_intake,
    "committee": seed_committee,
    "missions": seed_missions,
    "metrics": seed_metrics,
}


@pytest.mark.parametrize("service", list(SEEDERS))
async def test_no_input_makes_a_server_error_or_breaks_the_schema(
    service: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    service_settings: SettingsFor,
    infrastructure: Infra,
    territory: str,
    accounts: Accounts,
) -> None:
    # Each service's own create_app and settings class (intake.app, intake.settings.IntakeSettings...).
    settings_class = getattr(importlib.import_module(f"{service}.settings"), f"{service.capitalize()}Settings")
    app = importlib.import_module(f"{service}.app").create_app(settings_class(**service_settings(service)))
    seed = SEEDERS[service]
    # The metrics serve national figures too: the national coordinator reads every route.
    caller = await (accounts.national() if service == "metrics" else accounts.staff(territory))
    await fuzz(service, app, lambda http: seed(http, infrastructure, territory, accounts), caller, tmp_path, capsys)
