"""End to end: the chain an outside tester ran anonymously against the unauthenticated platform
(read the docket, an application, the applicant's personal data; raise the revolving fund, appoint
a member, plan a session with quorum 1, approve an advance; draw up and sign a convention, log a day
as the partner and confirm it as the host firm; declare jobs; write the advance off; change the
eligibility rules; erase the applicant; read figures, lineage, dashboard and report). Each step is
refused without a token (401) and to callers of another territory or role (403), then done by the
right role of the right territory, with tokens from the real Keycloak."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from devstack.identity import Accounts
from devstack.polling import eventually
from devstack.scenario import driver
from devstack.scenario.cases import Case
from devstack.stack import Stack
from devstack.testing import fetch

pytestmark = pytest.mark.infra

FIRM = "799384656"


@dataclass
class Step:
    name: str
    method: str
    url: str
    right: dict[str, str]
    """The headers of who may do it."""
    wrong: list[dict[str, str]] = field(default_factory=list)
    """Callers refused with 403 (on top of the anonymous caller, refused with 401)."""
    body: Any = None
    status: int = 200


async def _run(http: httpx.AsyncClient, step: Step) -> httpx.Response:
    anonymous = await http.request(step.method, step.url, json=step.body)
    assert anonymous.status_code == 401, (step.name, "anonymous", anonymous.status_code, anonymous.text)
    assert anonymous.headers["www-authenticate"].startswith('Bearer realm="alize"'), step.name
    for i, caller in enumerate(step.wrong):
        refused = await http.request(step.method, step.url, json=step.body, headers=caller)
        assert refused.status_code == 403, (step.name, f"wrong caller {i}", refused.status_code, refused.text)
    done = await http.request(step.method, step.url, json=step.body, headers=step.right)
    assert done.status_code == step.status, (step.name, done.status_code, done.text)
    return done


async def test_the_anonymous_attack_chain_fails_at_every_step_and_the_right_roles_succeed(
    stack: Stack, accounts: Accounts, isolation_id: str
) -> None:
    urls, territory, elsewhere = stack.urls, f"chain-{isolation_id}", f"chain-{isolation_id}-other"
    today = datetime.now(UTC).date()
    staff, funder = await accounts.staff(territory), await accounts.funder(territory)
    stranger, stranger_funder = await accounts.staff(elsewhere), await accounts.funder(elsewhere)
    firm, other_firm = await accounts.firm(territory, FIRM), await accounts.firm(territory, "732829320")
    staff_account = await accounts.account("network-staff", territory)
    as_staff = httpx.AsyncClient(timeout=60, auth=staff_account.auth)
    async with as_staff, httpx.AsyncClient(timeout=60) as http:
        network = await driver.set_up_network(as_staff, urls, accounts, territory, {"skill_sponsorship"}, {"sales"})
        partner = await accounts.partner(territory, network.partner_id)
        application = (
            await http.post(
                f"{urls['intake']}/applications",
                headers=firm,
                json={
                    "call_id": network.call_ids["skill_sponsorship"],
                    "firm_id": FIRM,
                    "contact": {"full_name": "Jeanne Martin", "email": "jeanne.martin@example.org"},
                    "sector": "C25",
                    "project_kind": "development",
                    "project_summary": "A second production line.",
                    "jobs_planned": {"created": 2, "maintained": 5},
                    "baseline_headcount": 5,
                    "skills_needed": ["sales"],
                    "submit": True,
                },
            )
        ).json()
        application_id, applicant_id = application["application_id"], application["applicant_id"]
        await eventually(
            lambda: as_staff.get(f"{urls['committee']}/docket", params={"territory": territory}),
            lambda r: any(e["application_id"] == application_id and e["eligible"] for e in r.json()),
            60,
            waiting_for="the docket",
        )

        await _run(
            http,
            Step(
                "read the docket",
                "GET",
                f"{urls['committee']}/docket?territory={territory}",
                staff,
                [stranger, firm, funder],
            ),
        )
        await _run(
            http,
            Step(
                "read an application",
                "GET",
                f"{urls['intake']}/applications/{application_id}",
                staff,
                [stranger, other_firm],
            ),
        )
        await _run(
            http,
            Step(
                "read the applicant's personal data",
                "GET",
                f"{urls['intake']}/applicants/{applicant_id}",
                staff,
                [stranger, other_firm, funder],
            ),
        )
        await _run(
            http,
            Step(
                "raise the revolving fund",
                "PUT",
                f"{urls['committee']}/territories/{territory}/advance-fund",
                staff,
                [stranger, funder, firm],
                body={"fund_cents": 10_000_000},
            ),
        )
        member = await _run(
            http,
            Step(
                "appoint a committee member",
                "POST",
                f"{urls['committee']}/members",
                staff,
                [stranger, firm],
                body={"territory": territory, "full_name": "A", "email": "a@example.org"},
                status=201,
            ),
        )
        session = await _run(
            http,
            Step(
                "plan a session with quorum 1",
                "POST",
                f"{urls['committee']}/sessions",
                staff,
                [stranger, partner],
                status=201,
                body={
                    "territory": territory,
                    "held_on": today.isoformat(),
                    "quorum": 1,
                    "member_ids": [member.json()["member_id"]],
                },
            ),
        )
        case = Case(
            territory,
            "skill_sponsorship",
            FIRM,
            (2, 5),
            5,
            ("sales",),
            "approve",
            skill_days=2,
            advance_cents=5_000_000,
        )
        decision = driver.decision_for(case, application_id, network, name_voters=False)
        decision["voters"] = [member.json()["member_id"]]
        await _run(
            http,
            Step(
                "approve a 50 k€ advance",
                "POST",
                f"{urls['committee']}/sessions/{session.json()['session_id']}/decisions",
                staff,
                [stranger, await accounts.member(territory, member.json()["member_id"])],
                body={"decisions": [decision]},
                status=201,
            ),
        )

        where = {"application_id": application_id, "territory": territory}
        missions = await eventually(
            lambda: as_staff.get(f"{urls['missions']}/missions", params=where),
            lambda r: bool(r.json()),
            60,
            waiting_for="the mission",
        )
        mission = f"{urls['missions']}/missions/{missions.json()[0]['mission_id']}"
        convention = {
            "expert": {"full_name": "Nadia Benali", "email": "nadia.benali@example.com"},
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=90)).isoformat(),
        }
        await _run(
            http,
            Step(
                "draw up the convention",
                "PUT",
                f"{mission}/convention",
                staff,
                [stranger, partner, firm],
                body=convention,
            ),
        )
        await _run(
            http,
            Step(
                "sign the convention",
                "POST",
                f"{mission}/convention/signature",
                staff,
                [stranger, partner],
                body={"signed_on": today.isoformat()},
            ),
        )
        other_partner = await accounts.partner(territory, "00000000-0000-4000-8000-000000000000")
        day = await _run(
            http,
            Step(
                "log a day as the partner",
                "POST",
                f"{mission}/days",
                partner,
                [staff, firm, other_partner],
                body={"worked_on": today.isoformat(), "days": 1},
                status=201,
            ),
        )
        await _run(
            http,
            Step(
                "confirm the day as the host firm",
                "POST",
                f"{mission}/days/{day.json()['day_id']}/confirmation",
                firm,
                [partner, other_firm, staff],
            ),
        )
        await _run(
            http,
            Step(
                "declare jobs",
                "POST",
                f"{urls['missions']}/applications/{application_id}/job-declarations",
                firm,
                [other_firm, partner, stranger],
                body={"as_of": today.isoformat(), "headcount": 6},
                status=201,
            ),
        )
        advances = await eventually(
            lambda: as_staff.get(f"{urls['missions']}/advances", params=where),
            lambda r: bool(r.json()),
            60,
            waiting_for="the advance",
        )
        advance = f"{urls['missions']}/advances/{advances.json()[0]['advance_id']}"
        await _run(
            http,
            Step(
                "disburse the advance",
                "POST",
                f"{advance}/disbursement",
                staff,
                [stranger, firm],
                body={
                    "disbursed_on": today.isoformat(),
                    "installments": 2,
                    "first_due_on": (today + timedelta(days=30)).isoformat(),
                },
            ),
        )
        await _run(
            http,
            Step(
                "write the advance off",
                "POST",
                f"{advance}/write-off",
                staff,
                [stranger, firm, funder],
                body={"written_off_on": today.isoformat(), "reason": "The firm ceased trading."},
            ),
        )
        await _run(
            http,
            Step(
                "change the eligibility rules",
                "PUT",
                f"{urls['intake']}/territories/{territory}/eligibility-rules/skill_sponsorship",
                staff,
                [stranger, funder],
                body={"min_jobs_planned": 0, "max_headcount": None},
            ),
        )
        await _run(
            http,
            Step(
                "erase the applicant",
                "DELETE",
                f"{urls['intake']}/applicants/{applicant_id}",
                staff,
                [stranger, firm],
                status=204,
            ),
        )

        metrics = urls["metrics"]
        year = today.year
        for name, url in (
            ("the territory's figures", f"{metrics}/metrics/territories/{territory}"),
            ("the lineage (firm ids)", f"{metrics}/lineage/firms_supported?territory={territory}"),
            ("the dashboard", f"{metrics}/dashboard/{territory}"),
            ("the annual report", f"{metrics}/reports/{territory}/{year}"),
        ):
            await eventually(
                lambda u=url: http.get(u, headers=funder), lambda r: r.status_code == 200, 60, waiting_for=name
            )
            await _run(http, Step(f"read {name}", "GET", url, funder, [stranger_funder, firm, partner]))

        # Who decided and who paid: on record, and in the events subscribers get, by opaque subject.
        subject = staff_account.subject
        audit = (await as_staff.get(f"{urls['missions']}/audit", params={"territory": territory})).json()
        assert {"WriteOffAdvance", "DisburseAdvance", "LogMissionDay", "ConfirmDay"} <= {e["command"] for e in audit}
        assert {e["subject"] for e in audit if e["command"] == "WriteOffAdvance"} == {subject}
        for schema, fact, by in (
            ("committee", "project.approved", "decided_by"),
            ("missions", "advance.disbursed", "recorded_by"),
            ("missions", "advance.written_off", "recorded_by"),
        ):
            (event,) = await fetch(
                stack.database_url,
                schema,
                "SELECT payload FROM outbox WHERE type = $1 AND payload->>'application_id' = $2",
                f"org.alize.{schema}.{fact}.v1",
                application_id,
            )
            assert event["payload"][by] == subject, fact  # type: ignore[index]
