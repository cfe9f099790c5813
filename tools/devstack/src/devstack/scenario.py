"""A small, realistic scenario driven through the services' HTTP APIs only.

Per territory: a call for applications, a partner company offering competences,
three committee members (one with a conflict of interest). Applications from
firms and from a person with no firm yet, one screened ineligible, one
withdrawn; a committee session approving (with partners and advances),
rejecting and deferring in one request. Then the support and its outcomes:
staff-loan conventions signed, mission days logged by the partner and
confirmed (or disputed) by the host firm, one refused over the budget, missions
closed with an evaluation; headcount declarations (a later one superseding an
earlier one); advances disbursed on a schedule and repaid in part; a guidance
track for a person creating their own job, and the survival of firms created
through guidance in earlier years (recorded from the network's history).

`expected_metrics` computes what the metrics service must show from the
scenario's own data, independently of the services' code.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from uuid import uuid4

import httpx

Decision = Literal["approve", "reject", "defer", "withdraw"]


@dataclass(frozen=True)
class Guidance:
    """A participant's guidance track: sessions, then an outcome; a firm created gets survival checks."""

    sessions: int
    outcome: Literal["firm_created", "employment", "left_programme"]
    firm_id: str | None = None
    created_on: date | None = None
    survival: tuple[tuple[int, bool], ...] = ()  # (years after creation, still active)


@dataclass(frozen=True)
class Case:
    territory: str
    programme: str
    firm_id: str | None
    planned: tuple[int, int]  # jobs planned over three years (created, maintained)
    baseline: int
    skills: tuple[str, ...]
    decision: Decision  # "withdraw": the applicant withdraws before the session
    eligible: bool = True  # what screening must find, given the data below
    skill_days: float = 0
    advance_cents: int | None = None
    reason: str | None = None
    # (days after approval, length): logged and confirmed. The committee decides during the run,
    # and a day worked is a fact, never in the future: every day is logged on the day of approval.
    days: tuple[tuple[int, float], ...] = ()
    disputed: tuple[tuple[int, float], ...] = ()  # logged, then disputed by the host firm
    headcounts: tuple[int, ...] = ()  # successive declarations; the last one counts
    repaid_cents: int = 0  # repaid on the advance after its disbursement
    guidance: Guidance | None = None


def cases(indre: str = "indre", gard: str = "gard-cevennes") -> list[Case]:
    # fmt: off
    return [
        Case(indre, "skill_sponsorship", "404833048", (3, 12), 12, ("sales", "strategic-positioning"), "approve",
             skill_days=3, advance_cents=2_300_000, days=((0, 0.5),), disputed=((0, 0.5),),
             headcounts=(13, 14), repaid_cents=575_000),
        Case(indre, "skill_sponsorship", "55210055400013", (1, 4), 4, ("hse",), "approve", skill_days=4,
             days=((0, 1),), headcounts=(4,)),
        # The same firm as the first case, supported again: still one firm supported.
        Case(indre, "skill_sponsorship", "404833048", (0, 12), 12, ("digital-marketing",), "approve",
             skill_days=1.5, days=((0, 1),)),
        Case(indre, "self_employment", None, (1, 0), 0, ("business-plan",), "approve",
             guidance=Guidance(sessions=3, outcome="firm_created", firm_id="BE0403170701",
                               created_on=date(2026, 9, 1))),
        # Participants of earlier years whose firms' survival the network follows.
        Case(indre, "self_employment", None, (1, 0), 0, ("business-plan",), "approve",
             guidance=Guidance(sessions=0, outcome="firm_created", firm_id="BE0207762320",
                               created_on=date(2022, 3, 1), survival=((1, True), (2, True), (3, True)))),
        Case(indre, "self_employment", None, (1, 0), 0, ("business-plan",), "approve",
             guidance=Guidance(sessions=0, outcome="firm_created", firm_id="BE0424982437",
                               created_on=date(2022, 6, 1), survival=((1, True), (3, False)))),
        Case(indre, "self_employment", None, (1, 0), 0, ("business-plan",), "approve",
             guidance=Guidance(sessions=2, outcome="employment")),
        Case(indre, "skill_sponsorship", "380129866", (2, 3), 3, ("sales",), "reject",
             reason="No development, takeover or recovery project yet."),
        # Above the default maximum headcount of 249: screened ineligible, never on an agenda.
        Case(indre, "skill_sponsorship", "443061841", (0, 300), 300, ("export",), "reject", eligible=False),
        Case(gard, "skill_sponsorship", "443061841", (4, 8), 8, ("sales", "export"), "approve",
             skill_days=2, advance_cents=1_500_000, days=((0, 1),), headcounts=(12,), repaid_cents=375_000),
        Case(gard, "skill_sponsorship", "512345679", (1, 2), 2, ("finance",), "reject",
             reason="Already supported by another programme this year."),
        Case(gard, "skill_sponsorship", "799384656", (2, 20), 20, ("lean-manufacturing",), "approve",
             skill_days=5, days=((0, 0.5),)),
        Case(gard, "skill_sponsorship", "732829320", (1, 6), 6, ("quality",), "defer",
             reason="The financial forecast is to be completed for the next session."),
        Case(gard, "skill_sponsorship", "100000009", (1, 1), 1, ("sales",), "withdraw"),
    ]
    # fmt: on


def empty_metrics(territory: str, **counts: Any) -> dict[str, Any]:
    """A territory's metrics before any event, with `counts` set."""
    return {
        "territory": territory,
        "applications": 0,
        "screened_eligible": 0,
        "screened_ineligible": 0,
        "approved": 0,
        "rejected": 0,
        "deferred": 0,
        "withdrawn": 0,
        "sessions_held": 0,
        "approval_rate": None,
        "median_days_to_decision": None,
        "firms_supported": 0,
        "firms_financial_support": 0,
        "firms_non_financial_support": 0,
        "smes_supported": 0,
        "active_partners": 0,
        "partner_sites": 0,
        "days_contracted": 0.0,
        "days_delivered": 0.0,
        "average_days_per_project": None,
        "missions_closed": 0,
        "jobs_planned": {"created": 0, "maintained": 0},
        "jobs_declared": {"created": 0, "maintained": 0},
        "advances_granted": 0,
        "advances_granted_cents": 0,
        "advances_disbursed_cents": 0,
        "advances_repaid_cents": 0,
        "advances_written_off_cents": 0,
        "advances_outstanding_cents": 0,
        "average_advance_cents": None,
        "people_guided": 0,
        "firms_created": 0,
        "oriented_to_employment": 0,
        "left_programme": 0,
        "survival_checks_3y": 0,
        "active_3y": 0,
        "survival_rate_3y": None,
        **counts,
    }


def expected_metrics(scenario: list[Case]) -> dict[str, dict[str, Any]]:
    """What the metrics service must report per territory, from the data alone."""
    result: dict[str, dict[str, Any]] = {}
    firms: dict[str, dict[str, set[str]]] = {}  # territory -> figure -> firms (each counted once)
    with_days: dict[str, int] = {}
    for case in scenario:
        m = result.setdefault(case.territory, empty_metrics(case.territory, sessions_held=1))
        m["applications"] += 1
        m["screened_eligible" if case.eligible else "screened_ineligible"] += 1
        if case.decision == "withdraw":
            m["withdrawn"] += 1
        if not case.eligible or case.decision != "approve":
            m["rejected"] += case.eligible and case.decision == "reject"
            m["deferred"] += case.decision == "defer"
            continue
        m["approved"] += 1
        if case.firm_id:
            firm, counted = case.firm_id[:9], firms.setdefault(case.territory, {})  # a SIRET counts as its SIREN
            counted.setdefault("firms_supported", set()).add(firm)
            if case.baseline < 250:
                counted.setdefault("smes_supported", set()).add(firm)
            if case.advance_cents:
                counted.setdefault("firms_financial_support", set()).add(firm)
            if case.skill_days:
                counted.setdefault("firms_non_financial_support", set()).add(firm)
        if case.skill_days:
            with_days[case.territory] = with_days.get(case.territory, 0) + 1
            m["active_partners"] = 1  # the territory's one partner company
        m["days_contracted"] += case.skill_days
        m["days_delivered"] += sum(d for _, d in case.days)  # disputed days are not delivered
        m["missions_closed"] += 1 if case.skill_days else 0
        m["jobs_planned"]["created"] += case.planned[0]
        m["jobs_planned"]["maintained"] += case.planned[1]
        if case.headcounts:  # IRIS+: created = net new FTE, maintained = baseline posts still filled
            m["jobs_declared"]["created"] += max(0, case.headcounts[-1] - case.baseline)
            m["jobs_declared"]["maintained"] += min(case.headcounts[-1], case.baseline)
        if case.advance_cents:
            m["advances_granted"] += 1
            m["advances_granted_cents"] += case.advance_cents
            m["advances_disbursed_cents"] += case.advance_cents
            m["advances_repaid_cents"] += case.repaid_cents
            m["advances_outstanding_cents"] += case.advance_cents - case.repaid_cents
        if case.guidance:
            m["people_guided"] += case.guidance.sessions > 0
            key = {
                "firm_created": "firms_created",
                "employment": "oriented_to_employment",
                "left_programme": "left_programme",
            }[case.guidance.outcome]
            m[key] += 1
            for years, active in case.guidance.survival:
                if years == 3:
                    m["survival_checks_3y"] += 1
                    m["active_3y"] += active
    for territory, counted in firms.items():
        for figure, found in counted.items():
            result[territory][figure] = len(found)
    for territory, m in result.items():
        m["partner_sites"] = 1  # the partner company has one site in the territory
        if m["survival_checks_3y"]:
            m["survival_rate_3y"] = round(m["active_3y"] / m["survival_checks_3y"], 4)
        if decided := m["approved"] + m["rejected"]:
            m["approval_rate"] = round(m["approved"] / decided, 4)
            m["median_days_to_decision"] = 0.0  # submitted and decided the same day
        if with_days.get(territory):
            m["average_days_per_project"] = round(m["days_contracted"] / with_days[territory], 2)
        if m["advances_granted"]:
            m["average_advance_cents"] = round(m["advances_granted_cents"] / m["advances_granted"])
    return result


# --- driving the services ------------------------------------------------------------


def _ok(response: httpx.Response) -> Any:
    if response.is_error:
        raise RuntimeError(
            f"{response.request.method} {response.request.url} -> {response.status_code}: {response.text}"
        )
    return response.json()


async def until(
    probe: Callable[[], Awaitable[Any]], done: Callable[[Any], bool], what: str, timeout: float = 60
) -> Any:
    """Poll until another service has caught up with an event (eventual consistency)."""
    deadline = time.monotonic() + timeout
    while True:
        found = await probe()
        if done(found):
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


@dataclass
class Network:
    """One territory's call, partner and committee members, as the APIs created them."""

    territory: str
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
    territory: str,
    programmes: set[str],
    competences: set[str],
    conflicted_firm: str | None = None,
) -> Network:
    network = Network(territory)
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


def decision_for(case: Case, application_id: str, network: Network) -> dict[str, Any]:
    voters = network.members[:2]  # the conflicted third member abstains
    if case.decision == "approve":
        partners = [{"partner_id": network.partner_id, "competence": case.skills[0], "days": case.skill_days}]
        return {
            "application_id": application_id,
            "outcome": "approve",
            "voters": voters,
            "skill_days": case.skill_days,
            "advance_amount_cents": case.advance_cents,
            "partners": partners if case.skill_days and case.programme == "skill_sponsorship" else [],
        }
    return {"application_id": application_id, "outcome": case.decision, "voters": voters, "reason": case.reason}


async def hold_session(
    http: httpx.AsyncClient, urls: Mapping[str, str], network: Network, decided: list[tuple[Case, str]]
) -> str:
    """Plan a session, wait for its agenda to show every eligible application, decide them all at once."""
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
    await until(
        lambda: http.get(f"{urls['committee']}/sessions/{session_id}/agenda"),
        lambda r: wanted <= {e["application_id"] for e in r.json()},
        f"the agenda of {network.territory} to list its eligible applications",
    )
    _ok(
        await http.post(
            f"{urls['committee']}/sessions/{session_id}/decisions",
            json={"decisions": [decision_for(case, application_id, network) for case, application_id in decided]},
        )
    )
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
        advances = await until(
            lambda: http.get(f"{urls['missions']}/advances", params={"application_id": application_id}),
            lambda r: bool(r.json()),
            f"the advance of application {application_id}",
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
    missions = await until(
        lambda: http.get(f"{urls['missions']}/missions", params={"application_id": application_id}),
        lambda r: bool(r.json()),
        f"a mission for application {application_id}",
    )
    url = f"{urls['missions']}/missions/{missions.json()[0]['mission_id']}"
    partner, host = {"Alize-Party": f"partner:{network.partner_id}"}, {"Alize-Party": f"firm:{case.firm_id}"}
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
    for (offset, days), disputed in to_review:
        day = _ok(
            await http.post(
                f"{url}/days",
                headers=partner,
                json={"worked_on": (today + timedelta(days=offset)).isoformat(), "days": days},
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
    if case.skill_days - sum(d for _, d in case.days) < 1:  # a full day more is over the budget
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
    await until(
        lambda: http.get(f"{urls['missions']}/guidance", params={"territory": network.territory}),
        lambda r: any(t["application_id"] == application_id for t in r.json()),
        f"the guidance track of {application_id}",
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


async def run(urls: Mapping[str, str], scenario: list[Case]) -> Outcome:
    outcome = Outcome()
    territories = sorted({c.territory for c in scenario})
    async with httpx.AsyncClient(timeout=30) as http:
        networks = {}
        for territory in territories:
            local = [c for c in scenario if c.territory == territory]
            networks[territory] = await set_up_network(
                http,
                urls,
                territory,
                {c.programme for c in local},
                {s for c in local for s in c.skills},
                conflicted_firm=next((c.firm_id for c in local if c.firm_id), None),
            )
        ids = await asyncio.gather(*(apply(http, urls, networks[c.territory], c) for c in scenario))
        outcome.application_ids = list(ids)
        for territory in territories:
            decided = [
                (c, i)
                for c, i in zip(scenario, ids, strict=True)
                if c.territory == territory and c.eligible and c.decision != "withdraw"
            ]
            outcome.session_ids.append(await hold_session(http, urls, networks[territory], decided))
        await asyncio.gather(
            *(
                run_outcomes(http, urls, networks[c.territory], c, i, outcome)
                for c, i in zip(scenario, ids, strict=True)
                if c.eligible and c.decision == "approve"
            )
        )
    return outcome


async def wait_for_metrics(
    metrics_url: str, expected: Mapping[str, Mapping[str, Any]], timeout: float = 60
) -> dict[str, dict[str, Any]]:
    """Poll the metrics service until it shows `expected` for each territory (or time out
    and return what it shows, for the caller to compare)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=10) as http:
        while True:
            shown = {t: (await http.get(f"{metrics_url}/metrics/territories/{t}")).json() for t in expected}
            if shown == expected or time.monotonic() > deadline:
                return shown
            await asyncio.sleep(0.3)
