"""A small, realistic scenario driven through the services' HTTP APIs.

Two territories, several applications (firms and a person with no firm yet),
decisions both ways, mission days (one refused over the budget), job
declarations (a later one superseding an earlier one). `expected_metrics`
computes what the metrics service must show from the scenario's own data,
independently of the projection code.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx


@dataclass(frozen=True)
class Case:
    territory: str
    programme: str
    firm_id: str | None
    planned: tuple[int, int]  # jobs planned (created, maintained)
    baseline: int
    skills: tuple[str, ...]
    approve: bool
    skill_days: float = 0
    advance_cents: int | None = None
    reason: str | None = None
    days: tuple[tuple[date, float], ...] = ()
    declarations: tuple[tuple[date, int, int], ...] = ()  # (as_of, created, maintained)


def cases(indre: str = "indre", gard: str = "gard-cevennes") -> list[Case]:
    return [
        Case(
            indre,
            "skill_sponsorship",
            "404833048",
            (3, 12),
            12,
            ("sales", "strategic-positioning"),
            approve=True,
            skill_days=3,
            advance_cents=2_300_000,
            days=((date(2026, 5, 4), 1), (date(2026, 5, 5), 1), (date(2026, 6, 2), 0.5)),
            declarations=((date(2026, 12, 31), 1, 12), (date(2027, 6, 30), 2, 11)),
        ),
        Case(
            indre,
            "skill_sponsorship",
            "55210055400013",
            (1, 4),
            4,
            ("hse",),
            approve=True,
            skill_days=4,
            days=((date(2026, 5, 12), 1),),
            declarations=((date(2026, 12, 31), 1, 4),),
        ),
        # The same firm as the first case, supported again: still one firm supported.
        Case(
            indre,
            "skill_sponsorship",
            "404833048",
            (0, 12),
            12,
            ("digital-marketing",),
            approve=True,
            skill_days=1.5,
            days=((date(2026, 9, 1), 1),),
        ),
        Case(indre, "self_employment", None, (1, 0), 0, ("business-plan",), approve=True),
        Case(
            indre,
            "skill_sponsorship",
            "380129866",
            (2, 3),
            3,
            ("sales",),
            approve=False,
            reason="No development, takeover or recovery project yet.",
        ),
        Case(
            gard,
            "skill_sponsorship",
            "443061841",
            (4, 8),
            8,
            ("sales", "export"),
            approve=True,
            skill_days=2,
            advance_cents=1_500_000,
            days=((date(2026, 4, 7), 1), (date(2026, 4, 8), 1)),
            declarations=((date(2026, 12, 31), 4, 8),),
        ),
        Case(
            gard,
            "skill_sponsorship",
            "512345679",
            (1, 2),
            2,
            ("finance",),
            approve=False,
            reason="Already supported by another programme this year.",
        ),
        Case(
            gard,
            "skill_sponsorship",
            "799384656",
            (2, 20),
            20,
            ("lean-manufacturing",),
            approve=True,
            skill_days=5,
            days=((date(2026, 10, 5), 0.5),),
        ),
    ]


def expected_metrics(scenario: list[Case]) -> dict[str, dict[str, Any]]:
    """What the metrics service must report per territory, from the data alone."""
    result: dict[str, dict[str, Any]] = {}
    firms: dict[str, set[str]] = {}
    for case in scenario:
        m = result.setdefault(
            case.territory,
            {
                "territory": case.territory,
                "applications": 0,
                "approved": 0,
                "rejected": 0,
                "firms_supported": 0,
                "days_contracted": 0.0,
                "days_delivered": 0.0,
                "jobs_planned": {"created": 0, "maintained": 0},
                "jobs_declared": {"created": 0, "maintained": 0},
                "advances_granted": 0,
                "advances_granted_cents": 0,
            },
        )
        m["applications"] += 1
        if not case.approve:
            m["rejected"] += 1
            continue
        m["approved"] += 1
        if case.firm_id:
            firms.setdefault(case.territory, set()).add(case.firm_id)
        m["days_contracted"] += case.skill_days
        m["days_delivered"] += sum(d for _, d in case.days)
        m["jobs_planned"]["created"] += case.planned[0]
        m["jobs_planned"]["maintained"] += case.planned[1]
        if case.declarations:
            _, created, maintained = max(case.declarations)  # the latest supersedes
            m["jobs_declared"]["created"] += created
            m["jobs_declared"]["maintained"] += maintained
        if case.advance_cents:
            m["advances_granted"] += 1
            m["advances_granted_cents"] += case.advance_cents
    for territory, found in firms.items():
        result[territory]["firms_supported"] = len(found)
    return result


async def _retry_while_not_found(call: Callable[[], Awaitable[httpx.Response]], timeout: float = 60) -> httpx.Response:
    """Commands on an aggregate another service creates from an event wait for it."""
    deadline = time.monotonic() + timeout
    while True:
        response = await call()
        if response.status_code != 404 or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.2)


def _ok(response: httpx.Response) -> dict[str, Any]:
    if response.is_error:
        raise RuntimeError(
            f"{response.request.method} {response.request.url} -> {response.status_code}: {response.text}"
        )
    body: dict[str, Any] = response.json()
    return body


@dataclass
class Outcome:
    application_ids: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)


async def run(urls: Mapping[str, str], scenario: list[Case]) -> Outcome:
    """Drive the scenario; each case's steps in order, the cases concurrently."""
    outcome = Outcome()
    async with httpx.AsyncClient(timeout=30) as http:
        await asyncio.gather(*(_run_case(http, urls, case, outcome) for case in scenario))
    return outcome


async def _run_case(http: httpx.AsyncClient, urls: Mapping[str, str], case: Case, outcome: Outcome) -> None:
    body: dict[str, Any] = {
        "territory": case.territory,
        "programme": case.programme,
        "jobs_planned": {"created": case.planned[0], "maintained": case.planned[1]},
        "baseline_headcount": case.baseline,
        "skills_needed": list(case.skills),
    }
    if case.firm_id:
        body["firm_id"] = case.firm_id
    application_id = _ok(await http.post(f"{urls['intake']}/applications", json=body))["application_id"]
    outcome.application_ids.append(application_id)

    decision: dict[str, Any] = (
        {"outcome": "approve", "skill_days": case.skill_days, "advance_amount_cents": case.advance_cents}
        if case.approve
        else {"outcome": "reject", "reason": case.reason}
    )
    _ok(
        await _retry_while_not_found(
            lambda: http.post(f"{urls['committee']}/applications/{application_id}/decision", json=decision)
        )
    )
    if not case.approve:
        return

    if case.skill_days:
        mission_id = await _mission_of(http, urls, application_id)
        for worked_on, days in case.days:
            _ok(
                await http.post(
                    f"{urls['missions']}/missions/{mission_id}/days",
                    json={"worked_on": worked_on.isoformat(), "days": days},
                )
            )
        remaining = case.skill_days - sum(d for _, d in case.days)
        if remaining < 1:  # a full day more would exceed the budget: refused
            refused = await http.post(
                f"{urls['missions']}/missions/{mission_id}/days", json={"worked_on": "2027-01-04", "days": 1}
            )
            if refused.status_code != 422:
                raise RuntimeError(f"a day over the budget was not refused: {refused.status_code}")
            outcome.refusals.append(refused.json()["detail"])

    for as_of, created, maintained in case.declarations:
        declaration = {"as_of": as_of.isoformat(), "jobs_created": created, "jobs_maintained": maintained}
        _ok(
            await _retry_while_not_found(
                lambda body=declaration: http.post(  # type: ignore[misc]
                    f"{urls['missions']}/applications/{application_id}/job-declarations",
                    json=body,
                )
            )
        )


async def _mission_of(http: httpx.AsyncClient, urls: Mapping[str, str], application_id: str) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = (await http.get(f"{urls['missions']}/missions", params={"application_id": application_id})).json()
        if found:
            mission_id: str = found[0]["mission_id"]
            return mission_id
        await asyncio.sleep(0.2)
    raise TimeoutError(f"no mission opened for application {application_id}")


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
