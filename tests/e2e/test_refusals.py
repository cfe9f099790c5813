"""End to end: every refusal of the intake and committee rules, through the HTTP
APIs of the running services, answered with a clear 4xx and leaving no event and
no row behind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from devstack.scenario import driver
from devstack.scenario.cases import Case
from devstack.stack import Stack
from devstack.testing import Accounts, eventually, fetch

pytestmark = pytest.mark.infra

FIRM, TIED_FIRM = "799384656", "404833048"


async def _footprint(stack: Stack) -> dict[str, int]:
    """Rows a refused command must not add: events of intake and committee, applications, decisions."""
    counts = {}
    for schema, table in (
        ("intake", "outbox"),
        ("intake", "applications"),
        ("committee", "outbox"),
        ("committee", "decisions"),
    ):
        rows = await fetch(stack.database_url, schema, f"SELECT count(*) AS n FROM {table}")
        counts[f"{schema}.{table}"] = int(rows[0]["n"])  # type: ignore[call-overload]
    return counts


async def test_each_refusal_is_a_clear_4xx_with_no_event_and_no_row(
    stack: Stack, isolation_id: str, accounts: Accounts
) -> None:
    urls, territory = stack.urls, f"refusals-{isolation_id}"
    async with httpx.AsyncClient(timeout=30, headers=await accounts.staff(territory)) as http:
        network = await driver.set_up_network(
            http, urls, accounts, territory, {"skill_sponsorship"}, {"sales"}, conflicted_firm=TIED_FIRM
        )
        good = Case(territory, "skill_sponsorship", FIRM, (2, 5), 5, ("sales",), "approve", skill_days=2)
        tied = Case(territory, "skill_sponsorship", TIED_FIRM, (1, 3), 3, ("sales",), "approve", skill_days=1)
        ineligible = Case(
            territory, "skill_sponsorship", "380129866", (0, 300), 300, ("sales",), "approve", eligible=False
        )
        ids = {case: await driver.apply(http, urls, network, case) for case in (good, tied, ineligible)}
        session = (
            await http.post(
                f"{urls['committee']}/sessions",
                json={
                    "territory": territory,
                    "held_on": "2026-11-20",
                    "quorum": 2,
                    "member_ids": network.members,
                },
            )
        ).json()["session_id"]
        await eventually(  # the committee has read the three applications and their screening
            lambda: http.get(f"{urls['committee']}/docket", params={"territory": territory}),
            lambda r: sum(e["eligible"] is not None for e in r.json()) == 3,
            60,
            waiting_for="the docket",
        )

        closed_call = (
            await http.post(
                f"{urls['intake']}/calls",
                json={
                    "territory": territory,
                    "programme": "skill_sponsorship",
                    "opens_on": "2026-01-01",
                    "closes_on": "2030-12-31",
                    "skill_days_budget": 10,
                    "advances_budget_cents": 0,
                },
            )
        ).json()["call_id"]
        assert (await http.post(f"{urls['intake']}/calls/{closed_call}/close")).status_code == 200
        application: dict[str, Any] = {
            "firm_id": FIRM,
            "sector": "C25",
            "project_kind": "development",
            "project_summary": "x",
            "jobs_planned": {"created": 1, "maintained": 1},
            "baseline_headcount": 5,
            "skills_needed": ["sales"],
            "submit": True,
        }

        def decide(case: Case, **change: Any) -> Any:
            return http.post(
                f"{urls['committee']}/sessions/{session}/decisions",
                json={"decisions": [{**driver.decision_for(case, ids[case], network), **change}]},
            )

        refusals = [
            (
                "closed call",
                lambda: http.post(f"{urls['intake']}/applications", json={**application, "call_id": closed_call}),
                422,
                "is closed",
            ),
            (
                "bad identifier",
                lambda: http.post(
                    f"{urls['intake']}/applications",
                    json={**application, "call_id": network.call_ids["skill_sponsorship"], "firm_id": "404833049"},
                ),
                422,
                "not a valid SIREN",
            ),
            ("ineligible", lambda: decide(ineligible), 422, "screened ineligible"),
            ("no quorum", lambda: decide(good, voters=network.members[:1]), 422, "no quorum"),
            (
                "conflicted voter",
                lambda: decide(tied, voters=network.members[1:]),
                422,
                f"tied to the firm {TIED_FIRM}",
            ),
            ("advance over the fund", lambda: decide(good, advance_amount_cents=10_000_001), 422, "over the fund"),
        ]
        for name, call, status, message in refusals:
            before = await _footprint(stack)
            response = await call()
            assert response.status_code == status, (name, response.text)
            assert (
                message in response.json()["detail"]
                if isinstance(response.json()["detail"], str)
                else message in response.text
            ), (name, response.text)
            assert await _footprint(stack) == before, name

        assert (await decide(good)).status_code == 201
        before = await _footprint(stack)
        later = (
            await http.post(
                f"{urls['committee']}/sessions",
                json={
                    "territory": territory,
                    "held_on": datetime.now(UTC).date().isoformat(),
                    "quorum": 2,
                    "member_ids": network.members,
                },
            )
        ).json()["session_id"]
        twice = await http.post(
            f"{urls['committee']}/sessions/{later}/decisions",
            json={"decisions": [driver.decision_for(good, ids[good], network)]},
        )
        assert twice.status_code == 409 and "already approved" in twice.json()["detail"]
        assert await _footprint(stack) == before


async def _missions_footprint(stack: Stack) -> dict[str, int]:
    counts = {}
    for table in ("outbox", "mission_days", "advance_repayments", "survival_checks", "job_declarations"):
        rows = await fetch(stack.database_url, "missions", f"SELECT count(*) AS n FROM {table}")
        counts[table] = int(rows[0]["n"])  # type: ignore[call-overload]
    return counts


async def test_each_missions_refusal_is_a_clear_4xx_with_no_event_and_no_row(
    stack: Stack, isolation_id: str, accounts: Accounts
) -> None:
    urls, territory = stack.urls, f"outcomes-{isolation_id}"
    today = datetime.now(UTC).date()
    async with httpx.AsyncClient(timeout=30, headers=await accounts.staff(territory)) as http:
        network = await driver.set_up_network(http, urls, accounts, territory, {"skill_sponsorship"}, {"sales"})
        case = Case(
            territory,
            "skill_sponsorship",
            FIRM,
            (2, 5),
            5,
            ("sales",),
            "approve",
            skill_days=1,
            advance_cents=1_000_000,
        )
        application_id = await driver.apply(http, urls, network, case)
        await driver.hold_session(http, urls, network, [(case, application_id)])
        missions = await eventually(
            lambda: http.get(
                f"{urls['missions']}/missions", params={"application_id": application_id, "territory": territory}
            ),
            lambda r: bool(r.json()),
            60,
            waiting_for="the mission",
        )
        mission = f"{urls['missions']}/missions/{missions.json()[0]['mission_id']}"
        advances = await eventually(
            lambda: http.get(
                f"{urls['missions']}/advances", params={"application_id": application_id, "territory": territory}
            ),
            lambda r: bool(r.json()),
            60,
            waiting_for="the advance",
        )
        advance = f"{urls['missions']}/advances/{advances.json()[0]['advance_id']}"
        partner = await accounts.partner(territory, network.partner_id)
        host = await accounts.firm(territory, FIRM)
        expert = {"full_name": "Nadia Benali", "email": "nadia.benali@example.com"}
        start = today  # the approval's day: a day worked is never in the future, nor before the approval
        convention = {
            "expert": expert,
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=90)).isoformat(),
        }
        assert (await http.put(f"{mission}/convention", json=convention)).status_code == 200
        assert (
            await http.post(
                f"{advance}/disbursement",
                json={
                    "disbursed_on": today.isoformat(),
                    "installments": 2,
                    "first_due_on": (today + timedelta(days=30)).isoformat(),
                },
            )
        ).status_code == 200

        def day(offset: int, days: float = 1, party: dict[str, str] = partner) -> Any:
            return http.post(
                f"{mission}/days",
                headers=party,
                json={"worked_on": (start + timedelta(days=offset)).isoformat(), "days": days},
            )

        async def refused(name: str, call: Any, status: int, message: str) -> None:
            before = await _missions_footprint(stack)
            response = await call()
            assert response.status_code == status, (name, response.text)
            assert message in response.text, (name, response.text)
            assert await _missions_footprint(stack) == before, name

        await refused("unsigned convention", lambda: day(0), 422, "is not signed")
        assert (
            await http.post(f"{mission}/convention/signature", json={"signed_on": today.isoformat()})
        ).status_code == 200
        await refused("day outside the window", lambda: day(-1), 422, "outside the mission window")
        await refused("day in the future", lambda: day(2), 422, "is in the future")  # even at UTC+14
        logged = (await day(0, 0.5)).json()["day_id"]
        await refused("over the budget", lambda: day(0), 422, "0.5 of 1.0 contracted days left")
        await refused(
            "confirmed by the wrong party",
            lambda: http.post(f"{mission}/days/{logged}/confirmation", headers=partner),
            403,
            "roles do not allow",
        )
        await refused(
            "repayment above what is owed",
            lambda: http.post(
                f"{advance}/repayments", json={"received_on": today.isoformat(), "amount_cents": 1_000_001}
            ),
            422,
            "above what is owed: 10000.00 EUR",
        )
        await refused(
            "survival check for an unknown firm",
            lambda: http.post(
                f"{urls['missions']}/businesses/{FIRM}/survival-checks",
                json={"years": 1, "active": True, "checked_on": today.isoformat()},
            ),
            404,
            "Nothing with this identifier",
        )
        confirmed = await http.post(f"{mission}/days/{logged}/confirmation", headers=host)
        assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
