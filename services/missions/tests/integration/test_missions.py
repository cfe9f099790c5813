"""Missions against real PostgreSQL and Kafka: missions opened from the committee's
events, conventions, days and their review, jobs, advances and guidance; every
refusal is a clear 4xx that leaves no event and no row."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from alize_contracts import Jobs, ProjectApproved
from alize_contracts.events import AdvanceGranted, PartnerAssignment, ProjectAmended
from devstack.infra import Infra
from devstack.testing import ServiceSettingsFor, count, eventually, fetch, publish_event, running
from missions.app import create_app
from missions.settings import MissionsSettings

pytestmark = pytest.mark.infra

FIRM, PARTNER = "404833048", uuid4()
APPROVED_AT = datetime(2026, 3, 2, 16, tzinfo=UTC)
HOST, LENDER = {"Alize-Party": f"firm:{FIRM}"}, {"Alize-Party": f"partner:{PARTNER}"}
# What a refused command must leave unchanged, for one application (the consumer may meanwhile
# be applying earlier tests' events: a fresh consumer group reads each topic from the start).
FOOTPRINT = {
    "events": "SELECT count(*) FROM outbox WHERE payload->>'application_id' = ($1::uuid)::text",
    "missions": "SELECT count(*) FROM missions WHERE application_id = $1",
    "days": "SELECT count(*) FROM mission_days JOIN missions m ON m.id = mission_id WHERE m.application_id = $1",
    "experts": "SELECT count(*) FROM experts WHERE $1::uuid IS NOT NULL",
    "declarations": "SELECT count(*) FROM job_declarations WHERE application_id = $1",
    "repayments": "SELECT count(*) FROM advance_repayments r JOIN advances a ON a.id = r.advance_id "
    "WHERE a.application_id = $1",
    "sessions": "SELECT count(*) FROM guidance_sessions WHERE application_id = $1",
    "outcomes": "SELECT count(*) FROM participant_outcomes WHERE application_id = $1",
    "survival": "SELECT count(*) FROM survival_checks s JOIN businesses b USING (firm_id) WHERE b.application_id = $1",
}


@pytest.fixture
async def client(service_settings: ServiceSettingsFor) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(MissionsSettings(**service_settings("missions")))) as http:  # type: ignore[arg-type]
        yield http


def _approved(
    territory: str, *, programme: str = "skill_sponsorship", days: float = 3, advance: int | None = None
) -> ProjectApproved:
    return ProjectApproved(
        territory=territory,
        application_id=uuid4(),
        programme=programme,  # type: ignore[arg-type]
        firm_id=FIRM if programme == "skill_sponsorship" else None,
        decided_at=APPROVED_AT,
        skill_days_contracted=days,
        advance_amount_cents=advance,
        jobs_planned=Jobs(created=2, maintained=12),
        session_id=uuid4(),
        baseline_headcount=12 if programme == "skill_sponsorship" else 0,
        partners=[PartnerAssignment(partner_id=PARTNER, competence="sales", days=days)] if days else [],
    )


async def _missions(client: httpx.AsyncClient, event: ProjectApproved, n: int = 1) -> list[dict[str, Any]]:
    found = await eventually(
        lambda: client.get("/missions", params={"application_id": str(event.application_id)}),
        lambda r: len(r.json()) >= n,
    )
    missions: list[dict[str, Any]] = found.json()
    assert len(missions) >= n, "no mission opened"
    return missions


async def _footprint(database_url: str, application_id: UUID) -> dict[str, object]:
    return {
        name: (await fetch(database_url, "missions", query, application_id))[0]["count"]
        for name, query in FOOTPRINT.items()
    }


async def _refused(
    database_url: str, application_id: UUID, call: Callable[[], Awaitable[httpx.Response]], status: int, message: str
) -> None:
    before = await _footprint(database_url, application_id)
    response = await call()
    assert response.status_code == status, response.text
    assert message in response.text, response.text
    assert await _footprint(database_url, application_id) == before, message


async def test_the_same_events_delivered_twice_have_one_effect(
    client: httpx.AsyncClient, infrastructure: Infra, database_url: str, territory: str
) -> None:
    event, event_id = _approved(territory), uuid4()
    await publish_event(infrastructure.kafka_bootstrap_servers, event, event_id=event_id)
    await publish_event(infrastructure.kafka_bootstrap_servers, event, event_id=event_id)
    amendment = ProjectAmended(
        territory=territory,
        application_id=event.application_id,
        programme="skill_sponsorship",
        session_id=uuid4(),
        decided_at=datetime.now(UTC),
        additional_skill_days=2,
        partners=[PartnerAssignment(partner_id=PARTNER, competence="sales", days=2)],
    )
    amendment_id = uuid4()
    await publish_event(infrastructure.kafka_bootstrap_servers, amendment, event_id=amendment_id)
    await publish_event(infrastructure.kafka_bootstrap_servers, amendment, event_id=amendment_id)
    (mission,) = await _missions(client, event)
    marker = _approved(territory)
    await publish_event(infrastructure.kafka_bootstrap_servers, marker)
    await _missions(client, marker)

    missions = (await client.get("/missions", params={"application_id": str(event.application_id)})).json()
    assert len(missions) == 1 and missions[0]["days_budget"] == 5  # 3 approved + 2 amended, once
    assert (missions[0]["partner_id"], missions[0]["competence"]) == (str(PARTNER), "sales")
    assert missions[0]["window_ends_on"] == "2027-09-02"  # 18 months after approval by default
    events = await fetch(
        database_url, "missions", "SELECT type FROM outbox WHERE aggregateid = $1 ORDER BY seq", mission["mission_id"]
    )
    assert [e["type"] for e in events] == [
        "org.alize.missions.mission.opened.v1",
        "org.alize.missions.mission.amended.v1",
    ]


async def test_a_mission_from_convention_to_closure(
    client: httpx.AsyncClient, infrastructure: Infra, database_url: str, territory: str
) -> None:
    event = _approved(territory, days=3)
    await publish_event(infrastructure.kafka_bootstrap_servers, event)
    (mission,) = await _missions(client, event)
    url = f"/missions/{mission['mission_id']}"
    expert = {"full_name": "Nadia Benali", "email": "nadia.benali@example.com", "job_title": "Sales director"}

    def day(worked_on: str, days: float = 1, party: dict[str, str] = LENDER) -> Awaitable[httpx.Response]:
        return client.post(f"{url}/days", json={"worked_on": worked_on, "days": days}, headers=party)

    await _refused(
        database_url,
        event.application_id,
        lambda: client.put(
            f"{url}/convention", json={"expert": expert, "starts_on": "2026-04-01", "ends_on": "2027-12-31"}
        ),
        422,
        "must end by 2027-09-02",
    )
    drawn = await client.put(
        f"{url}/convention", json={"expert": expert, "starts_on": "2026-04-01", "ends_on": "2027-03-31"}
    )
    assert drawn.status_code == 200 and drawn.json()["convention_signed_on"] is None
    await _refused(database_url, event.application_id, lambda: day("2026-05-04"), 422, "is not signed")
    signed = await client.post(f"{url}/convention/signature", json={"signed_on": "2026-03-28"})
    assert signed.status_code == 200 and signed.json()["convention_signed_on"] == "2026-03-28"

    await _refused(database_url, event.application_id, lambda: day("2026-03-31"), 422, "outside the mission window")
    tomorrow = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()  # tomorrow even at UTC+14
    await _refused(database_url, event.application_id, lambda: day(tomorrow), 422, "is in the future")
    await _refused(database_url, event.application_id, lambda: day("1899-12-31"), 422, "is before 1900-01-01")
    await _refused(
        database_url, event.application_id, lambda: day("2026-05-04", party=HOST), 403, "only the lending partner"
    )
    await _refused(
        database_url,
        event.application_id,
        lambda: day("2026-05-04", party={"Alize-Party": f"partner:{uuid4()}"}),
        403,
        "only the lending partner",
    )
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post(f"{url}/days", json={"worked_on": "2026-05-04", "days": 1}),
        422,
        "alize-party",
    )
    logged = [(await day(d)).json()["day_id"] for d in ("2026-05-04", "2026-05-05", "2026-06-02")]
    await _refused(
        database_url, event.application_id, lambda: day("2026-06-03", 0.5), 422, "0.0 of 3.0 contracted days left"
    )

    confirm = f"{url}/days/{logged[0]}/confirmation"
    await _refused(
        database_url, event.application_id, lambda: client.post(confirm, headers=LENDER), 403, "only the host firm"
    )
    assert (await client.post(confirm, headers=HOST)).json()["status"] == "confirmed"
    await _refused(
        database_url, event.application_id, lambda: client.post(confirm, headers=HOST), 409, "already confirmed"
    )
    assert (await client.post(f"{url}/days/{logged[1]}/confirmation", headers=HOST)).status_code == 200
    disputed = await client.post(f"{url}/days/{logged[2]}/dispute", json={"reason": "Visit cancelled."}, headers=HOST)
    assert disputed.json()["status"] == "disputed"
    assert (await day("2026-06-09", 1)).status_code == 201  # the disputed day's budget came back

    closure = {"closed_on": "2026-07-01", "satisfaction": 5, "comment": "Very useful."}
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post(f"{url}/closure", json=closure, headers=HOST),
        409,
        "1 days awaiting",
    )
    last = (await client.get(f"{url}/days")).json()[-1]["day_id"]
    await client.post(f"{url}/days/{last}/confirmation", headers=HOST)
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post(f"{url}/closure", json=closure, headers=LENDER),
        403,
        "only the host firm",
    )
    closed = await client.post(f"{url}/closure", json=closure, headers=HOST)
    assert closed.status_code == 200 and closed.json()["closed_on"] == "2026-07-01"
    await _refused(database_url, event.application_id, lambda: day("2026-07-02"), 409, "was closed")

    types = [
        r["type"].split(".")[-2]
        for r in await fetch(
            database_url,
            "missions",
            "SELECT type FROM outbox WHERE aggregateid = $1 ORDER BY seq",
            mission["mission_id"],
        )
    ]
    assert types == [
        "opened",
        "convention_signed",
        "day_logged",
        "day_logged",
        "day_logged",
        "day_confirmed",
        "day_confirmed",
        "day_disputed",
        "day_logged",
        "day_confirmed",
        "closed",
    ]
    closed_event = await fetch(database_url, "missions", "SELECT payload FROM outbox WHERE type LIKE '%closed%'")
    assert closed_event[0]["payload"]["days_delivered"] == 3  # type: ignore[index]
    for row in await fetch(database_url, "missions", "SELECT payload::text AS p FROM outbox"):
        assert "Nadia" not in str(row["p"]) and "useful" not in str(row["p"])


async def test_jobs_are_declared_against_the_baseline(
    client: httpx.AsyncClient, infrastructure: Infra, database_url: str, territory: str
) -> None:
    event = _approved(territory)
    await publish_event(infrastructure.kafka_bootstrap_servers, event)
    await _missions(client, event)
    url = f"/applications/{event.application_id}/job-declarations"
    first = await client.post(url, json={"as_of": "2026-09-30", "headcount": 14})
    assert first.status_code == 201 and (first.json()["jobs_created"], first.json()["jobs_maintained"]) == (2, 12)
    later = await client.post(
        url,
        json={"as_of": "2026-10-31", "headcount": 10},
    )
    assert (later.json()["jobs_created"], later.json()["jobs_maintained"]) == (0, 10)
    assert len((await client.get(url)).json()) == 2  # the history is kept
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post(url, json={"as_of": "2099-01-01", "headcount": 14}),
        422,
        "in the future",
    )
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post(url, json={"as_of": "2026-01-01", "headcount": 14}),
        422,
        "before the project's approval",
    )
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post(url, json={"as_of": "2026-10-31", "headcount": -1}),
        422,
        "headcount",
    )
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post(f"/applications/{uuid4()}/job-declarations", json={"as_of": "2026-10-31", "headcount": 3}),
        404,
        "not an approved project",
    )
    declared = await fetch(
        database_url, "missions", "SELECT payload FROM outbox WHERE type LIKE '%jobs.declared%' ORDER BY seq"
    )
    assert declared[0]["payload"]["jobs"] == {"created": 2, "maintained": 12}  # type: ignore[index]
    assert declared[0]["payload"]["baseline_headcount"] == 12  # type: ignore[index]


async def test_an_advance_is_disbursed_repaid_in_part_and_written_off(
    client: httpx.AsyncClient, infrastructure: Infra, database_url: str, territory: str
) -> None:
    event = _approved(territory, advance=2_300_000)
    await publish_event(infrastructure.kafka_bootstrap_servers, event)
    await publish_event(
        infrastructure.kafka_bootstrap_servers,
        AdvanceGranted(
            territory=territory,
            application_id=event.application_id,
            firm_id=FIRM,
            call_id=None,
            session_id=uuid4(),
            granted_at=APPROVED_AT,
            amount_cents=2_300_000,
        ),
    )
    found = await eventually(
        lambda: client.get("/advances", params={"application_id": str(event.application_id)}),
        lambda r: len(r.json()) == 1,
    )
    url = f"/advances/{found.json()[0]['advance_id']}"
    repayment = {"received_on": "2026-06-01", "amount_cents": 1_000_000}
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post(f"{url}/repayments", json=repayment),
        409,
        "not been disbursed",
    )

    # A schedule running past year 9999 raised an AssertionError (500); it is refused before.
    for schedule, message in (
        ({"installments": 120, "first_due_on": "2026-10-01", "months_between": 12}, "at most 120 months"),
        ({"installments": 2, "first_due_on": "9999-12-01", "months_between": 12}, "years ahead"),
    ):
        await _refused(
            database_url,
            event.application_id,
            functools.partial(client.post, f"{url}/disbursement", json={"disbursed_on": "2026-04-01", **schedule}),
            422,
            message,
        )
    disbursed = await client.post(
        f"{url}/disbursement",
        json={"disbursed_on": "2026-04-01", "installments": 2, "first_due_on": "2026-10-01", "months_between": 6},
    )
    assert disbursed.status_code == 200, disbursed.text
    assert [i["amount_cents"] for i in disbursed.json()["schedule"]] == [1_150_000, 1_150_000]
    repaid = await client.post(f"{url}/repayments", json=repayment)
    assert repaid.status_code == 201 and repaid.json()["outstanding_cents"] == 1_300_000
    # Only the first installment (due 2026-10-01) is due by now (2026-11 or later): 11,500 - 10,000 EUR.
    today = datetime.now(UTC).date()
    assert repaid.json()["arrears_cents"] == (150_000 if today < date(2027, 4, 1) else 1_300_000)
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post(f"{url}/repayments", json={**repayment, "amount_cents": 1_300_001}),
        422,
        "above what is owed: 13000.00 EUR",
    )
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post(f"{url}/write-off", json={"written_off_on": "2026-03-31", "reason": "Liquidation."}),
        422,
        "cannot precede the disbursement on 2026-04-01",
    )
    written_off = await client.post(f"{url}/write-off", json={"written_off_on": "2026-11-02", "reason": "Liquidation."})
    assert written_off.json()["written_off_cents"] == 1_300_000 and written_off.json()["outstanding_cents"] == 0
    types = [
        r["type"].split(".")[-2]
        for r in await fetch(
            database_url, "missions", "SELECT type FROM outbox WHERE type LIKE '%advance%' ORDER BY seq"
        )
    ]
    assert types == ["disbursed", "repayment_received", "written_off"]


async def test_a_guidance_track_to_a_surviving_business(
    client: httpx.AsyncClient, infrastructure: Infra, database_url: str, territory: str
) -> None:
    event = _approved(territory, programme="self_employment", days=0)
    await publish_event(infrastructure.kafka_bootstrap_servers, event)
    tracks = await eventually(
        lambda: client.get("/guidance", params={"territory": territory}), lambda r: len(r.json()) == 1
    )
    url = f"/guidance/{tracks.json()[0]['application_id']}"
    counsellor = (
        await client.post(
            "/counsellors", json={"territory": territory, "full_name": "Luc Maes", "email": "luc.maes@example.be"}
        )
    ).json()["counsellor_id"]
    session = {"counsellor_id": counsellor, "held_on": "2026-03-10", "days": 0.5}
    assert (await client.post(f"{url}/sessions", json=session)).status_code == 201
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post(f"{url}/sessions", json={**session, "counsellor_id": str(uuid4())}),
        422,
        "not a known counsellor",
    )
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post(f"/guidance/{uuid4()}/sessions", json=session),
        404,
        "no guidance track",
    )
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post(
            f"{url}/outcome",
            json={
                "outcome": "firm_created",
                "recorded_on": "2026-09-01",
                "firm_id": "BE0403170702",
                "created_on": "2025-08-20",
            },
        ),
        422,
        "not a valid SIREN, SIRET or Belgian enterprise number",
    )
    outcome = {"outcome": "firm_created", "recorded_on": "2026-09-01", "firm_id": "BE0403170701"}
    for created_on, message in (("2026-09-02", "cannot follow the outcome's record"), ("9999-01-01", "in the future")):
        await _refused(
            database_url,
            event.application_id,
            functools.partial(client.post, f"{url}/outcome", json={**outcome, "created_on": created_on}),
            422,
            message,
        )
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post(
            f"{url}/outcome", json={**outcome, "recorded_on": "2026-03-01", "created_on": "2025-08-20"}
        ),
        422,
        "cannot precede the approval on 2026-03-02",
    )
    created = await client.post(
        f"{url}/outcome",
        json={
            "outcome": "firm_created",
            "recorded_on": "2026-09-01",
            "firm_id": "BE 0403.170.701",
            "created_on": "2025-08-20",
        },
    )
    assert created.status_code == 201, created.text

    check = {"years": 1, "active": True, "checked_on": "2026-08-25"}
    # Once accepted and stored as infinity, then dead-lettered by metrics: missions and metrics disagreed.
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post("/businesses/BE0403170701/survival-checks", json={**check, "checked_on": "9999-12-31"}),
        422,
        "is in the future",
    )
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post("/businesses/443061841/survival-checks", json=check),
        404,
        "no business 443061841",
    )
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post("/businesses/BE0403170701/survival-checks", json={**check, "checked_on": "2026-01-01"}),
        422,
        "is due on 2026-08-20",
    )
    assert (await client.post("/businesses/BE0403170701/survival-checks", json=check)).status_code == 201
    await _refused(
        database_url,
        event.application_id,
        lambda: client.post("/businesses/BE0403170701/survival-checks", json=check),
        409,
        "already reported",
    )
    types = [
        r["type"].split(".")[-2]
        for r in await fetch(
            database_url, "missions", "SELECT type FROM outbox WHERE type LIKE '%guidance%' ORDER BY seq"
        )
    ]
    assert types == ["session_logged", "outcome_recorded", "business_created", "survival_reported"]


async def test_the_mission_window_is_set_per_territory(client: httpx.AsyncClient, territory: str) -> None:
    assert (await client.put(f"/territories/{territory}/mission-window", json={"months": 12})).status_code == 200
    refused = await client.put(f"/territories/{territory}/mission-window", json={"months": 24})
    assert refused.status_code == 422 and "less than or equal to 18" in refused.text


@pytest.mark.parametrize(
    ("path", "method", "body", "message"),
    [
        ("/territories/indre/mission-window", "PUT", {"months": 24}, "less than or equal to 18"),
        ("/territories/indre/mission-window", "PUT", {"months": 11}, "greater than or equal to 12"),
        ("/counsellors", "POST", {"territory": "indre", "full_name": "Luc Maes", "email": "nope"}, "email"),
        (
            "/counsellors",
            "POST",
            {"territory": "Indre!", "full_name": "Luc Maes", "email": "l@example.be"},
            "territory",
        ),
    ],
)
async def test_bad_settings_and_counsellors_are_refused_and_change_nothing(
    client: httpx.AsyncClient, database_url: str, path: str, method: str, body: dict[str, Any], message: str
) -> None:
    response = await client.request(method, path, json=body)
    assert response.status_code == 422 and message in response.text
    assert await count(database_url, "missions", "territory_settings") == 0
    assert await count(database_url, "missions", "counsellors") == 0
