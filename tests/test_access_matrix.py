"""The permission matrix: every route of every service x every role x own/other territory x own/other
object, generated from each service's access table (`ACCESS` in its app.py), with tokens from the real
identity provider and objects in the service's real database.

Each request carries an unknown query parameter, `matrix-probe`: a request the guard lets through is then
refused by the next check (422 naming `query.matrix-probe`) before any handler runs, so the matrix changes
nothing and tells "allowed" (that 422) from "refused" (401, 403) exactly. What is expected follows from
the table's rule and what the roles mean, stated once here:

- no token: 401, except on a public route;
- a role the rule does not name: 403;
- a role held everywhere (national coordinator, platform admin, service): allowed in every territory;
- a territory's role: allowed in its own territory only, and on a target with no territory never;
- an `OWN` rule on one object: only on an object the account acts for (its firm, partner, membership).

A route added without a rule stops the service from starting (alize_chassis.access), so it fails here too.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest
from alize_chassis.access import InBody, InBodyLookedUp, InPath, InQuery, LookedUp, Nowhere, Rule, Scope
from alize_chassis.identity import Role
from devstack.testing import Accounts, SettingsFor, running

pytestmark = pytest.mark.infra

FIRM, OTHER_FIRM = "404833048", "732829320"
PARTNER, OTHER_PARTNER, MEMBER, OTHER_MEMBER, COUNSELLOR = (str(uuid4()) for _ in range(5))
PARTIES = {"firm_id": FIRM, "partner_id": PARTNER, "member_id": MEMBER, "counsellor_id": COUNSELLOR}
"""What every account of the matrix acts for: an object of these is its own."""
EVERYWHERE = {Role.NATIONAL, Role.ADMIN, Role.SERVICE}
PROBE = "matrix-probe"
DEFAULTS = {"programme": "skill_sponsorship", "year": "2026", "indicator": "days_contracted"}


@dataclass(frozen=True)
class Case:
    """Where a request acts: its territory ('own': the account's; 'other') and, on one object, whose it is."""

    territory: str
    owner: str | None = None


OBJECT_CASES = (Case("own", "own"), Case("own", "other"), Case("other", "other"))
TERRITORY_CASES = (Case("own"), Case("other"))

Seeds = dict[str, dict[Case, str]]
"""Identifier of the seeded object per path (or body) parameter and case."""


def expected(rule: Rule, role: Role | None, case: Case) -> int | str:
    if rule.public:
        return "allowed"
    if role is None:
        return 401
    if role not in rule.allow:
        return 403
    everywhere = role in EVERYWHERE
    if isinstance(rule.target, Nowhere):
        return "allowed" if everywhere else 403
    if case.territory == "other" and not everywhere:
        return 403
    if rule.allow[role] is Scope.OWN and case.owner == "other":
        return 403
    return "allowed"


def cases_of(rule: Rule) -> tuple[Case, ...]:
    if isinstance(rule.target, Nowhere):
        return (Case("own"),)
    if isinstance(rule.target, LookedUp | InBodyLookedUp):
        return OBJECT_CASES
    return TERRITORY_CASES


def request_for(
    route: str, rule: Rule, case: Case, territories: dict[str, str], seeds: Seeds
) -> tuple[str, str, dict[str, str], Any]:
    method, path = route.split(" ", 1)
    territory = territories[case.territory]
    target = rule.target

    def filled(match: re.Match[str]) -> str:
        name = match.group(1)
        if isinstance(target, InPath) and target.name == name:
            return territory
        if isinstance(target, LookedUp) and target.param == name:
            return seeds[name][case]
        return DEFAULTS.get(name, str(uuid4()))

    url = re.sub(r"{(\w+)}", filled, path)
    params = {PROBE: "1"}
    body: Any = None
    if isinstance(target, InQuery):
        params[target.name] = territory
    elif isinstance(target, InBody):
        body = {target.name: territory}
    elif isinstance(target, InBodyLookedUp):
        body = {target.field: seeds[target.field][case]}
    return method, url, params, body


# --- objects in each service's database ---------------------------------------------------------


async def seed_intake(conn: asyncpg.Connection, territories: dict[str, str], owner: str) -> Seeds:
    """`owner`: the firm account's subject, that of the account that applied (its applicant's data are its own)."""
    seeds: Seeds = {"call_id": {}, "application_id": {}, "applicant_id": {}}
    for case in OBJECT_CASES:
        call, application, applicant = uuid4(), uuid4(), uuid4()
        territory, firm = territories[case.territory], FIRM if case.owner == "own" else OTHER_FIRM
        await conn.execute(
            "INSERT INTO calls (id, territory, programme, opens_on, closes_on, skill_days_budget, "
            "advances_budget_cents) VALUES ($1, $2, 'skill_sponsorship', '2026-01-01', '2026-12-31', 10, 0)",
            call,
            territory,
        )
        await conn.execute("INSERT INTO applicants (id) VALUES ($1)", applicant)
        await conn.execute(
            "INSERT INTO applications (id, territory, programme, call_id, firm_id, applicant_id, owner, "
            "jobs_planned_created, jobs_planned_maintained, baseline_headcount) "
            "VALUES ($1, $2, 'skill_sponsorship', $3, $4, $5, $6, 1, 1, 1)",
            application,
            territory,
            call,
            firm,
            applicant,
            owner if case.owner == "own" else None,
        )
        seeds["call_id"][case], seeds["application_id"][case] = str(call), str(application)
        seeds["applicant_id"][case] = str(applicant)
    return seeds


async def seed_committee(conn: asyncpg.Connection, territories: dict[str, str], owner: str) -> Seeds:
    seeds: Seeds = {"member_id": {}, "session_id": {}, "partner_id": {}, "application_id": {}}
    for case in OBJECT_CASES:
        territory, own = territories[case.territory], case.owner == "own"
        member = MEMBER if own else str(uuid4()) if case.territory == "other" else OTHER_MEMBER
        partner = PARTNER if own else str(uuid4()) if case.territory == "other" else OTHER_PARTNER
        session, application = uuid4(), uuid4()
        await conn.execute(
            "INSERT INTO members (id, territory, full_name, email) VALUES ($1, $2, 'M', 'm@example.org')",
            member,
            territory,
        )
        await conn.execute(
            "INSERT INTO sessions (id, territory, held_on, quorum) VALUES ($1, $2, '2026-04-14', 1)", session, territory
        )
        await conn.execute("INSERT INTO session_members (session_id, member_id) VALUES ($1, $2)", session, member)
        await conn.execute(
            "INSERT INTO partners (id, company_name, territory) VALUES ($1, 'P', $2)", partner, territory
        )
        await conn.execute(
            "INSERT INTO docket (application_id, territory, programme, firm_id, jobs_planned_created, "
            "jobs_planned_maintained, submitted_at) VALUES ($1, $2, 'skill_sponsorship', $3, 1, 1, now())",
            application,
            territory,
            FIRM if own else OTHER_FIRM,
        )
        seeds["member_id"][case], seeds["session_id"][case] = member, str(session)
        seeds["partner_id"][case], seeds["application_id"][case] = partner, str(application)
    return seeds


BUSINESSES = {Case("own", "own"): "552032534", Case("own", "other"): "542065479", Case("other", "other"): "572093920"}


async def seed_missions(conn: asyncpg.Connection, territories: dict[str, str], owner: str) -> Seeds:
    seeds: Seeds = {"mission_id": {}, "application_id": {}, "advance_id": {}, "firm_id": {}, "counsellor_id": {}}
    for case in OBJECT_CASES:
        territory, own = territories[case.territory], case.owner == "own"
        application, mission, advance = uuid4(), uuid4(), uuid4()
        firm = FIRM if own else OTHER_FIRM
        await conn.execute(
            "INSERT INTO projects (application_id, territory, programme, firm_id) "
            "VALUES ($1, $2, 'skill_sponsorship', $3)",
            application,
            territory,
            firm,
        )
        await conn.execute(
            "INSERT INTO missions (id, application_id, partner_id, days_budget, window_ends_on) "
            "VALUES ($1, $2, $3, 1, '2027-12-31')",
            mission,
            application,
            PARTNER if own else OTHER_PARTNER,
        )
        await conn.execute(
            "INSERT INTO advances (id, application_id, territory, firm_id, amount_cents, granted_at) "
            "VALUES ($1, $2, $3, $4, 100, now())",
            advance,
            application,
            territory,
            firm,
        )
        await conn.execute(
            "INSERT INTO businesses (firm_id, application_id, created_on) VALUES ($1, $2, '2025-01-01')",
            BUSINESSES[case],
            application,
        )
        seeds["mission_id"][case], seeds["application_id"][case] = str(mission), str(application)
        seeds["advance_id"][case], seeds["firm_id"][case] = str(advance), BUSINESSES[case]
        counsellor = COUNSELLOR if own else str(uuid4())
        await conn.execute(
            "INSERT INTO counsellors (id, territory, full_name, email) VALUES ($1, $2, 'C', 'c@example.org')",
            counsellor,
            territory,
        )
        seeds["counsellor_id"][case] = counsellor
    return seeds


async def seed_nothing(conn: asyncpg.Connection, territories: dict[str, str], owner: str) -> Seeds:
    return {}


SEEDERS: dict[str, Callable[[asyncpg.Connection, dict[str, str], str], Awaitable[Seeds]]] = {
    "intake": seed_intake,
    "committee": seed_committee,
    "missions": seed_missions,
    "metrics": seed_nothing,
}


@pytest.mark.parametrize("service", list(SEEDERS))
async def test_every_route_answers_every_role_as_its_rule_says(
    service: str,
    service_settings: SettingsFor,
    database_url: str,
    accounts: Accounts,
    isolation_id: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    territories = {"own": f"matrix-{isolation_id}", "other": f"matrix-{isolation_id}-b"}
    settings_class = getattr(importlib.import_module(f"{service}.settings"), f"{service.capitalize()}Settings")
    app = importlib.import_module(f"{service}.app").create_app(settings_class(**service_settings(service)))
    callers: dict[Role | None, dict[str, str]] = {None: {}}
    for role in Role:
        callers[role] = await accounts.headers(role.value, territories["own"], **PARTIES)
    checked, mismatches = 0, []
    async with running(app) as http:
        conn = await asyncpg.connect(database_url, server_settings={"search_path": service})
        try:
            firm = (await accounts.account(Role.FIRM.value, territories["own"], **PARTIES)).subject
            seeds = await SEEDERS[service](conn, territories, firm)
        finally:
            await conn.close()
        rules = app.state.access_policy.rules
        for route, rule in sorted(rules.items()):
            for case in cases_of(rule):
                method, url, params, body = request_for(route, rule, case, territories, seeds)
                for role, headers in callers.items():
                    response = await http.request(method, url, params=params, json=body, headers=headers)
                    checked += 1
                    want = expected(rule, role, case)
                    if not _answers(response, want):
                        mismatches.append(f"{route} as {role} ({case}): {response.status_code} {response.text[:160]}")
    with capsys.disabled():
        routes = len(rules)
        print(f"\naccess matrix of {service}: {routes} routes x {len(callers)} callers x cases = {checked} requests")
    assert not mismatches, f"{len(mismatches)} of {checked}:\n" + "\n".join(mismatches)


def _answers(response: httpx.Response, want: int | str) -> bool:
    if want == "allowed":
        if response.status_code != 422:
            return False
        errors = response.json().get("errors") or []
        return any(e["location"] == f"query.{PROBE}" for e in errors)
    return response.status_code == want


def test_the_matrix_knows_every_kind_of_target() -> None:
    """A new kind of target needs its cases here: a table using one the matrix cannot fill fails."""
    known = (Nowhere, InPath, InQuery, InBody, LookedUp, InBodyLookedUp)
    for service in SEEDERS:
        app = importlib.import_module(f"{service}.app").create_app()
        for route, rule in app.state.access_policy.rules.items():
            assert isinstance(rule.target, known), route
            if isinstance(rule.target, LookedUp):
                assert rule.target.param in (SEEDS_BY_SERVICE[service]), (service, route)


SEEDS_BY_SERVICE = {
    "intake": {"call_id", "application_id", "applicant_id"},
    "committee": {"member_id", "session_id", "partner_id", "application_id"},
    "missions": {"mission_id", "application_id", "advance_id", "firm_id", "counsellor_id"},
    "metrics": set(),
}
