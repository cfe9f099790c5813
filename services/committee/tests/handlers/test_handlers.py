"""The committee's handlers on PostgreSQL alone (no Kafka): commands through the command bus,
intake's and missions' events through the subscription table, each in its unit of work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from alize_chassis.errors import Conflict, DomainError, NotFound, Rejected
from alize_chassis.unit_of_work import Command, policies
from alize_chassis.wire import Received
from alize_contracts import Event
from committee import app
from committee.domain import commands as c
from devstack.commands_testing import service_database, state_of
from devstack.testing import FIRM

MIGRATIONS = Path(app.__file__).parent / "migrations"
TERRITORY = "indre"
HANDLERS = policies("committee", app.SUBSCRIPTIONS)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    async with service_database(database_url, "committee", MIGRATIONS) as pool:
        yield pool


async def deliver(pool: asyncpg.Pool, *events: Event) -> None:
    """Events as the consumer hands them over: each through its policies, in one transaction."""
    async with pool.acquire() as conn, conn.transaction():
        for event in events:
            handle = HANDLERS.get(event.TYPE)
            assert handle is not None, event.TYPE
            await handle(conn, event, Received(str(uuid4()), event.TYPE, "test", None, event, b""))


class Network:
    """A territory's committee on one database: calls, screened applications, partners, members."""

    def __init__(self, pool: asyncpg.Pool, intake: Any) -> None:
        self.pool, self.intake = pool, intake
        self.members: list[UUID] = []

    async def handle(self, command: Command) -> Any:
        return await app.COMMANDS.handle(self.pool, command)

    async def call(self, days: float = 20, advances_cents: int = 3_000_000) -> UUID:
        call_id = uuid4()
        await deliver(self.pool, self.intake.call_opened(TERRITORY, call_id, days=days, advances_cents=advances_cents))
        return call_id

    async def application(self, call_id: UUID, *, eligible: bool = True) -> UUID:
        application_id = uuid4()
        await deliver(self.pool, *self.intake.application(TERRITORY, application_id, call_id, eligible=eligible))
        return application_id

    async def partner(self, days: float = 10, competence: str = "sales") -> UUID:
        partner = await self.handle(
            c.AddPartner(company_name="Groupe Chimie Centre", territory=TERRITORY, sites=[c.Site(territory=TERRITORY)])
        )
        offer = c.CompetenceOffer(
            site_id=partner.sites[0].id, competence=competence, year=2026, yearly_capacity_days=days
        )
        await self.handle(c.OfferCompetence(partner_id=partner.id, offer=offer))
        partner_id: UUID = partner.id
        return partner_id

    async def seat(self, count: int = 2) -> None:
        for _ in range(count):
            member = await self.handle(c.AddMember(territory=TERRITORY, full_name="Alex Durand", email="a@example.org"))
            self.members.append(member.id)

    async def session(self) -> UUID:
        planned = await self.handle(
            c.PlanSession(territory=TERRITORY, held_on=date(2026, 4, 14), quorum=2, member_ids=self.members)
        )
        session_id: UUID = planned.id
        return session_id

    async def decide(self, session_id: UUID, *decisions: dict[str, Any]) -> Any:
        items = [c.Decision.model_validate({"voters": self.members, **d}) for d in decisions]
        return await self.handle(c.RecordDecisions(session_id=session_id, decisions=items))

    async def fund(self, cents: int) -> None:
        await self.handle(c.SetFund(territory=TERRITORY, fund_cents=cents))


def approve(
    application_id: UUID, partner_id: UUID | None, days: float = 3, advance: int | None = None
) -> dict[str, Any]:
    return {
        "application_id": application_id,
        "outcome": "approve",
        "skill_days": days,
        "partners": [{"partner_id": partner_id, "competence": "sales", "days": days}] if days else [],
        "advance_amount_cents": advance,
    }


def amend(application_id: UUID, partner_id: UUID, days: float = 2) -> dict[str, Any]:
    return {
        "application_id": application_id,
        "outcome": "amend",
        "partners": [{"partner_id": partner_id, "competence": "sales", "days": days}],
    }


def _juggling(decision: dict[str, Any]) -> dict[str, Any]:
    """The decision with its partners' days in a competence outside the catalogue."""
    return {**decision, "partners": [{**p, "competence": "juggling"} for p in decision["partners"]]}


async def _outbox(pool: asyncpg.Pool) -> list[str]:
    return [r["type"].rsplit(".", 2)[-2] for r in await pool.fetch("SELECT type FROM outbox ORDER BY seq")]


@pytest.fixture
async def network(pool: asyncpg.Pool, intake: Any) -> Network:
    created = Network(pool, intake)
    await created.seat()
    return created


async def test_a_session_approves_rejects_and_defers_and_raises_every_fact(network: Network) -> None:
    await network.fund(5_000_000)
    call_id = await network.call(days=20, advances_cents=3_000_000)
    partner_id = await network.partner(days=10)
    approved, rejected, deferred = [await network.application(call_id) for _ in range(3)]
    session_id = await network.session()

    held = await network.decide(
        session_id,
        approve(approved, partner_id, days=3, advance=2_300_000),
        {"application_id": rejected, "outcome": "reject", "reason": "Out of scope."},
        {"application_id": deferred, "outcome": "defer", "reason": "Forecast missing."},
    )

    assert held.event.decisions.model_dump() == {"approved": 1, "rejected": 1, "deferred": 1, "amended": 0}
    assert held.session.held_at is not None
    pool = network.pool
    assert await _outbox(pool) == [
        "joined",
        "competence_offered",
        "approved",
        "granted",
        "rejected",
        "deferred",
        "held",
    ]
    statuses = dict(await pool.fetch("SELECT application_id, status FROM docket"))
    assert statuses == {approved: "approved", rejected: "rejected", deferred: "deferred"}
    assert await pool.fetchval("SELECT sum(days) FROM assignments WHERE partner_id = $1", partner_id) == 3
    assert await pool.fetchval("SELECT count(*) FROM decisions WHERE session_id = $1", session_id) == 3
    granted = await pool.fetchval("SELECT payload->>'amount_cents' FROM outbox WHERE type LIKE '%granted%'")
    assert granted == "2300000"
    assert await pool.fetchval("SELECT held_at FROM sessions WHERE id = $1", session_id) is not None


async def test_an_approved_project_is_amended_in_a_later_session(network: Network) -> None:
    call_id = await network.call(days=10)
    partner_id = await network.partner(days=6)
    application = await network.application(call_id)
    await network.decide(await network.session(), approve(application, partner_id, days=3))

    held = await network.decide(await network.session(), amend(application, partner_id, days=2))

    assert held.event.decisions.model_dump() == {"approved": 0, "rejected": 0, "deferred": 0, "amended": 1}
    assert await _outbox(network.pool) == ["joined", "competence_offered", "approved", "held", "amended", "held"]
    row = await network.pool.fetchrow("SELECT status, skill_days FROM docket WHERE application_id = $1", application)
    assert (row["status"], row["skill_days"]) == ("approved", 5)
    assert await network.pool.fetchval("SELECT days FROM assignments WHERE application_id = $1", application) == 5
    # The docket keeps the approval's time; the history and the event carry the amendment's.
    history = await network.pool.fetch(
        "SELECT outcome, decided_at FROM decisions WHERE application_id = $1 ORDER BY decided_at", application
    )
    assert [r["outcome"] for r in history] == ["approved", "amended"]
    assert history[0]["decided_at"] < history[1]["decided_at"]
    docket_at = await network.pool.fetchval("SELECT decided_at FROM docket WHERE application_id = $1", application)
    assert docket_at == history[0]["decided_at"]
    amended_at = await network.pool.fetchval("SELECT payload->>'decided_at' FROM outbox WHERE type LIKE '%amended%'")
    assert datetime.fromisoformat(amended_at) == history[1]["decided_at"]


async def test_refusals_change_nothing_and_emit_nothing(network: Network, database_url: str) -> None:
    await network.fund(1_000_000)
    call_id = await network.call(days=5, advances_cents=2_000_000)
    partner_id, small = await network.partner(days=10), await network.partner(days=2)
    application, other, pending = [await network.application(call_id) for _ in range(3)]
    ineligible = await network.application(call_id, eligible=False)
    approved_earlier = await network.application(call_id)
    await network.decide(await network.session(), approve(approved_earlier, partner_id, days=1))
    session_id = await network.session()
    before = await state_of(database_url, "committee")

    refusals: list[tuple[list[dict[str, Any]], type[DomainError], str]] = [
        ([approve(application, partner_id, days=5)], Rejected, "over the call's budget: 4.0 left"),
        ([approve(application, partner_id, days=3), approve(other, partner_id, days=2)], Rejected, "1.0 left"),
        ([approve(application, None, days=0, advance=1_000_001)], Rejected, "revolving fund of indre"),
        ([approve(application, small, days=3)], Rejected, "has 2.0 of 2.0 days of 'sales' left"),
        ([approve(application, uuid4(), days=1)], Rejected, "is not a known partner company"),
        (
            [approve(other, partner_id, days=1), _juggling(approve(application, partner_id, days=1))],
            Rejected,
            r"^the competence is not in the catalogue",
        ),
        ([_juggling(amend(approved_earlier, partner_id))], Rejected, "the competence is not in the catalogue"),
        ([{**approve(application, partner_id, days=1), "partners": []}], Rejected, "need partner companies"),
        ([approve(ineligible, partner_id)], Rejected, "screened ineligible"),
        ([approve(uuid4(), partner_id)], NotFound, "not on the committee's docket"),
        ([approve(application, partner_id), approve(application, partner_id)], Rejected, "appears twice"),
        ([{"application_id": application, "outcome": "amend", "partners": []}], Rejected, "additional days to"),
        ([amend(pending, partner_id)], Conflict, "only an approved project can be amended"),
        ([{**amend(approved_earlier, partner_id), "skill_days": 2}], Rejected, "takes only partners"),
        ([amend(approved_earlier, small, days=3)], Rejected, "days of 'sales' left"),
        ([{"application_id": application, "outcome": "reject"}], Rejected, "to reject needs a reason"),
        ([{"application_id": application, "outcome": "approve"}], Rejected, "needs skill_days"),
        ([{**approve(application, partner_id), "reason": "Fine."}], Rejected, "takes no reason"),
        # All or nothing: a valid decision followed by a refused one records neither.
        (
            [
                approve(application, partner_id, days=1),
                {**approve(other, partner_id, days=1), "voters": network.members[:1]},
            ],
            Rejected,
            "no quorum",
        ),
    ]
    for decisions, error, message in refusals:
        with pytest.raises(error, match=message) as refused:
            await network.decide(session_id, *decisions)
        assert "juggling" not in str(refused.value)  # the input is never echoed
        assert await state_of(database_url, "committee") == before, message
    with pytest.raises(Rejected) as refused:  # which decision of the batch, by its place
        await network.decide(
            session_id, approve(other, partner_id, days=1), _juggling(approve(application, partner_id, days=1))
        )
    assert refused.value.location == "body.decisions.1"
    with pytest.raises(NotFound, match="no committee session"):
        await network.decide(uuid4(), approve(application, partner_id))

    await network.decide(session_id, approve(application, partner_id, days=1))
    after = await state_of(database_url, "committee")
    with pytest.raises(Conflict, match="already held"):
        await network.decide(session_id, approve(other, partner_id, days=1))
    assert await state_of(database_url, "committee") == after


async def test_members_sessions_and_partners_keep_their_rules(network: Network, database_url: str) -> None:
    partner_id = await network.partner()
    before = await state_of(database_url, "committee")
    with pytest.raises(Rejected, match="exactly one of firm_id or partner_id"):
        await network.handle(
            c.DeclareConflict(
                member_id=network.members[0], tie=c.ConflictOfInterest(firm_id=FIRM, partner_id=partner_id)
            )
        )
    with pytest.raises(NotFound, match="no committee member"):
        await network.handle(c.DeclareConflict(member_id=uuid4(), tie=c.ConflictOfInterest(firm_id=FIRM)))
    with pytest.raises(Rejected, match="unknown committee members"):
        await network.handle(
            c.PlanSession(territory=TERRITORY, held_on=date(2026, 4, 14), quorum=1, member_ids=[uuid4()])
        )
    with pytest.raises(Rejected, match="sit on another territory's committee"):
        await network.handle(
            c.PlanSession(territory="gard-cevennes", held_on=date(2026, 4, 14), quorum=1, member_ids=network.members)
        )
    with pytest.raises(Rejected, match="not a known partner company"):
        await network.handle(c.AddMember(territory=TERRITORY, full_name="A", email="a@example.org", partner_id=uuid4()))
    site = c.CompetenceOffer(site_id=uuid4(), competence="sales", year=2026, yearly_capacity_days=5)
    with pytest.raises(Rejected, match="is not a site of partner"):
        await network.handle(c.OfferCompetence(partner_id=partner_id, offer=site))
    with pytest.raises(NotFound, match="no partner company"):
        await network.handle(c.OfferCompetence(partner_id=uuid4(), offer=site))
    assert await state_of(database_url, "committee") == before

    tie = await network.handle(
        c.DeclareConflict(member_id=network.members[0], tie=c.ConflictOfInterest(firm_id=" 404 833 048 00006 "))
    )
    assert (tie.firm_id, tie.partner_id) == ("40483304800006", None)


# --- races: two sessions deciding at once against what they both draw on ------------------------

Race = Callable[[Network], Awaitable[tuple[dict[str, Any], dict[str, Any], Callable[[], Awaitable[None]]]]]


async def _budget_race(network: Network) -> tuple[dict[str, Any], dict[str, Any], Callable[[], Awaitable[None]]]:
    """One call with 5 skill days; two approvals of 3, each with a partner of its own."""
    call_id = await network.call(days=5)
    first, second = await network.application(call_id), await network.application(call_id)
    ours, theirs = await network.partner(), await network.partner()

    async def within() -> None:
        granted = await network.pool.fetchval(
            "SELECT coalesce(sum(skill_days), 0) FROM docket WHERE call_id = $1 AND status = 'approved'", call_id
        )
        assert granted <= 5, f"{granted} skill days granted on a call of 5"

    return approve(first, ours, days=3), approve(second, theirs, days=3), within


async def _granted(network: Network) -> int:
    granted: int = await network.pool.fetchval(
        "SELECT coalesce(sum(advance_amount_cents), 0) FROM docket WHERE territory = $1 AND status = 'approved'",
        TERRITORY,
    )
    return granted


async def _fund_race(network: Network) -> tuple[dict[str, Any], dict[str, Any], Callable[[], Awaitable[None]]]:
    """10,000 EUR available in the revolving fund; two advances of 6,000 EUR on two calls (of ample budgets)."""
    fund = await _granted(network) + 1_000_000
    await network.fund(fund)
    first = await network.application(await network.call(advances_cents=5_000_000))
    second = await network.application(await network.call(advances_cents=5_000_000))

    async def within() -> None:
        granted = await _granted(network)
        assert granted <= fund, f"{granted} cents granted from a fund of {fund}"

    return approve(first, None, days=0, advance=600_000), approve(second, None, days=0, advance=600_000), within


async def _capacity_race(network: Network) -> tuple[dict[str, Any], dict[str, Any], Callable[[], Awaitable[None]]]:
    """One partner offering 4 days; two approvals of 3 days with it, on two calls (of ample budgets)."""
    partner_id = await network.partner(days=4)
    first = await network.application(await network.call())
    second = await network.application(await network.call())

    async def within() -> None:
        assigned = await network.pool.fetchval("SELECT sum(days) FROM assignments WHERE partner_id = $1", partner_id)
        assert assigned <= 4, f"{assigned} days assigned to a partner offering 4"

    return approve(first, partner_id, days=3), approve(second, partner_id, days=3), within


ROUNDS = 5


@pytest.mark.parametrize(
    ("race", "refusal"),
    [
        (_budget_race, "over the call's budget"),
        (_fund_race, "over the fund"),
        (_capacity_race, "days of 'sales' left"),
    ],
    ids=["call budget", "revolving fund", "partner capacity"],
)
async def test_two_sessions_at_once_one_is_refused_and_nothing_is_overdrawn(
    network: Network, race: Race, refusal: str
) -> None:
    """Both sessions load what they draw on, then decide: the locks make the second wait for the
    first to commit, and read what it granted. Several rounds, each on fresh calls and partners."""
    for _ in range(ROUNDS):
        ours, theirs, within = await race(network)
        sessions = [await network.session(), await network.session()]
        results = await asyncio.gather(
            network.decide(sessions[0], ours), network.decide(sessions[1], theirs), return_exceptions=True
        )
        refused = [r for r in results if isinstance(r, BaseException)]
        assert len(refused) == 1, results
        assert isinstance(refused[0], Rejected) and refusal in str(refused[0]), refused[0]
        await within()
        held = await network.pool.fetchval(
            "SELECT count(*) FROM sessions WHERE id = ANY($1) AND held_at IS NOT NULL", sessions
        )
        assert held == 1
