"""Every missions route that changes something honours the Idempotency-Key: the same key
twice → one effect and the same response; the same key on another request → 422.

Missions' consumer writes asynchronously (projects, missions, advances and their `opened`
events) from every approval on the projects topic, other tests' too: each test waits for it
to have read the topic to its end before it compares states, so nothing else changes them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import httpx
import pytest
from alize_contracts import Event, Jobs, ProjectApproved, topics
from alize_contracts.events import AdvanceGranted, PartnerAssignment
from devstack.commands_testing import assert_retry_safe, write_routes
from devstack.infra import Infra
from devstack.testing import Accounts, SettingsFor, consumed_to_end, fetch, publish_event, running
from missions.app import create_app
from missions.settings import MissionsSettings

SCHEMA = "missions"
FIRM, PARTNER = "404833048", uuid4()
APPROVED_AT = datetime(2026, 3, 2, 16, tzinfo=UTC)

ROUTES = {
    "PUT /territories/{territory}/mission-window",
    "PUT /missions/{mission_id}/convention",
    "POST /missions/{mission_id}/convention/signature",
    "POST /missions/{mission_id}/days",
    "POST /missions/{mission_id}/days/{day_id}/confirmation",
    "POST /missions/{mission_id}/days/{day_id}/dispute",
    "POST /missions/{mission_id}/closure",
    "POST /applications/{application_id}/job-declarations",
    "POST /advances/{advance_id}/disbursement",
    "POST /advances/{advance_id}/repayments",
    "POST /advances/{advance_id}/write-off",
    "POST /counsellors",
    "POST /guidance/{application_id}/sessions",
    "POST /guidance/{application_id}/outcome",
    "POST /businesses/{firm_id}/survival-checks",
    "DELETE /missions/{mission_id}/expert",
    "DELETE /missions/{mission_id}/closure/comment",
    "DELETE /counsellors/{counsellor_id}",
}


def test_every_write_route_is_covered_here() -> None:
    assert write_routes(create_app(MissionsSettings())) == ROUTES


@pytest.fixture
def settings(service_settings: SettingsFor) -> MissionsSettings:
    return MissionsSettings(**service_settings("missions"))  # type: ignore[arg-type]


@pytest.fixture
async def client(settings: MissionsSettings, accounts: Accounts, territory: str) -> AsyncIterator[httpx.AsyncClient]:
    """The service, called by the network's staff of the test's territory."""
    async with running(create_app(settings), await accounts.staff(territory)) as http:
        yield http


def _of(approval: ProjectApproved) -> dict[str, str]:
    """The query for what an approval opened: its application in its territory."""
    return {"application_id": str(approval.application_id), "territory": approval.territory}


def _approved(territory: str, programme: str = "skill_sponsorship") -> ProjectApproved:
    skills = programme == "skill_sponsorship"
    return ProjectApproved(
        territory=territory,
        application_id=uuid4(),
        programme=programme,  # type: ignore[arg-type]
        firm_id=FIRM if skills else None,
        decided_at=APPROVED_AT,
        skill_days_contracted=3 if skills else 0,
        jobs_planned=Jobs(created=2, maintained=12),
        session_id=uuid4(),
        baseline_headcount=12,
        partners=[PartnerAssignment(partner_id=PARTNER, competence="sales", days=3)] if skills else [],
    )


Consumed = Callable[..., Awaitable[None]]


@pytest.fixture
def consumed(infrastructure: Infra, settings: MissionsSettings) -> Consumed:
    """Publish events, then wait until missions' consumer has read the projects topic to its end."""

    async def publish_and_wait(*events: Event) -> None:
        for event in events:
            await publish_event(infrastructure.kafka_bootstrap_servers, event)
        await consumed_to_end(infrastructure.kafka_bootstrap_servers, settings.consumer_group, topics.PROJECTS)

    return publish_and_wait


async def _retry_safe(
    client: httpx.AsyncClient,
    database_url: str,
    method: str,
    url: str,
    body: Any = None,
    *,
    other: tuple[str, Any],
    party: dict[str, str] | None = None,
) -> Any:
    response = await assert_retry_safe(client, database_url, SCHEMA, method, url, body, other=other, headers=party)
    return response.json()


async def test_the_mission_window(
    client: httpx.AsyncClient, consumed: Consumed, database_url: str, territory: str
) -> None:
    await consumed()
    url = f"/territories/{territory}/mission-window"
    await _retry_safe(client, database_url, "PUT", url, {"months": 12}, other=(url, {"months": 13}))


async def test_a_mission_from_convention_to_closure(
    client: httpx.AsyncClient, consumed: Consumed, database_url: str, territory: str, accounts: Accounts
) -> None:
    HOST, LENDER = await accounts.firm(territory, firm_id=FIRM), await accounts.partner(territory, partner_id=PARTNER)
    approval = _approved(territory)
    await consumed(approval)
    missions = (await client.get("/missions", params=_of(approval))).json()
    url = f"/missions/{missions[0]['mission_id']}"
    terms = {
        "expert": {"full_name": "Nadia Benali", "email": "nadia.benali@example.com"},
        "starts_on": "2026-04-01",
        "ends_on": "2027-03-31",
    }
    other_terms = {**terms, "ends_on": "2027-03-30"}
    drawn = await _retry_safe(
        client, database_url, "PUT", f"{url}/convention", terms, other=(f"{url}/convention", other_terms)
    )
    assert drawn["convention_signed_on"] is None
    signature = f"{url}/convention/signature"
    await _retry_safe(
        client,
        database_url,
        "POST",
        signature,
        {"signed_on": "2026-03-28"},
        other=(signature, {"signed_on": "2026-03-29"}),
    )
    day = {"worked_on": "2026-05-04", "days": 1}
    logged = await _retry_safe(
        client,
        database_url,
        "POST",
        f"{url}/days",
        day,
        other=(f"{url}/days", {**day, "worked_on": "2026-05-05"}),
        party=LENDER,
    )
    second_logged = await client.post(f"{url}/days", json={**day, "worked_on": "2026-05-05"}, headers=LENDER)
    assert second_logged.status_code == 201, second_logged.text
    second = second_logged.json()
    first_day, second_day = f"{url}/days/{logged['day_id']}", f"{url}/days/{second['day_id']}"
    await _retry_safe(
        client,
        database_url,
        "POST",
        f"{first_day}/confirmation",
        other=(f"{second_day}/confirmation", None),
        party=HOST,
    )
    dispute = {"reason": "Visit cancelled."}
    await _retry_safe(
        client,
        database_url,
        "POST",
        f"{second_day}/dispute",
        dispute,
        other=(f"{second_day}/dispute", {"reason": "Another reason."}),
        party=HOST,
    )
    closure = {"closed_on": "2026-07-01", "satisfaction": 5}
    closed = await _retry_safe(
        client,
        database_url,
        "POST",
        f"{url}/closure",
        closure,
        other=(f"{url}/closure", {**closure, "satisfaction": 4}),
        party=HOST,
    )
    assert closed["closed_on"] == "2026-07-01"
    # Erasure of the personal data the mission keeps: the expert lent, the evaluation comment.
    for erased, another in ((f"{url}/expert", f"{url}/closure/comment"), (f"{url}/closure/comment", f"{url}/expert")):
        await assert_retry_safe(client, database_url, SCHEMA, "DELETE", erased, other=(another, None))
    (expert,) = await fetch(
        database_url,
        SCHEMA,
        "SELECT e.* FROM experts e JOIN missions m ON m.expert_id = e.id WHERE m.id = $1",
        missions[0]["mission_id"],
    )
    assert (expert["full_name"], expert["email"], expert["job_title"]) == (None, None, None)


async def test_jobs_and_advances(
    client: httpx.AsyncClient, consumed: Consumed, database_url: str, territory: str
) -> None:
    approval = _approved(territory)
    grant = AdvanceGranted(
        territory=territory,
        application_id=approval.application_id,
        firm_id=FIRM,
        call_id=None,
        session_id=uuid4(),
        granted_at=APPROVED_AT,
        amount_cents=2_300_000,
    )
    await consumed(approval, grant)
    declarations = f"/applications/{approval.application_id}/job-declarations"
    declaration = {"as_of": "2026-09-30", "headcount": 14}
    declared = await _retry_safe(
        client,
        database_url,
        "POST",
        declarations,
        declaration,
        other=(declarations, {**declaration, "headcount": 15}),
    )
    assert (declared["jobs_created"], declared["jobs_maintained"]) == (2, 12)

    advances = (await client.get("/advances", params=_of(approval))).json()
    url = f"/advances/{advances[0]['advance_id']}"
    disbursement = {"disbursed_on": "2026-04-01", "installments": 2, "first_due_on": "2026-10-01"}
    await _retry_safe(
        client,
        database_url,
        "POST",
        f"{url}/disbursement",
        disbursement,
        other=(f"{url}/disbursement", {**disbursement, "installments": 3}),
    )
    repayment = {"received_on": "2026-06-01", "amount_cents": 1_000_000}
    repaid = await _retry_safe(
        client,
        database_url,
        "POST",
        f"{url}/repayments",
        repayment,
        other=(f"{url}/repayments", {**repayment, "amount_cents": 1_000_001}),
    )
    assert repaid["outstanding_cents"] == 1_300_000
    write_off = {"written_off_on": "2026-11-02", "reason": "Liquidation."}
    await _retry_safe(
        client,
        database_url,
        "POST",
        f"{url}/write-off",
        write_off,
        other=(f"{url}/write-off", {**write_off, "reason": "Bankruptcy."}),
    )


async def test_a_guidance_track(
    client: httpx.AsyncClient, consumed: Consumed, database_url: str, territory: str
) -> None:
    approval = _approved(territory, "self_employment")
    await consumed(approval)
    counsellor = {"territory": territory, "full_name": "Luc Maes", "email": "luc.maes@example.be"}
    added = await _retry_safe(
        client,
        database_url,
        "POST",
        "/counsellors",
        counsellor,
        # Its fields are personal data, not fingerprinted: the key reused for another command is refused.
        other=(
            f"/guidance/{approval.application_id}/sessions",
            {"counsellor_id": str(uuid4()), "held_on": "2026-03-10", "days": 0.5},
        ),
    )
    url = f"/guidance/{approval.application_id}"
    session = {"counsellor_id": added["counsellor_id"], "held_on": "2026-03-10", "days": 0.5}
    second = (await client.post("/counsellors", json={**counsellor, "email": "ines@example.be"})).json()
    erased = f"/counsellors/{second['counsellor_id']}"
    await assert_retry_safe(
        client, database_url, SCHEMA, "DELETE", erased, other=(f"/counsellors/{added['counsellor_id']}", None)
    )
    (row,) = await fetch(
        database_url, SCHEMA, "SELECT full_name, email FROM counsellors WHERE id = $1", second["counsellor_id"]
    )
    assert (row["full_name"], row["email"]) == (None, None)
    await _retry_safe(
        client,
        database_url,
        "POST",
        f"{url}/sessions",
        session,
        other=(f"{url}/sessions", {**session, "days": 1}),
    )
    outcome = {
        "outcome": "firm_created",
        "recorded_on": "2026-09-01",
        "firm_id": "BE 0403.170.701",
        "created_on": "2025-08-20",
    }
    await _retry_safe(
        client,
        database_url,
        "POST",
        f"{url}/outcome",
        outcome,
        other=(f"{url}/outcome", {**outcome, "recorded_on": "2026-09-02"}),
    )
    survival = "/businesses/BE0403170701/survival-checks"
    check = {"years": 1, "active": True, "checked_on": "2026-08-25"}
    await _retry_safe(client, database_url, "POST", survival, check, other=(survival, {**check, "active": False}))
