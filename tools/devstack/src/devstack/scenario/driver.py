"""Plays cases against a running stack, through the services' HTTP APIs only, each request with
the token of whoever does it in a network: its staff, the partner company's site manager, the
host firm."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx

from devstack.identity import Accounts
from devstack.polling import eventually
from devstack.scenario.cases import Case, Guidance


def _ok(response: httpx.Response) -> Any:
    if response.is_error:
        raise RuntimeError(
            f"{response.request.method} {response.request.url} -> {response.status_code}: {response.text}"
        )
    return response.json()


@dataclass
class Network:
    """One territory's call, partner and committee members, as the APIs created them."""

    territory: str
    accounts: Accounts
    call_ids: dict[str, str] = field(default_factory=dict)  # by programme
    partner_id: str = ""
    members: list[str] = field(default_factory=list)
    counsellor_id: str = ""


@dataclass
class Outcome:
    application_ids: list[str] = field(default_factory=list)
    session_ids: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Populated:
    """A scenario run through a stack's APIs: its territories, outcome, expected and shown metrics."""

    indre: str
    gard: str
    outcome: Outcome
    expected: dict[str, dict[str, Any]]
    shown: dict[str, dict[str, Any]]


async def set_up_network(
    http: httpx.AsyncClient,
    urls: Mapping[str, str],
    accounts: Accounts,
    territory: str,
    programmes: set[str],
    competences: set[str],
    conflicted_firm: str | None = None,
) -> Network:
    """The territory's call, partner company, committee and counsellor, set up by its staff (`http`)."""
    network = Network(territory, accounts)
    today = datetime.now(UTC).date()
    for programme in sorted(programmes):
        network.call_ids[programme] = _ok(
            await http.post(
                f"{urls['intake']}/calls",
                json={
                    "territory": territory,
                    "programme": programme,
                    "opens_on": (today - timedelta(days=60)).isoformat(),
                    "closes_on": (today + timedelta(days=30)).isoformat(),
                    "skill_days_budget": 60,
                    "advances_budget_cents": 10_000_000,
                },
            )
        )["call_id"]
    partner = _ok(
        await http.post(
            f"{urls['committee']}/partners",
            json={
                "company_name": f"Groupe Industriel {territory.split('-')[0].title()}",
                "territory": territory,
                "sites": [{"territory": territory, "city": None}],
                "contact": {"full_name": "Claire Bernard", "email": "claire.bernard@example.com"},
            },
        )
    )
    network.partner_id = partner["partner_id"]
    for competence in sorted(competences):
        _ok(
            await http.post(
                f"{urls['committee']}/partners/{network.partner_id}/competences",
                json={
                    "site_id": partner["sites"][0]["site_id"],
                    "competence": competence,
                    "year": today.year,
                    "yearly_capacity_days": 20,
                },
            )
        )
    for name in ("Anne Leroy", "Marc Giraud", "Sophie Roux"):
        member = _ok(
            await http.post(
                f"{urls['committee']}/members",
                json={"territory": territory, "full_name": name, "email": f"{name.split()[0].lower()}@example.org"},
            )
        )
        network.members.append(member["member_id"])
    if conflicted_firm:  # the third member is tied to a firm: abstains on its projects
        _ok(
            await http.post(
                f"{urls['committee']}/members/{network.members[2]}/conflicts", json={"firm_id": conflicted_firm}
            )
        )
    if "self_employment" in programmes:
        counsellor = {"territory": territory, "full_name": "Luc Maes", "email": "luc.maes@example.be"}
        network.counsellor_id = _ok(await http.post(f"{urls['missions']}/counsellors", json=counsellor))[
            "counsellor_id"
        ]
    return network


async def apply(http: httpx.AsyncClient, urls: Mapping[str, str], network: Network, case: Case) -> str:
    body: dict[str, Any] = {
        "call_id": network.call_ids[case.programme],
        "project_kind": "development" if case.firm_id else "creation",
        "project_summary": "Scenario project",
        "jobs_planned": {"created": case.planned[0], "maintained": case.planned[1]},
        "baseline_headcount": case.baseline,
        "skills_needed": list(case.skills),
        "submit": True,
    }
    if case.firm_id:
        body |= {"firm_id": case.firm_id, "sector": "C25"}
    else:
        body["contact"] = {"full_name": "Camille Martin", "email": "camille.martin@example.org"}
    application = _ok(
        await http.post(f"{urls['intake']}/applications", json=body, headers={"Idempotency-Key": f"scenario-{uuid4()}"})
    )
    if application["screened_eligible"] != case.eligible:
        raise RuntimeError(f"screening found {application['screening_reasons']} for {case}")
    if case.decision == "withdraw":
        _ok(await http.post(f"{urls['intake']}/applications/{application['application_id']}/withdraw"))
    application_id: str = application["application_id"]
    return application_id


def decision_for(case: Case, application_id: str, network: Network, *, name_voters: bool = True) -> dict[str, Any]:
    """The case's decision as staff records it; `name_voters`: staff names the two members who voted for it
    (on paper), else their own ballots are counted (see `hold_session`)."""
    decision: dict[str, Any] = {"application_id": application_id, "outcome": case.decision}
    if name_voters:
        decision["voters"] = network.members[:2]  # the conflicted third member abstains
    if case.decision == "approve":
        partners = [{"partner_id": network.partner_id, "competence": case.skills[0], "days": case.skill_days}]
        return decision | {
            "skill_days": case.skill_days,
            "advance_amount_cents": case.advance_cents,
            "partners": partners if case.skill_days and case.programme == "skill_sponsorship" else [],
        }
    return decision | {"reason": case.reason}


async def cast_ballots(
    http: httpx.AsyncClient, urls: Mapping[str, str], network: Network, session_id: str, decided: list[tuple[Case, str]]
) -> None:
    """Each member votes with its own account: the first two for each case's decision, the third (conflicted
    on one of the firms) abstains."""
    for member_id in network.members:
        member = await network.accounts.member(network.territory, member_id)
        for case, application_id in decided:
            choice = "abstain" if member_id == network.members[2] else case.decision
            url = f"{urls['committee']}/sessions/{session_id}/ballots/{application_id}"
            _ok(await http.put(url, json={"choice": choice}, headers=member))


async def hold_session(
    http: httpx.AsyncClient, urls: Mapping[str, str], network: Network, decided: list[tuple[Case, str]]
) -> str:
    """Plan a session, wait for its agenda to show every eligible application, let its members cast their
    ballots, record the decisions they make all at once."""
    session_id: str = _ok(
        await http.post(
            f"{urls['committee']}/sessions",
            json={
                "territory": network.territory,
                "held_on": datetime.now(UTC).date().isoformat(),
                "quorum": 2,
                "member_ids": network.members,
            },
        )
    )["session_id"]
    wanted = {application_id for _, application_id in decided}
    await eventually(
        lambda: http.get(f"{urls['committee']}/sessions/{session_id}/agenda"),
        lambda r: wanted <= {e["application_id"] for e in r.json()},
        60,
        waiting_for=f"the agenda of {network.territory} to list its eligible applications",
    )
    await cast_ballots(http, urls, network, session_id, decided)
    decisions = [decision_for(case, application_id, network, name_voters=False) for case, application_id in decided]
    _ok(await http.post(f"{urls['committee']}/sessions/{session_id}/decisions", json={"decisions": decisions}))
    return session_id


async def run_outcomes(
    http: httpx.AsyncClient,
    urls: Mapping[str, str],
    network: Network,
    case: Case,
    application_id: str,
    outcome: Outcome,
) -> None:
    """The support and its results for one approved project, through the missions service."""
    today = datetime.now(UTC).date()
    if case.skill_days:
        await _run_mission(http, urls, network, case, application_id, outcome, today)
    url = f"{urls['missions']}/applications/{application_id}/job-declarations"
    for headcount in case.headcounts:  # all as of today (the approval is today too): the last one supersedes
        _ok(await http.post(url, json={"as_of": today.isoformat(), "headcount": headcount}))
    if case.advance_cents:
        advances = await eventually(
            lambda: http.get(
                f"{urls['missions']}/advances",
                params={"application_id": application_id, "territory": network.territory},
            ),
            lambda r: bool(r.json()),
            60,
            waiting_for=f"the advance of application {application_id}",
        )
        advance_url = f"{urls['missions']}/advances/{advances.json()[0]['advance_id']}"
        _ok(
            await http.post(
                f"{advance_url}/disbursement",
                json={
                    "disbursed_on": today.isoformat(),
                    "installments": 4,
                    "first_due_on": (today + timedelta(days=31)).isoformat(),
                    "months_between": 3,
                },
            )
        )
        if case.repaid_cents:
            _ok(
                await http.post(
                    f"{advance_url}/repayments",
                    json={"received_on": today.isoformat(), "amount_cents": case.repaid_cents},
                )
            )
    if case.guidance:
        await _run_guidance(http, urls, network, case.guidance, application_id, today)


async def _run_mission(
    http: httpx.AsyncClient,
    urls: Mapping[str, str],
    network: Network,
    case: Case,
    application_id: str,
    outcome: Outcome,
    today: date,
) -> None:
    missions = await eventually(
        lambda: http.get(
            f"{urls['missions']}/missions", params={"application_id": application_id, "territory": network.territory}
        ),
        lambda r: bool(r.json()),
        60,
        waiting_for=f"a mission for application {application_id}",
    )
    url = f"{urls['missions']}/missions/{missions.json()[0]['mission_id']}"
    partner = await network.accounts.partner(network.territory, network.partner_id)
    host = await network.accounts.firm(network.territory, case.firm_id)
    _ok(
        await http.put(
            f"{url}/convention",
            json={
                "expert": {
                    "full_name": "Nadia Benali",
                    "email": "nadia.benali@example.com",
                    "job_title": "Sales director",
                },
                "starts_on": today.isoformat(),
                "ends_on": (today + timedelta(days=330)).isoformat(),
                "signed_on": today.isoformat(),
            },
        )
    )
    to_review = [(day, False) for day in case.days] + [(day, True) for day in case.disputed]
    for days, disputed in to_review:
        day = _ok(
            await http.post(
                f"{url}/days",
                headers=partner,
                json={"worked_on": today.isoformat(), "days": days},
            )
        )
        if disputed:
            _ok(
                await http.post(
                    f"{url}/days/{day['day_id']}/dispute",
                    headers=host,
                    json={"reason": "The visit did not take place."},
                )
            )
        else:
            _ok(await http.post(f"{url}/days/{day['day_id']}/confirmation", headers=host))
    if case.skill_days - sum(case.days) < 1:  # a full day more is over the budget
        refused = await http.post(f"{url}/days", headers=partner, json={"worked_on": today.isoformat(), "days": 1})
        if refused.status_code != 422:
            raise RuntimeError(f"a day over the budget was not refused: {refused.status_code}")
        outcome.refusals.append(refused.json()["detail"])
    _ok(
        await http.post(
            f"{url}/closure",
            headers=host,
            json={"closed_on": today.isoformat(), "satisfaction": 5},
        )
    )


async def _run_guidance(
    http: httpx.AsyncClient,
    urls: Mapping[str, str],
    network: Network,
    guidance: Guidance,
    application_id: str,
    today: date,
) -> None:
    url = f"{urls['missions']}/guidance/{application_id}"
    await eventually(
        lambda: http.get(f"{urls['missions']}/guidance", params={"territory": network.territory}),
        lambda r: any(t["application_id"] == application_id for t in r.json()),
        60,
        waiting_for=f"the guidance track of {application_id}",
    )
    for _ in range(guidance.sessions):
        _ok(
            await http.post(
                f"{url}/sessions",
                json={"counsellor_id": network.counsellor_id, "held_on": today.isoformat(), "days": 0.5},
            )
        )
    _ok(
        await http.post(
            f"{url}/outcome",
            json={
                "outcome": guidance.outcome,
                "recorded_on": today.isoformat(),
                "firm_id": guidance.firm_id,
                "created_on": guidance.created_on.isoformat() if guidance.created_on else None,
            },
        )
    )
    for years, active in guidance.survival:
        assert guidance.created_on is not None
        checked_on = guidance.created_on.replace(year=guidance.created_on.year + years) + timedelta(days=7)
        _ok(
            await http.post(
                f"{urls['missions']}/businesses/{guidance.firm_id}/survival-checks",
                json={"years": years, "active": active, "checked_on": checked_on.isoformat()},
            )
        )


async def run(urls: Mapping[str, str], scenario: list[Case], accounts: Accounts) -> Outcome:
    outcome = Outcome()
    territories = sorted({c.territory for c in scenario})
    async with contextlib.AsyncExitStack() as stack:
        staff = {}  # each territory's staff does its network's work
        for territory in territories:
            auth = (await accounts.account("network-staff", territory)).auth  # renewed over a long scenario
            staff[territory] = await stack.enter_async_context(httpx.AsyncClient(timeout=30, auth=auth))
        networks = {}
        for territory in territories:
            local = [c for c in scenario if c.territory == territory]
            networks[territory] = await set_up_network(
                staff[territory],
                urls,
                accounts,
                territory,
                {c.programme for c in local},
                {s for c in local for s in c.skills},
                conflicted_firm=next((c.firm_id for c in local if c.firm_id), None),
            )
        ids = await asyncio.gather(*(apply(staff[c.territory], urls, networks[c.territory], c) for c in scenario))
        outcome.application_ids = list(ids)
        for territory in territories:
            decided = [
                (c, i)
                for c, i in zip(scenario, ids, strict=True)
                if c.territory == territory and c.eligible and c.decision != "withdraw"
            ]
            outcome.session_ids.append(await hold_session(staff[territory], urls, networks[territory], decided))
        await asyncio.gather(
            *(
                run_outcomes(staff[c.territory], urls, networks[c.territory], c, i, outcome)
                for c, i in zip(scenario, ids, strict=True)
                if c.eligible and c.decision == "approve"
            )
        )
    return outcome


async def wait_for_metrics(
    metrics_url: str, expected: Mapping[str, Mapping[str, Any]], reader: Mapping[str, str], timeout: float = 60
) -> dict[str, dict[str, Any]]:
    """Poll the metrics service, as `reader` (headers with a token that reads these territories), until
    it shows `expected` for each territory (or time out and return what it shows, for the caller to compare)."""
    async with httpx.AsyncClient(timeout=10, headers=reader) as http:

        async def shown() -> dict[str, dict[str, Any]]:
            return {t: (await http.get(f"{metrics_url}/metrics/territories/{t}")).json() for t in expected}

        return await eventually(shown, lambda found: found == expected, timeout, interval=0.3)
