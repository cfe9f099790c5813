"""Intake against real PostgreSQL and Kafka: commands commit their state and
their events together, the relay publishes them; refusals change nothing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from alize_chassis.db import create_pool
from alize_contracts import Jobs, ProjectApproved, topics
from alize_contracts.events import ProjectDeferred
from devstack.infra import Infra
from devstack.testing import Accounts, SettingsFor, count, eventually, fetch, find_message, publish_event, running
from intake.adapters import calls
from intake.app import COMMANDS, create_app
from intake.domain.calls import Call
from intake.service_layer.calls import close_calls_past_their_deadline
from intake.settings import IntakeSettings

pytestmark = pytest.mark.infra

TODAY = datetime.now(UTC).date()


@pytest.fixture
async def client(service_settings: SettingsFor, accounts: Accounts, territory: str) -> AsyncIterator[httpx.AsyncClient]:
    """The service, called by the network's staff of the test's territory."""
    staff = await accounts.staff(territory)
    async with running(create_app(IntakeSettings(**service_settings("intake"))), staff) as http:  # type: ignore[arg-type]
        yield http


async def _open_call(client: httpx.AsyncClient, territory: str, programme: str = "skill_sponsorship") -> str:
    response = await client.post(
        "/calls",
        json={
            "territory": territory,
            "programme": programme,
            "opens_on": (TODAY - timedelta(days=30)).isoformat(),
            "closes_on": (TODAY + timedelta(days=30)).isoformat(),
            "skill_days_budget": 60,
            "advances_budget_cents": 10_000_000,
        },
    )
    assert response.status_code == 201, response.text
    call_id: str = response.json()["call_id"]
    return call_id


def _application(call_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "call_id": call_id,
        "firm_id": "404 833 048",
        "sector": "C25.62",
        "project_kind": "development",
        "project_summary": "A second production line for machined parts.",
        "jobs_planned": {"created": 3, "maintained": 12},
        "baseline_headcount": 12,
        "skills_needed": ["sales"],
        **overrides,
    }


async def _event_types(database_url: str) -> list[str]:
    return [r["type"] for r in await fetch(database_url, "intake", "SELECT type FROM outbox ORDER BY seq")]


async def test_a_submission_is_screened_stored_and_published(
    client: httpx.AsyncClient, database_url: str, infrastructure: Infra, territory: str
) -> None:
    call_id = await _open_call(client, territory)
    draft = await client.post("/applications", json=_application(call_id))
    assert draft.status_code == 201, draft.text
    body = draft.json()
    assert (body["status"], body["firm_id"], body["firm_size"], body["territory"]) == (
        "draft",
        "404833048",
        "small",
        territory,
    )
    assert await _event_types(database_url) == ["org.alize.intake.call.opened.v1"]  # a draft publishes nothing

    submitted = await client.post(f"/applications/{body['application_id']}/submit")
    assert submitted.status_code == 200, submitted.text
    assert (submitted.json()["status"], submitted.json()["screened_eligible"]) == ("submitted", True)
    assert await _event_types(database_url) == [
        "org.alize.intake.call.opened.v1",
        "org.alize.intake.application.submitted.v1",
        "org.alize.intake.application.screened.v1",
    ]
    rows = await eventually(
        lambda: fetch(
            database_url, "intake", "SELECT id, published_at FROM outbox WHERE aggregateid = $1", body["application_id"]
        ),
        lambda rows: all(r["published_at"] for r in rows),
    )
    found = await find_message(
        infrastructure.kafka_bootstrap_servers,
        topics.APPLICATIONS,
        lambda headers, _: headers.get("ce_id") == str(rows[0]["id"]).encode(),
    )
    assert found is not None
    headers, value = found
    assert headers["ce_type"] == b"org.alize.intake.application.submitted.v1"
    assert headers["ce_source"] == f"/territories/{territory}/intake".encode()
    assert headers["traceparent"].startswith(b"00-")
    assert body["application_id"].encode() in value and call_id.encode() in value


async def test_the_same_idempotency_key_creates_one_application(
    client: httpx.AsyncClient, database_url: str, territory: str
) -> None:
    call_id = await _open_call(client, territory)
    request = _application(call_id, submit=True)
    key = {"Idempotency-Key": f"retry-{uuid4()}"}
    first = await client.post("/applications", json=request, headers=key)
    again = await client.post("/applications", json=request, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert await count(database_url, "intake", "applications") == 1
    assert (await _event_types(database_url)).count("org.alize.intake.application.submitted.v1") == 1

    reused = await client.post("/applications", json={**request, "baseline_headcount": 13}, headers=key)
    assert reused.status_code == 422 and "already used for a different request" in reused.text
    assert await count(database_url, "intake", "applications") == 1


async def test_screening_applies_the_territorys_rules(
    client: httpx.AsyncClient, database_url: str, territory: str
) -> None:
    rules = {"min_jobs_planned": 20, "max_headcount": 10, "min_firm_age_months": 0}
    response = await client.put(f"/territories/{territory}/eligibility-rules/skill_sponsorship", json=rules)
    assert response.status_code == 200
    call_id = await _open_call(client, territory)
    response = await client.post("/applications", json=_application(call_id, submit=True))
    assert response.status_code == 201
    assert response.json()["screened_eligible"] is False
    assert response.json()["screening_reasons"] == [
        "Jobs planned (15) are below the minimum of 20 for this programme in this territory.",
        "Headcount (12) is above the maximum of 10.",
    ]
    screened = await fetch(database_url, "intake", "SELECT payload FROM outbox WHERE type LIKE '%screened%'")
    assert screened[0]["payload"]["eligible"] is False  # type: ignore[index]
    assert len(screened[0]["payload"]["reasons"]) == 2  # type: ignore[index]


async def test_submitting_to_a_closed_call_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, database_url: str, territory: str
) -> None:
    call_id = await _open_call(client, territory)
    draft = (await client.post("/applications", json=_application(call_id))).json()
    closed = await client.post(f"/calls/{call_id}/close")
    assert closed.status_code == 200 and closed.json()["closed_at"]
    assert (await client.post(f"/calls/{call_id}/close")).status_code == 409
    events_before = await _event_types(database_url)

    response = await client.post(f"/applications/{draft['application_id']}/submit")
    assert response.status_code == 422
    assert f"call {call_id} is closed" in response.json()["detail"]
    assert (await client.get(f"/applications/{draft['application_id']}")).json()["status"] == "draft"
    response = await client.post("/applications", json=_application(call_id, submit=True))
    assert response.status_code == 422 and "is closed" in response.text
    assert await count(database_url, "intake", "applications") == 1
    assert await _event_types(database_url) == events_before


async def test_calls_past_their_deadline_are_closed_once(client: httpx.AsyncClient, database_url: str) -> None:
    # The service's own periodic task may run at the same time as this direct call:
    # either way the call is closed exactly once.
    pool = await create_pool(database_url, "intake", max_size=2)
    try:
        past = Call(
            id=uuid4(),
            territory="indre",
            programme="skill_sponsorship",
            opens_on=date(2025, 10, 1),
            closes_on=date(2025, 12, 21),
            skill_days_budget=10,
            advances_budget_cents=0,
        )
        await calls.add_call(pool, past)
        await close_calls_past_their_deadline(pool, COMMANDS)
        assert await close_calls_past_their_deadline(pool, COMMANDS) == 0
        closed = await calls.get_call(pool, past.id)
    finally:
        await pool.close()
    assert closed is not None and closed.closed_at is not None
    events = await fetch(database_url, "intake", "SELECT payload FROM outbox WHERE type LIKE '%call.closed%'")
    assert [e["payload"]["reason"] for e in events] == ["deadline"]  # type: ignore[index]


async def test_withdrawal(client: httpx.AsyncClient, database_url: str, territory: str) -> None:
    call_id = await _open_call(client, territory)
    draft = (await client.post("/applications", json=_application(call_id))).json()
    refused = await client.post(f"/applications/{draft['application_id']}/withdraw")
    assert refused.status_code == 409 and "only a submitted application" in refused.text
    await client.post(f"/applications/{draft['application_id']}/submit")
    withdrawn = await client.post(f"/applications/{draft['application_id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert (await _event_types(database_url))[-1] == "org.alize.intake.application.withdrawn.v1"


def _approved(territory: str, application_id: str) -> ProjectApproved:
    return ProjectApproved(
        territory=territory,
        application_id=UUID(application_id),
        programme="skill_sponsorship",
        firm_id="404833048",
        decided_at=datetime.now(UTC),
        skill_days_contracted=0,
        advance_amount_cents=1_000_000,
        jobs_planned=Jobs(created=3, maintained=12),
    )


async def _submitted(client: httpx.AsyncClient, territory: str) -> str:
    call_id = await _open_call(client, territory)
    response = await client.post("/applications", json=_application(call_id, submit=True))
    assert response.status_code == 201, response.text
    application_id: str = response.json()["application_id"]
    return application_id


async def _decision(client: httpx.AsyncClient, application_id: str, decision: str) -> dict[str, Any]:
    found = await eventually(
        lambda: client.get(f"/applications/{application_id}"),
        lambda r: r.json()["committee_decision"] == decision,
    )
    assert found.json()["committee_decision"] == decision, found.text
    view: dict[str, Any] = found.json()
    return view


async def test_a_decided_application_can_no_longer_be_withdrawn(
    client: httpx.AsyncClient, infrastructure: Infra, database_url: str, territory: str
) -> None:
    """Approved (or rejected), an application stays so: metrics counted it both approved and withdrawn."""
    deferred, approved = await _submitted(client, territory), await _submitted(client, territory)
    deferral = ProjectDeferred(
        territory=territory,
        application_id=UUID(deferred),
        programme="skill_sponsorship",
        session_id=uuid4(),
        decided_at=datetime.now(UTC),
        reason="Needs a clearer business plan.",
    )
    await publish_event(infrastructure.kafka_bootstrap_servers, deferral)
    await publish_event(infrastructure.kafka_bootstrap_servers, _approved(territory, approved))
    await _decision(client, deferred, "deferred")
    await _decision(client, approved, "approved")
    before = (await _event_types(database_url), await fetch(database_url, "intake", "SELECT * FROM applications"))

    refused = await client.post(f"/applications/{approved}/withdraw")
    assert refused.status_code == 409
    assert "was approved by the committee: a decided application can no longer be withdrawn" in refused.json()["detail"]
    after = (await _event_types(database_url), await fetch(database_url, "intake", "SELECT * FROM applications"))
    assert after == before
    # A deferred project is still pending: its applicant may withdraw it.
    withdrawn = await client.post(f"/applications/{deferred}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


async def test_a_decision_crossing_a_withdrawal_leaves_the_withdrawal_standing(
    client: httpx.AsyncClient, infrastructure: Infra, territory: str
) -> None:
    application_id = await _submitted(client, territory)
    assert (await client.post(f"/applications/{application_id}/withdraw")).status_code == 200
    await publish_event(infrastructure.kafka_bootstrap_servers, _approved(territory, application_id))
    view = await _decision(client, application_id, "approved")
    assert view["status"] == "withdrawn"


async def test_the_same_decision_delivered_twice_is_recorded_once(
    client: httpx.AsyncClient, infrastructure: Infra, database_url: str, territory: str
) -> None:
    application_id = await _submitted(client, territory)
    event, event_id = _approved(territory, application_id), uuid4()
    await publish_event(infrastructure.kafka_bootstrap_servers, event, event_id=event_id)
    await publish_event(infrastructure.kafka_bootstrap_servers, event, event_id=event_id)
    # A marker on the same key (so the same partition, after both copies): once it is applied, so are they.
    marker = ProjectDeferred(
        territory=territory,
        application_id=UUID(application_id),
        programme="skill_sponsorship",
        session_id=uuid4(),
        decided_at=datetime.now(UTC),
        reason="A marker for the test.",
    )
    await publish_event(infrastructure.kafka_bootstrap_servers, marker)
    await _decision(client, application_id, "deferred")
    decisions = await fetch(
        database_url,
        "intake",
        "SELECT decision FROM committee_decisions WHERE application_id = $1 ORDER BY seq",
        application_id,
    )
    assert [d["decision"] for d in decisions] == ["approved", "deferred"]


async def test_personal_data_stays_in_intake_and_can_be_erased(
    client: httpx.AsyncClient, database_url: str, territory: str
) -> None:
    call_id = await _open_call(client, territory, programme="self_employment")
    contact = {
        "full_name": "Camille Martin",
        "email": "camille.martin@example.org",
        "phone": "+32 4 123 45 67",
        "social_aid_status": "revenu d'intégration",
    }
    response = await client.post(
        "/applications",
        json=_application(
            call_id,
            firm_id=None,
            sector=None,
            contact=contact,
            skills_needed=["business-plan"],
            jobs_planned={"created": 1, "maintained": 0},
            baseline_headcount=0,
            submit=True,
        ),
    )
    assert response.status_code == 201, response.text
    application = response.json()
    assert application["screened_eligible"] is True
    applicant_id = application["applicant_id"]
    assert (await client.get(f"/applicants/{applicant_id}")).json()["email"] == contact["email"]

    outbox = await fetch(database_url, "intake", "SELECT payload::text AS p, headers::text AS h FROM outbox")
    for row in outbox:
        for secret in ("Camille", "camille.martin", "123 45 67", "intégration", applicant_id):
            assert secret not in str(row["p"]) + str(row["h"])

    assert (await client.delete(f"/applicants/{applicant_id}")).status_code == 204
    erased = (await client.get(f"/applicants/{applicant_id}")).json()
    assert erased["erased_at"] and not any(erased[k] for k in ("full_name", "email", "phone", "social_aid_status"))
    kept = (await client.get(f"/applications/{application['application_id']}")).json()
    assert kept["jobs_planned"] == {"created": 1, "maintained": 0} and kept["status"] == "submitted"
    assert (await client.delete(f"/applicants/{uuid4()}")).status_code == 404
    # Each read of the applicant's personal data is on record, before it was served: who, when, which file.
    audit = (await client.get("/audit", params={"territory": territory})).json()
    reads = [e for e in audit if e["command"] == "read"]
    assert len(reads) == 2 and {e["route"] for e in reads} == {"GET /applicants/{applicant_id}"}
    assert all(e["target"] == {"applicant_id": applicant_id} and e["trace_id"] for e in reads)
    assert not [e for e in audit if e["route"] == "GET /applications/{application_id}"]  # no personal data there


BAD_INPUTS = [
    ({"firm_id": "404833049"}, "not a valid SIREN"),
    ({"firm_id": "12"}, "neither a SIREN"),
    ({"firm_id": None}, "needs the firm's identifier"),
    ({"programme": "lottery"}, "programme"),
    ({"jobs_planned": {"created": -1, "maintained": 0}}, "jobs_planned"),
    ({"jobs_planned": {"created": 1, "maintained": 13}}, "cannot exceed baseline_headcount"),
    ({"baseline_headcount": "many"}, "baseline_headcount"),
    ({"skills_needed": ["juggling"]}, "outside the competence catalogue"),
    ({"sector": "manufacturing"}, "sector"),
    ({"project_kind": "lottery"}, "project_kind"),
    ({"contact": {"full_name": "X", "email": "not-an-email"}}, "email"),
    ({"call_id": str(uuid4())}, "body.call_id: Nothing with this identifier"),
    ({"firm_created_on": (TODAY + timedelta(days=2)).isoformat()}, "is in the future"),  # past UTC+14 too
    ({"firm_created_on": "1899-12-31"}, "is before 1900-01-01"),
    ({"advance_requested_cents": 10_000_000_001}, "advance_requested_cents"),
    ({"baseline_headcount": 100_001}, "baseline_headcount"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUTS, ids=[m for _, m in BAD_INPUTS])
async def test_bad_application_is_refused_clearly_and_changes_nothing(
    client: httpx.AsyncClient, database_url: str, territory: str, overrides: dict[str, Any], message: str
) -> None:
    call_id = await _open_call(client, territory)
    response = await client.post("/applications", json={**_application(call_id, submit=True), **overrides})
    assert response.status_code == 422
    assert message in response.text
    assert await count(database_url, "intake", "applications") == 0
    assert await count(database_url, "intake", "applicants") == 0
    assert await _event_types(database_url) == ["org.alize.intake.call.opened.v1"]


BAD_CALLS = [
    (
        {"opens_on": (TODAY - timedelta(days=9)).isoformat(), "closes_on": (TODAY - timedelta(days=1)).isoformat()},
        "is in the past",
    ),
    ({"opens_on": (TODAY + timedelta(days=40)).isoformat()}, "is before opens_on"),
    ({"skill_days_budget": -1}, "skill_days_budget"),
    # The event contract's limit (10,000 days) is the API's: the API once allowed 100,000, and
    # CallOpened then failed to build (500).
    ({"skill_days_budget": 10_001}, "skill_days_budget"),
    ({"advances_budget_cents": 10_000_000_001}, "advances_budget_cents"),
    ({"territory": "Indre (36)"}, "territory"),
    ({"opens_on": "0001-01-01"}, "is before 1900-01-01"),
    ({"closes_on": "9999-12-31"}, "is more than 5 years ahead"),
    ({"closes_on": (TODAY + timedelta(days=6 * 366)).isoformat()}, "is more than 5 years ahead"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_CALLS, ids=[m for _, m in BAD_CALLS])
async def test_bad_call_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, database_url: str, territory: str, overrides: dict[str, Any], message: str
) -> None:
    response = await client.post(
        "/calls",
        json={
            "territory": territory,
            "programme": "skill_sponsorship",
            "opens_on": TODAY.isoformat(),
            "closes_on": (TODAY + timedelta(days=30)).isoformat(),
            "skill_days_budget": 60,
            "advances_budget_cents": 0,
            **overrides,
        },
    )
    assert response.status_code == 422 and message in response.text
    assert await count(database_url, "intake", "calls") == 0
    assert await count(database_url, "intake", "outbox") == 0


async def test_unknown_things_are_404(client: httpx.AsyncClient) -> None:
    for path in (f"/applications/{uuid4()}", f"/calls/{uuid4()}", f"/applicants/{uuid4()}"):
        response = await client.get(path)  # refused by the guard, or by the route for a public one
        assert response.status_code == 404 and re.search(
            "^(Nothing with this identifier|no )", response.json()["detail"]
        )
    assert (await client.post(f"/applications/{uuid4()}/submit")).status_code == 404


async def test_a_draft_can_be_revised_until_it_is_submitted(
    client: httpx.AsyncClient, database_url: str, territory: str
) -> None:
    call_id = await _open_call(client, territory)
    draft = (await client.post("/applications", json=_application(call_id, sector=None))).json()
    url = f"/applications/{draft['application_id']}"

    revised = await client.patch(url, json={"sector": "C25.62", "jobs_planned": {"created": 4, "maintained": 12}})
    assert revised.status_code == 200, revised.text
    assert (revised.json()["sector"], revised.json()["jobs_planned"]) == ("C25.62", {"created": 4, "maintained": 12})
    assert revised.json()["firm_id"] == "404833048"  # untouched fields stay

    for body, message in (
        ({"firm_id": "404833049"}, "not a valid SIREN"),
        ({"baseline_headcount": 3}, "cannot exceed baseline_headcount"),
        ({"skills_needed": ["juggling"]}, "outside the competence catalogue"),
        ({"call_id": call_id}, "call_id"),
    ):
        refused = await client.patch(url, json=body)
        assert refused.status_code == 422 and message in refused.text, refused.text
    assert (await client.get(url)).json() == revised.json()

    await client.post(f"{url}/submit")
    too_late = await client.patch(url, json={"sector": "C26"})
    assert too_late.status_code == 409 and "only a draft can be changed" in too_late.text
    assert (await client.get(url)).json()["sector"] == "C25.62"
    assert (await client.patch(f"/applications/{uuid4()}", json={"sector": "C26"})).status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"min_jobs_planned": -1, "max_headcount": 10}, "min_jobs_planned"),
        ({"min_jobs_planned": 1, "max_headcount": 10, "min_firm_age_months": 5000}, "min_firm_age_months"),
        ({"min_jobs_planned": 1}, "max_headcount"),
        ({"min_jobs_planned": 1, "max_headcount": 10, "unknown_rule": 3}, "unknown_rule"),
    ],
)
async def test_bad_eligibility_rules_are_refused_and_change_nothing(
    client: httpx.AsyncClient, database_url: str, territory: str, body: dict[str, Any], message: str
) -> None:
    response = await client.put(f"/territories/{territory}/eligibility-rules/skill_sponsorship", json=body)
    assert response.status_code == 422 and message in response.text
    assert await count(database_url, "intake", "eligibility_rules") == 0
    bad_programme = await client.put(
        f"/territories/{territory}/eligibility-rules/lottery", json={"min_jobs_planned": 1, "max_headcount": 10}
    )
    assert bad_programme.status_code == 422 and "programme" in bad_programme.text


async def test_an_applicant_follows_and_changes_its_own_file_only(
    client: httpx.AsyncClient, accounts: Accounts, territory: str
) -> None:
    call_id = await _open_call(client, territory)
    own = await accounts.firm(territory, firm_id="404833048")
    other_firm = await accounts.firm(territory, firm_id="732829320")
    other_staff = await accounts.staff(f"{territory}-other")
    # An applicant's account applies for its own firm only.
    refused = await client.post("/applications", json=_application(call_id, firm_id="732 829 320"), headers=own)
    assert refused.status_code == 403, refused.text
    created = await client.post("/applications", json=_application(call_id), headers=own)
    assert created.status_code == 201, created.text
    url = f"/applications/{created.json()['application_id']}"
    assert (await client.get(url, headers=own)).status_code == 200
    for stranger in (other_firm, other_staff):
        assert (await client.get(url, headers=stranger)).status_code == 403
        assert (await client.post(f"{url}/submit", headers=stranger)).status_code == 403
    assert (await client.post(f"{url}/submit", headers=own)).json()["status"] == "submitted"
    assert (await client.get(url)).status_code == 200  # the territory's staff
    anonymous = client.build_request("GET", url)
    del anonymous.headers["authorization"]
    response = await client.send(anonymous)
    assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Bearer")
    # Who did what is on record, by opaque subject and role, never by name.
    audit = (await client.get("/audit", params={"territory": territory})).json()
    assert [(e["command"], e["acting_as"]) for e in reversed(audit)] == [
        ("OpenCall", f"network-staff@{territory}"),
        ("CreateApplication", f"firm@{territory}"),
        ("SubmitApplication", f"firm@{territory}"),
    ]
    assert audit[0]["target"] == {"application_id": created.json()["application_id"]}
    assert len({e["subject"] for e in audit}) == 2 and all(e["trace_id"] for e in audit)
    assert (await client.get("/audit", params={"territory": territory}, headers=own)).status_code == 403
