"""Committee against real PostgreSQL and Kafka: the docket fed by intake's events,
sessions deciding with quorum and conflicts of interest, budgets and partners."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from alize_contracts import ApplicationSubmitted, Jobs
from alize_contracts.events import AdvanceRepaymentReceived
from committee.app import create_app
from committee.settings import CommitteeSettings
from devstack.infra import Infra
from devstack.testing import FIRM, Accounts, SettingsFor, count, eventually, fetch, publish_event, running

pytestmark = pytest.mark.infra


@pytest.fixture
async def client(service_settings: SettingsFor, accounts: Accounts, territory: str) -> AsyncIterator[httpx.AsyncClient]:
    """The service, called by the network's staff of the test's territory."""
    staff = await accounts.staff(territory)
    async with running(create_app(CommitteeSettings(**service_settings("committee"))), staff) as http:  # type: ignore[arg-type]
        yield http


class World:
    """A territory with a call, screened applications, a partner, members and a session."""

    def __init__(
        self, client: httpx.AsyncClient, infrastructure: Infra, database_url: str, territory: str, intake: Any
    ):
        self.client, self.bootstrap, self.db, self.territory, self.intake = (
            client,
            infrastructure.kafka_bootstrap_servers,
            database_url,
            territory,
            intake,
        )
        self.call_id = uuid4()

    async def open_call(self, advances_cents: int = 3_000_000, days: float = 20) -> None:
        event = self.intake.call_opened(self.territory, self.call_id, days=days, advances_cents=advances_cents)
        await publish_event(self.bootstrap, event)

    async def application(self, *, eligible: bool = True, firm_id: str = FIRM) -> UUID:
        application_id = uuid4()
        for event in self.intake.application(
            self.territory, application_id, self.call_id, eligible=eligible, firm_id=firm_id
        ):
            await publish_event(self.bootstrap, event)
        await self.wait_screened(application_id)
        return application_id

    async def wait_screened(self, application_id: UUID) -> dict[str, Any]:
        docket = await eventually(
            lambda: self.client.get("/docket", params={"territory": self.territory}),
            lambda r: any(e["application_id"] == str(application_id) and e["eligible"] is not None for e in r.json()),
        )
        return next(e for e in docket.json() if e["application_id"] == str(application_id))

    async def partner(self, days: float = 10, competence: str = "sales") -> str:
        response = await self.client.post(
            "/partners",
            json={
                "company_name": "Groupe Chimie Centre",
                "territory": self.territory,
                "sites": [{"territory": self.territory, "city": "Châteauroux"}],
                "contact": {"full_name": "Dominique Petit", "email": "d.petit@example.com"},
            },
        )
        assert response.status_code == 201, response.text
        partner = response.json()
        offered = await self.client.post(
            f"/partners/{partner['partner_id']}/competences",
            json={
                "site_id": partner["sites"][0]["site_id"],
                "competence": competence,
                "year": 2026,
                "yearly_capacity_days": days,
            },
        )
        assert offered.status_code == 201, offered.text
        partner_id: str = partner["partner_id"]
        return partner_id

    async def member(self, **extra: Any) -> str:
        response = await self.client.post(
            "/members",
            json={"territory": self.territory, "full_name": "Alex Durand", "email": "alex.durand@example.org", **extra},
        )
        assert response.status_code == 201, response.text
        member_id: str = response.json()["member_id"]
        return member_id

    async def session(self, members: list[str], quorum: int = 2) -> str:
        response = await self.client.post(
            "/sessions",
            json={"territory": self.territory, "held_on": "2026-04-14", "quorum": quorum, "member_ids": members},
        )
        assert response.status_code == 201, response.text
        session_id: str = response.json()["session_id"]
        return session_id

    async def decide(self, session_id: str, *decisions: dict[str, Any]) -> httpx.Response:
        return await self.client.post(f"/sessions/{session_id}/decisions", json={"decisions": list(decisions)})

    async def footprint(self) -> tuple[int, int, list[Any]]:
        """What a refused request must leave unchanged: events, decisions, docket statuses."""
        statuses = await fetch(self.db, "committee", "SELECT application_id, status FROM docket ORDER BY 1")
        return (await count(self.db, "committee", "outbox"), await count(self.db, "committee", "decisions"), statuses)


@pytest.fixture
async def world(
    client: httpx.AsyncClient, infrastructure: Infra, database_url: str, territory: str, intake: Any
) -> World:
    created = World(client, infrastructure, database_url, territory, intake)
    await created.open_call()
    return created


def approve(
    application_id: UUID, voters: list[str], partner_id: str | None, days: float = 3, advance: int | None = None
) -> dict[str, Any]:
    return {
        "application_id": str(application_id),
        "outcome": "approve",
        "voters": voters,
        "skill_days": days,
        "partners": [{"partner_id": partner_id, "competence": "sales", "days": days}] if days else [],
        "advance_amount_cents": advance,
    }


async def test_the_same_event_delivered_twice_puts_one_entry_on_the_docket(
    world: World, infrastructure: Infra, database_url: str, territory: str
) -> None:
    event = ApplicationSubmitted(
        territory=territory,
        application_id=uuid4(),
        programme="skill_sponsorship",
        firm_id=FIRM,
        submitted_at=datetime.now(UTC),
        jobs_planned=Jobs(created=2, maintained=5),
        baseline_headcount=5,
    )
    event_id = uuid4()
    await publish_event(infrastructure.kafka_bootstrap_servers, event, event_id=event_id)
    await publish_event(infrastructure.kafka_bootstrap_servers, event, event_id=event_id)
    marker = await world.application()  # published after both copies, on the same topic and partition key space
    docket = (await world.client.get("/docket", params={"territory": territory})).json()
    assert sorted(e["application_id"] for e in docket) == sorted([str(event.application_id), str(marker)])
    processed = await fetch(
        database_url, "committee", "SELECT 1 FROM processed_events WHERE event_id = $1", str(event_id)
    )
    assert len(processed) == 1


async def test_a_session_decides_its_agenda_and_publishes_every_fact(world: World, database_url: str) -> None:
    partner_id = await world.partner(days=10)
    approved, rejected, deferred = [await world.application() for _ in range(3)]
    ineligible = await world.application(eligible=False)
    members = [await world.member() for _ in range(3)]
    session_id = await world.session(members)

    agenda = (await world.client.get(f"/sessions/{session_id}/agenda")).json()
    assert {e["application_id"] for e in agenda} == {str(approved), str(rejected), str(deferred)}
    assert str(ineligible) not in {e["application_id"] for e in agenda}

    suggestions = (
        await world.client.get(f"/applications/{approved}/partner-suggestions", params={"year": 2026})
    ).json()
    assert suggestions[0]["partner_id"] == partner_id and suggestions[0]["competences"] == ["sales"]

    response = await world.decide(
        session_id,
        approve(approved, members, partner_id, days=3, advance=2_300_000),
        {"application_id": str(rejected), "outcome": "reject", "voters": members, "reason": "Out of scope."},
        {"application_id": str(deferred), "outcome": "defer", "voters": members[:2], "reason": "Forecast missing."},
    )
    assert response.status_code == 201, response.text
    assert response.json()["decisions"] == {"approved": 1, "rejected": 1, "deferred": 1, "amended": 0}
    counts = '"decisions":{"approved":1,"rejected":1,"deferred":1,"amended":0}'
    votes = ",".join(
        f'{{"application_id":"{application}","decision":"{kind}","voters":{json.dumps(voters, separators=(",", ":"))}}}'
        for application, kind, voters in [
            (approved, "approved", members),
            (rejected, "rejected", members),
            (deferred, "deferred", members[:2]),
        ]
    )
    # The body, byte for byte (keys in order).
    assert response.text == f'{{"session_id":"{session_id}",{counts},"votes":[{votes}]}}'

    events = await fetch(database_url, "committee", "SELECT type, payload FROM outbox ORDER BY seq")
    assert [e["type"].rsplit(".", 2)[-2] for e in events] == [  # type: ignore[union-attr]
        "joined",
        "competence_offered",
        "approved",
        "granted",
        "rejected",
        "deferred",
        "held",
    ]
    approved_event: Any = events[2]["payload"]
    assert approved_event["partners"] == [{"partner_id": partner_id, "competence": "sales", "days": 3.0}]
    assert approved_event["session_id"] == session_id and approved_event["call_id"] == str(world.call_id)
    assert events[3]["payload"]["amount_cents"] == 2_300_000  # type: ignore[index]
    assert events[-1]["payload"]["decisions"] == {"approved": 1, "rejected": 1, "deferred": 1, "amended": 0}  # type: ignore[index]
    for event in events:  # the members' and the partner's contacts never travel
        assert "Durand" not in str(event["payload"]) and "Petit" not in str(event["payload"])

    later = await world.session(members)
    assert [e["application_id"] for e in (await world.client.get(f"/sessions/{later}/agenda")).json()] == [
        str(deferred)
    ]
    remaining = (await world.client.get(f"/applications/{deferred}/partner-suggestions", params={"year": 2026})).json()
    assert remaining[0]["remaining_days"] == 7
    await world.partner(days=10, competence="export")  # a competence the applications do not need
    only_sales = (await world.client.get(f"/applications/{deferred}/partner-suggestions", params={"year": 2026})).json()
    assert [s["partner_id"] for s in only_sales] == [partner_id]


async def test_refusals_leave_no_event_and_no_row(world: World) -> None:
    partner_id = await world.partner(days=4)
    application, other, ineligible = (
        await world.application(),
        await world.application(),
        await world.application(eligible=False),
    )
    chair, member, tied, partner_employee = (
        await world.member(),
        await world.member(),
        await world.member(),
        await world.member(partner_id=partner_id),
    )
    conflict = await world.client.post(f"/members/{tied}/conflicts", json={"firm_id": FIRM})
    assert conflict.status_code == 201
    session_id = await world.session([chair, member, tied, partner_employee], quorum=2)
    before = await world.footprint()

    refusals = [
        ([approve(application, [chair], partner_id)], 422, "no quorum"),
        ([approve(application, [chair, tied], partner_id)], 422, "tied to the firm 404833048"),
        ([approve(application, [chair, partner_employee], partner_id)], 422, "tied to the assigned partner"),
        ([approve(application, [chair, member], partner_id, days=0, advance=3_000_001)], 422, "over the fund"),
        ([approve(application, [chair, member], partner_id, days=5)], 422, "days of 'sales' left"),
        ([approve(ineligible, [chair, member], partner_id)], 422, "screened ineligible"),
        ([approve(uuid4(), [chair, member], partner_id)], 404, "not on the committee's docket"),
        ([approve(application, [chair, str(uuid4())], partner_id)], 422, "do not sit in session"),
        # All or nothing: a valid decision followed by a refused one records neither.
        (
            [approve(application, [chair, member], partner_id), approve(other, [chair], partner_id, days=1)],
            422,
            "no quorum",
        ),
        ([{"application_id": str(application), "outcome": "reject", "voters": [chair, member]}], 422, "needs a reason"),
        (
            [{"application_id": str(application), "outcome": "approve", "voters": [chair, member], "skill_days": 2.3}],
            422,
            "multiple of 0.5",
        ),
    ]
    for decisions, status, message in refusals:
        response = await world.decide(session_id, *decisions)
        assert (response.status_code, message in response.text) == (status, True), (message, response.text)
        assert await world.footprint() == before, message

    done = await world.decide(session_id, approve(application, [chair, member], partner_id))
    assert done.status_code == 201, done.text
    after_first = await world.footprint()
    again = await world.decide(session_id, approve(other, [chair, member], partner_id, days=1))
    assert again.status_code == 409 and "already held" in again.text
    next_session = await world.session([chair, member])
    twice = await world.decide(
        next_session,
        {
            "application_id": str(application),
            "outcome": "reject",
            "voters": [chair, member],
            "reason": "Changed our mind.",
        },
    )
    assert twice.status_code == 409 and "already approved" in twice.text
    assert await world.footprint() == after_first


async def test_members_cast_their_own_ballots_and_the_session_counts_them(
    world: World, accounts: Accounts, database_url: str
) -> None:
    """Each member votes with its own account; staff records the decisions naming no voter, and the
    ballots make the quorum. A conflicted member can only abstain; ballots are the member's own."""
    partner_id = await world.partner(days=10)
    approved, deferred = await world.application(), await world.application()
    chair, member, tied = [await world.member() for _ in range(3)]
    assert (await world.client.post(f"/members/{tied}/conflicts", json={"firm_id": FIRM})).status_code == 201
    session_id = await world.session([chair, member, tied])
    outsider = await world.member()
    signed_in = {m: await accounts.member(world.territory, m) for m in (chair, member, tied, outsider)}

    async def cast(who: str, application: UUID, choice: str) -> httpx.Response:
        url = f"/sessions/{session_id}/ballots/{application}"
        return await world.client.put(url, json={"choice": choice}, headers=signed_in[who])

    agenda = await world.client.get(f"/sessions/{session_id}/agenda", headers=signed_in[chair])
    assert {e["application_id"] for e in agenda.json()} == {str(approved), str(deferred)}
    assert (await cast(chair, approved, "reject")).json()["choice"] == "reject"
    for who, application, choice in [
        (chair, approved, "approve"),  # changed its mind: the ballot is replaced
        (member, approved, "approve"),
        (tied, approved, "abstain"),
        (chair, deferred, "defer"),
        (member, deferred, "defer"),
    ]:
        response = await cast(who, application, choice)
        assert response.status_code == 200, response.text
    refusals = [
        (await cast(tied, approved, "approve"), 422, "they can only abstain"),
        (await cast(outsider, approved, "approve"), 403, "Your roles do not allow this"),
        (await cast(chair, uuid4(), "approve"), 404, "not on the agenda"),
        (await world.client.put(f"/sessions/{session_id}/ballots/{approved}", json={"choice": "approve"}), 403, ""),
    ]
    for response, status, message in refusals:
        assert (response.status_code, message in response.text) == (status, True), response.text

    own = (await world.client.get(f"/sessions/{session_id}/ballots", headers=signed_in[member])).json()
    assert {(b["application_id"], b["member_id"], b["choice"]) for b in own} == {
        (str(approved), member, "approve"),
        (str(deferred), member, "defer"),
    }
    assert len((await world.client.get(f"/sessions/{session_id}/ballots")).json()) == 5  # staff sees them all

    against = await world.decide(
        session_id, {"application_id": str(deferred), "outcome": "reject", "reason": "Out of scope."}
    )
    assert against.status_code == 422 and "favour 'defer' (2 votes) over 'reject' (0)" in against.text
    paper = await world.decide(
        session_id, {"application_id": str(deferred), "outcome": "reject", "reason": "No.", "voters": [chair]}
    )
    assert paper.status_code == 422 and f"member {chair} voted 'defer'" in paper.text
    decided = await world.decide(
        session_id,
        {**approve(approved, [], partner_id), "voters": None},
        {"application_id": str(deferred), "outcome": "defer", "reason": "Forecast missing."},
    )
    assert decided.status_code == 201, decided.text
    assert [(v["decision"], v["voters"]) for v in decided.json()["votes"]] == [
        ("approved", [chair, member]),
        ("deferred", [chair, member]),
    ]
    recorded = await fetch(
        database_url,
        "committee",
        "SELECT outcome, voters FROM decisions WHERE session_id = $1 ORDER BY id",
        UUID(session_id),
    )
    assert [(r["outcome"], sorted(map(str, r["voters"]))) for r in recorded] == [
        ("approved", sorted([chair, member])),
        ("deferred", sorted([chair, member])),
    ]
    late = await cast(member, deferred, "approve")
    assert late.status_code == 409 and "already held" in late.text
    audited = await fetch(
        database_url,
        "committee",
        "SELECT count(*) AS n FROM audit_log WHERE command = 'CastBallot' AND acting_as LIKE 'committee-member@%'",
    )
    assert audited[0]["n"] == 6  # every ballot cast is in the audit, by the member's subject


BAD_REQUESTS = [
    ("/members", {"territory": "indre", "full_name": "A", "email": "not-an-email"}, "email"),
    ("/members", {"territory": "Indre!", "full_name": "A", "email": "a@example.org"}, "territory"),
    ("/sessions", {"territory": "indre", "held_on": "2026-04-14", "quorum": 0, "member_ids": [str(uuid4())]}, "quorum"),
    (
        "/sessions",
        {"territory": "indre", "held_on": "2026-04-14", "quorum": 1, "member_ids": [str(uuid4())]},
        "unknown committee members",
    ),
    ("/partners", {"company_name": "X", "territory": "indre", "sites": []}, "sites"),
    ("/partners", {"company_name": "X" * 201, "territory": "indre", "sites": [{"territory": "indre"}]}, "company_name"),
    # A session's date: from 1900 to five years ahead (year 1 and 9999 were accepted).
    ("/sessions", {"territory": "indre", "held_on": "0001-01-01", "quorum": 1, "member_ids": [str(uuid4())]}, "1900"),
    ("/sessions", {"territory": "indre", "held_on": "9999-12-31", "quorum": 1, "member_ids": [str(uuid4())]}, "ahead"),
]


@pytest.mark.parametrize(("path", "body", "message"), BAD_REQUESTS, ids=[m for *_, m in BAD_REQUESTS])
async def test_bad_requests_are_refused_and_change_nothing(
    client: httpx.AsyncClient, database_url: str, territory: str, path: str, body: dict[str, Any], message: str
) -> None:
    body = json.loads(json.dumps(body).replace('"indre"', json.dumps(territory)))  # the staff's own territory
    response = await client.post(path, json=body)
    assert response.status_code == 422 and message in response.text
    for table in ("members", "sessions", "partners", "outbox"):
        assert await count(database_url, "committee", table) == 0


async def test_bad_conflicts_and_competences_are_refused(world: World, database_url: str) -> None:
    member = await world.member()
    partner_id = await world.partner()
    events = await count(database_url, "committee", "outbox")
    both = await world.client.post(f"/members/{member}/conflicts", json={"firm_id": FIRM, "partner_id": partner_id})
    assert both.status_code == 422 and "exactly one of firm_id or partner_id" in both.text
    unknown = await world.client.post(f"/members/{uuid4()}/conflicts", json={"firm_id": FIRM})
    assert unknown.status_code == 404
    empty = await world.client.post(f"/members/{member}/conflicts", json={"firm_id": "", "partner_id": None})
    assert empty.status_code == 422, empty.text  # was a 500 (found by schemathesis)
    partner = (await world.client.get("/partners", params={"territory": world.territory})).json()[0]
    site_id = partner["sites"][0]["site_id"]
    juggling = await world.client.post(
        f"/partners/{partner_id}/competences",
        json={"site_id": site_id, "competence": "juggling", "year": 2026, "yearly_capacity_days": 5},
    )
    assert juggling.status_code == 422 and "not in the catalogue" in juggling.text
    wrong_site = await world.client.post(
        f"/partners/{partner_id}/competences",
        json={"site_id": str(uuid4()), "competence": "sales", "year": 2026, "yearly_capacity_days": 5},
    )
    assert wrong_site.status_code == 422 and "is not a site of partner" in wrong_site.text
    for typo in ("404833049", "40483304800007", "BE0403170702", "12345"):
        refused = await world.client.post(f"/members/{member}/conflicts", json={"firm_id": typo})
        assert refused.status_code == 422 and "SIREN" in refused.json()["detail"], refused.text
    assert await count(database_url, "committee", "member_conflicts") == 0
    assert await count(database_url, "committee", "outbox") == events


async def test_a_conflict_is_normalised_and_found_whichever_identifier_of_the_firm_is_given(world: World) -> None:
    """Declared with a SIRET of the firm (with spaces), the conflict still makes the member abstain
    on the application filed under the firm's SIREN."""
    partner_id = await world.partner(days=4)
    application = await world.application()
    chair, tied = await world.member(), await world.member()
    declared = await world.client.post(f"/members/{tied}/conflicts", json={"firm_id": " 404 833 048 00006 "})
    assert declared.status_code == 201 and declared.json()["firm_id"] == "40483304800006"
    session_id = await world.session([chair, tied], quorum=2)
    refused = await world.client.post(
        f"/sessions/{session_id}/decisions", json={"decisions": [approve(application, [chair, tied], partner_id)]}
    )
    assert refused.status_code == 422 and f"tied to the firm {FIRM}" in refused.json()["detail"]


async def test_an_approved_project_is_amended_in_a_later_session(world: World, database_url: str) -> None:
    partner_id = await world.partner(days=6)
    application = await world.application()
    members = [await world.member() for _ in range(2)]
    first = await world.session(members)
    assert (await world.decide(first, approve(application, members, partner_id, days=3))).status_code == 201
    assert (await world.client.get(f"/sessions/{first}/agenda")).json() == []  # nothing left awaiting a decision
    missing = await world.client.get(f"/sessions/{uuid4()}/agenda")
    assert missing.status_code == 404 and "Nothing with this identifier" in missing.text

    pending = await world.application()
    second = await world.session(members)
    amend = {
        "application_id": str(application),
        "outcome": "amend",
        "voters": members,
        "partners": [{"partner_id": partner_id, "competence": "sales", "days": 2}],
    }
    refused = await world.decide(second, {**amend, "application_id": str(pending)})
    assert refused.status_code == 409 and "only an approved project can be amended" in refused.text
    too_much = await world.decide(second, {**amend, "partners": [{**amend["partners"][0], "days": 4}]})
    assert too_much.status_code == 422 and "has 3.0 of 6.0 days of 'sales' left" in too_much.text
    done = await world.decide(second, amend)
    assert done.status_code == 201, done.text
    assert done.json()["decisions"]["amended"] == 1

    amended = await fetch(database_url, "committee", "SELECT payload FROM outbox WHERE type LIKE '%project.amended%'")
    payload: Any = amended[0]["payload"]
    assert payload["additional_skill_days"] == 2
    assert payload["partners"] == [{"partner_id": partner_id, "competence": "sales", "days": 2.0}]
    entry = await world.wait_screened(application)
    assert (entry["status"], entry["skill_days"]) == ("approved", 5.0)


async def test_advances_draw_on_the_revolving_fund(world: World, infrastructure: Infra, database_url: str) -> None:
    fund = await world.client.put(f"/territories/{world.territory}/advance-fund", json={"fund_cents": 2_000_000})
    assert fund.status_code == 200 and fund.json()["available_cents"] == 2_000_000
    first, second = await world.application(), await world.application()
    members = [await world.member() for _ in range(2)]
    session = await world.session(members)
    over = await world.decide(session, approve(first, members, None, days=0, advance=2_000_001))
    assert over.status_code == 422 and "over the fund: 20000.00 EUR available in the revolving fund" in over.text
    assert (await world.decide(session, approve(first, members, None, days=0, advance=1_500_000))).status_code == 201
    assert (await world.client.get(f"/territories/{world.territory}/advance-fund")).json()["available_cents"] == 500_000

    await publish_event(
        infrastructure.kafka_bootstrap_servers,
        AdvanceRepaymentReceived(
            territory=world.territory,
            advance_id=uuid4(),
            application_id=first,
            repayment_id=uuid4(),
            amount_cents=700_000,
            received_on=date(2027, 5, 3),
            outstanding_cents=800_000,
        ),
    )
    refilled = await eventually(
        lambda: world.client.get(f"/territories/{world.territory}/advance-fund"),
        lambda r: r.json()["repaid_cents"] == 700_000,
    )
    assert refilled.json()["available_cents"] == 1_200_000
    later = await world.session(members)
    assert (await world.decide(later, approve(second, members, None, days=0, advance=1_200_000))).status_code == 201


@pytest.mark.parametrize(
    ("body", "message"),
    [({"fund_cents": -1}, "fund_cents"), ({}, "fund_cents"), ({"fund_cents": 5, "extra": 1}, "extra")],
)
async def test_bad_fund_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, database_url: str, territory: str, body: dict[str, Any], message: str
) -> None:
    response = await client.put(f"/territories/{territory}/advance-fund", json=body)
    assert response.status_code == 422 and message in response.text
    assert await count(database_url, "committee", "advance_funds") == 0
    missing = await client.get(f"/territories/{territory}/advance-fund")
    assert missing.status_code == 404 and f"no revolving fund is set for {territory}" in missing.text


async def test_a_member_sees_the_sessions_it_sits_in_and_declares_its_own_ties(
    world: World, accounts: Accounts, territory: str
) -> None:
    sitting, absent = await world.member(), await world.member()
    session = await world.session([sitting], quorum=1)
    as_sitting = await accounts.member(territory, sitting)
    as_absent = await accounts.member(territory, absent)
    assert (await world.client.get(f"/sessions/{session}/agenda", headers=as_sitting)).status_code == 200
    assert (await world.client.get(f"/sessions/{session}/agenda", headers=as_absent)).status_code == 403
    # Members neither record decisions nor read the docket or partners' contacts: the staff's work.
    for method, url in (("POST", f"/sessions/{session}/decisions"), ("GET", "/docket"), ("GET", "/partners")):
        refused = await world.client.request(
            method, url, params={"territory": territory}, json={"decisions": []}, headers=as_sitting
        )
        assert refused.status_code == 403, (method, url, refused.text)
    own = await world.client.post(f"/members/{sitting}/conflicts", json={"firm_id": FIRM}, headers=as_sitting)
    assert own.status_code == 201, own.text
    other = await world.client.post(f"/members/{absent}/conflicts", json={"firm_id": FIRM}, headers=as_sitting)
    assert other.status_code == 403
    # A funder reads the territory's revolving fund; it cannot set it.
    funder = await accounts.funder(territory)
    fund = await world.client.put(f"/territories/{territory}/advance-fund", json={"fund_cents": 1}, headers=funder)
    assert fund.status_code == 403
