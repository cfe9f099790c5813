"""Every committee route that changes something honours the Idempotency-Key: the same key
twice → one effect and the same response; the same key on another request → 422."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import httpx
import pytest
from committee.app import create_app
from committee.settings import CommitteeSettings
from devstack.commands_testing import assert_retry_safe, write_routes
from devstack.infra import Infra
from devstack.testing import FIRM, Accounts, SettingsFor, eventually, fetch, publish_event, running

SCHEMA = "committee"
IGNORE = ("docket", "calls", "advance_repayments")  # written by the consumer, from other tests' events too

ROUTES = {
    "POST /members",
    "POST /members/{member_id}/conflicts",
    "POST /sessions",
    "POST /sessions/{session_id}/decisions",
    "PUT /sessions/{session_id}/ballots/{application_id}",
    "PUT /territories/{territory}/advance-fund",
    "POST /partners",
    "POST /partners/{partner_id}/competences",
    "DELETE /members/{member_id}",
    "DELETE /partners/{partner_id}/contact",
}


@pytest.fixture
async def client(service_settings: SettingsFor, accounts: Accounts, territory: str) -> AsyncIterator[httpx.AsyncClient]:
    """The service, called by the network's staff of the test's territory."""
    staff = await accounts.staff(territory)
    async with running(create_app(CommitteeSettings(**service_settings("committee"))), staff) as http:  # type: ignore[arg-type]
        yield http


def test_every_write_route_is_covered_here() -> None:
    assert write_routes(create_app(CommitteeSettings())) == ROUTES


async def _post(client: httpx.AsyncClient, url: str, body: Any = None) -> Any:
    response = await client.post(url, json=body)
    assert response.is_success, response.text
    return response.json()


def _partner(territory: str, name: str = "Groupe Chimie Centre") -> dict[str, Any]:
    return {
        "company_name": name,
        "territory": territory,
        "sites": [{"territory": territory, "city": "Châteauroux"}],
        "contact": {"full_name": "Claire Bernard", "email": "claire.bernard@example.com"},
    }


def _member(territory: str, name: str = "Alex Durand") -> dict[str, Any]:
    return {"territory": territory, "full_name": name, "email": "alex.durand@example.org"}


async def test_members_partners_and_funds(client: httpx.AsyncClient, database_url: str, territory: str) -> None:
    added = await assert_retry_safe(
        client,
        database_url,
        SCHEMA,
        "POST",
        "/partners",
        _partner(territory),
        other=("/partners", _partner(territory, "Another")),
        ignore=IGNORE,
    )
    partner = added.json()
    offer = {"site_id": partner["sites"][0]["site_id"], "competence": "sales", "year": 2026, "yearly_capacity_days": 5}
    await assert_retry_safe(
        client,
        database_url,
        SCHEMA,
        "POST",
        f"/partners/{partner['partner_id']}/competences",
        offer,
        other=(f"/partners/{partner['partner_id']}/competences", {**offer, "yearly_capacity_days": 6}),
        ignore=IGNORE,
    )
    member = await assert_retry_safe(
        client,
        database_url,
        SCHEMA,
        "POST",
        "/members",
        _member(territory),
        other=("/members", {**_member(territory), "organisation": "Another organisation"}),
        ignore=IGNORE,
    )
    member_id = member.json()["member_id"]
    # Personal data is not fingerprinted: a retry differing only there replays the first response.
    key = {"Idempotency-Key": f"personal-{uuid4().hex}"}
    first = await client.post("/members", json=_member(territory, "Ada Lovelace"), headers=key)
    again = await client.post("/members", json=_member(territory, "Bo Martin"), headers=key)
    assert (again.status_code, again.json()) == (201, first.json())
    # Erasure: the member's and the partner's contact person's personal data, once.
    erased = first.json()["member_id"]
    other = (await client.post("/partners", json=_partner(territory, "Another"))).json()["partner_id"]
    for url, another in (
        (f"/members/{erased}", f"/members/{member_id}"),
        (f"/partners/{partner['partner_id']}/contact", f"/partners/{other}/contact"),
    ):
        await assert_retry_safe(client, database_url, SCHEMA, "DELETE", url, other=(another, None), ignore=IGNORE)
    (row,) = await fetch(database_url, SCHEMA, "SELECT full_name, email, erased_at FROM members WHERE id = $1", erased)
    assert (row["full_name"], row["email"]) == (None, None) and row["erased_at"] is not None
    (row,) = await fetch(
        database_url, SCHEMA, "SELECT contact_name, contact_email FROM partners WHERE id = $1", partner["partner_id"]
    )
    assert (row["contact_name"], row["contact_email"]) == (None, None)
    await assert_retry_safe(
        client,
        database_url,
        SCHEMA,
        "POST",
        f"/members/{member_id}/conflicts",
        {"firm_id": FIRM},
        other=(f"/members/{member_id}/conflicts", {"partner_id": partner["partner_id"]}),
        ignore=IGNORE,
    )
    await assert_retry_safe(
        client,
        database_url,
        SCHEMA,
        "PUT",
        f"/territories/{territory}/advance-fund",
        {"fund_cents": 2_000_000},
        other=(f"/territories/{territory}/advance-fund", {"fund_cents": 2_000_001}),
        ignore=IGNORE,
    )


async def test_sessions_and_their_decisions(
    client: httpx.AsyncClient,
    accounts: Accounts,
    infrastructure: Infra,
    database_url: str,
    territory: str,
    intake: Any,
) -> None:
    call_id, applications = uuid4(), [uuid4(), uuid4()]
    events = [intake.call_opened(territory, call_id)]
    for application_id in applications:
        events.extend(intake.application(territory, application_id, call_id))
    for event in events:
        await publish_event(infrastructure.kafka_bootstrap_servers, event)
    members = [(await _post(client, "/members", _member(territory)))["member_id"] for _ in range(2)]
    plan = {"territory": territory, "held_on": "2026-04-14", "quorum": 2, "member_ids": members}
    planned = await assert_retry_safe(
        client,
        database_url,
        SCHEMA,
        "POST",
        "/sessions",
        plan,
        other=("/sessions", {**plan, "quorum": 1}),
        ignore=IGNORE,
    )
    session_id = planned.json()["session_id"]
    await eventually(  # the committee has read both applications and their screening
        lambda: client.get("/docket", params={"territory": territory}),
        lambda r: sum(e["eligible"] is not None for e in r.json()) == len(applications),
    )
    await eventually(lambda: client.get(f"/sessions/{session_id}/agenda"), lambda r: len(r.json()) == len(applications))

    ballot = f"/sessions/{session_id}/ballots/{applications[1]}"
    await assert_retry_safe(
        client,
        database_url,
        SCHEMA,
        "PUT",
        ballot,
        {"choice": "reject"},
        other=(ballot, {"choice": "defer"}),
        ignore=IGNORE,
        headers=await accounts.member(territory, members[0]),  # a member casts its own
    )

    def reject(application_id: Any) -> dict[str, Any]:
        return {
            "application_id": str(application_id),
            "outcome": "reject",
            "voters": members,
            "reason": "Out of scope.",
        }

    decided = await assert_retry_safe(
        client,
        database_url,
        SCHEMA,
        "POST",
        f"/sessions/{session_id}/decisions",
        {"decisions": [reject(applications[0])]},
        other=(f"/sessions/{session_id}/decisions", {"decisions": [reject(applications[1])]}),
        ignore=IGNORE,
    )
    assert decided.status_code == 201
    assert decided.json()["decisions"] == {"approved": 0, "rejected": 1, "deferred": 0, "amended": 0}
