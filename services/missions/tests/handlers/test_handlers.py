"""Missions' handlers on PostgreSQL alone (no Kafka): commands through the command bus,
the committee's events through the subscription table, each in its unit of work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from alize_chassis.errors import Conflict, DomainError, Forbidden, NotFound, Rejected
from alize_chassis.idempotency import KeyReused
from alize_chassis.unit_of_work import Command, policies
from alize_chassis.wire import Received
from alize_contracts import Event, Jobs, ProjectApproved
from alize_contracts.events import AdvanceGranted, PartnerAssignment, ProjectAmended
from devstack.commands_testing import service_database, state_of
from missions import app, views
from missions.adapters import advances as advance_store
from missions.adapters import missions as mission_store
from missions.domain import commands as c
from missions.domain.missions import Mission
from missions.domain.parties import Party
from pydantic import ValidationError

MIGRATIONS = Path(app.__file__).parent / "migrations"
FIRM, PARTNER, OTHER_PARTNER = "404833048", uuid4(), uuid4()
HOST, LENDER = Party("firm", FIRM), Party("partner", str(PARTNER))
APPROVED_AT = datetime(2026, 3, 2, 16, tzinfo=UTC)
HANDLERS = policies("missions", app.SUBSCRIPTIONS)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    async with service_database(database_url, "missions", MIGRATIONS) as pool:
        yield pool


def _approved(programme: str = "skill_sponsorship", *partners: tuple[UUID, str, float]) -> ProjectApproved:
    assignments = [PartnerAssignment(partner_id=p, competence=k, days=d) for p, k, d in partners]
    return ProjectApproved(
        territory="indre",
        application_id=uuid4(),
        programme=programme,  # type: ignore[arg-type]
        firm_id=FIRM if programme == "skill_sponsorship" else None,
        decided_at=APPROVED_AT,
        skill_days_contracted=sum(d for *_, d in partners),
        jobs_planned=Jobs(created=2, maintained=12),
        session_id=uuid4(),
        baseline_headcount=12,
        partners=assignments,
    )


async def _receive(pool: asyncpg.Pool, event: Event) -> None:
    """The event as the consumer hands it over: its policies in the consumer's transaction."""
    handle = HANDLERS.get(event.TYPE)
    assert handle is not None, event.TYPE
    async with pool.acquire() as conn, conn.transaction():
        await handle(conn, event, Received(str(uuid4()), event.TYPE, "test", None, event, b""))


async def _outbox(pool: asyncpg.Pool) -> list[str]:
    return [r["type"].split(".")[-2] for r in await pool.fetch("SELECT type FROM outbox ORDER BY seq")]


async def _payloads(pool: asyncpg.Pool, kind: str) -> list[dict[str, Any]]:
    rows = await pool.fetch("SELECT payload FROM outbox WHERE type LIKE $1 ORDER BY seq", f"%.{kind}.v1")
    return [r["payload"] for r in rows]


async def _mission(pool: asyncpg.Pool, *partners: tuple[UUID, str, float]) -> UUID:
    approval = _approved("skill_sponsorship", *(partners or ((PARTNER, "sales", 3),)))
    await _receive(pool, approval)
    mission_id: UUID = await pool.fetchval(
        "SELECT id FROM missions WHERE application_id = $1 ORDER BY opened_at LIMIT 1", approval.application_id
    )
    return mission_id


async def _signed_mission(pool: asyncpg.Pool) -> UUID:
    mission_id = await _mission(pool)
    terms = c.ConventionTerms.model_validate(
        {
            "expert": {"full_name": "Nadia Benali", "email": "nadia.benali@example.com"},
            "starts_on": "2026-04-01",
            "ends_on": "2027-03-31",
            "signed_on": "2026-03-28",
        }
    )
    await app.COMMANDS.handle(pool, c.DrawUpConvention(mission_id=mission_id, terms=terms))
    return mission_id


def _log(mission_id: UUID, worked_on: str, days: float = 1, party: Party = LENDER) -> c.LogMissionDay:
    day = c.LogDay.model_validate({"worked_on": worked_on, "days": days})
    return c.LogMissionDay(party=party, mission_id=mission_id, day=day)


async def _refused(
    pool: asyncpg.Pool, database_url: str, command: Command, error: type[DomainError], message: str
) -> None:
    """The command is refused, and neither the state nor the outbox changed."""
    before = await state_of(database_url, "missions")
    with pytest.raises(error, match=message):
        await app.COMMANDS.handle(pool, command)
    assert await state_of(database_url, "missions") == before, message


# --- the committee's events ----------------------------------------------------------------


async def test_an_approved_project_opens_one_mission_per_assignment_once(pool: asyncpg.Pool) -> None:
    await app.COMMANDS.handle(pool, c.SetMissionWindow(territory="indre", window=c.Window(months=12)))
    approval = _approved("skill_sponsorship", (PARTNER, "sales", 3), (OTHER_PARTNER, "finance", 2))
    await _receive(pool, approval)
    await _receive(pool, approval)  # the project is known: nothing more
    opened = await _payloads(pool, "opened")
    assert sorted((p["competence"], p["days_contracted"]) for p in opened) == [("finance", 2), ("sales", 3)]
    assert {p["window_ends_on"] for p in opened} == {"2027-03-02"}  # the territory's 12 months

    amendment = ProjectAmended(
        territory="indre",
        application_id=approval.application_id,
        programme="skill_sponsorship",
        session_id=uuid4(),
        decided_at=datetime.now(UTC),
        additional_skill_days=3,
        partners=[
            PartnerAssignment(partner_id=PARTNER, competence="sales", days=2),
            PartnerAssignment(partner_id=PARTNER, competence="marketing", days=1),
        ],
    )
    await _receive(pool, amendment)
    assert await _outbox(pool) == ["opened", "opened", "amended", "opened"]
    assert {p["window_ends_on"] for p in await _payloads(pool, "opened")} == {"2027-03-02"}  # the amendment's too
    (amended,) = await _payloads(pool, "amended")
    assert (amended["additional_days"], amended["days_contracted"]) == (2, 5)
    stray = amendment.model_copy(update={"application_id": uuid4()})
    await _receive(pool, stray)  # no approval known: ignored
    assert await pool.fetchval("SELECT count(*) FROM missions") == 3


async def test_an_approval_without_partners_or_skill_days(pool: asyncpg.Pool) -> None:
    legacy = _approved("skill_sponsorship").model_copy(update={"skill_days_contracted": 4})  # a 1.0 approval
    await _receive(pool, legacy)
    (opened,) = await _payloads(pool, "opened")
    assert (opened["partner_id"], opened["days_contracted"], opened["window_ends_on"]) == (None, 4, "2027-09-02")
    await _receive(pool, _approved("self_employment"))  # a guidance track, no mission
    assert await pool.fetchval("SELECT count(*) FROM projects") == 2
    assert await _outbox(pool) == ["opened"]


def test_the_mission_window_is_12_to_18_months() -> None:
    c.Window(months=12)
    for months in (11, 19):
        with pytest.raises(ValidationError, match="than or equal to"):
            c.Window(months=months)


# --- missions ------------------------------------------------------------------------------


async def _day_counts(pool: asyncpg.Pool, mission_id: UUID) -> tuple[Decimal, int, Decimal]:
    """A mission read's days: used (not disputed), awaiting review, delivered (confirmed)."""
    mission = await mission_store.mission(pool, mission_id)
    assert mission is not None
    return mission.days_used, mission.days_awaiting_review, mission.days_delivered


async def _shown_as_stored(pool: asyncpg.Pool, changed: Mission) -> bool:
    """A command's response (the mission its handler returns) is, byte for byte, the mission read back."""
    shown = await views.the_mission(pool, changed)
    return shown.model_dump_json() == (await views.mission(pool, changed.id)).model_dump_json()


async def test_a_mission_from_convention_to_closure(pool: asyncpg.Pool) -> None:
    mission_id = await _signed_mission(pool)
    assert await _day_counts(pool, mission_id) == (0, 0, 0)  # no day yet
    days = [await app.COMMANDS.handle(pool, _log(mission_id, d)) for d in ("2026-05-04", "2026-05-05", "2026-06-02")]
    assert days[0].competence == "sales"  # the mission's, when the partner names none
    assert await _day_counts(pool, mission_id) == (3, 3, 0)
    confirmed = await app.COMMANDS.handle(pool, c.ConfirmDay(party=HOST, mission_id=mission_id, day_id=days[0].id))
    assert confirmed.status == "confirmed"
    await app.COMMANDS.handle(pool, c.ConfirmDay(party=HOST, mission_id=mission_id, day_id=days[1].id))
    dispute = c.Dispute(reason="Visit cancelled.")
    disputed = await app.COMMANDS.handle(
        pool, c.DisputeDay(party=HOST, mission_id=mission_id, day_id=days[2].id, dispute=dispute)
    )
    assert disputed.status == "disputed"
    assert await _day_counts(pool, mission_id) == (2, 0, 2)  # the disputed day gives its budget back
    closure = c.Closure.model_validate({"closed_on": "2026-07-01", "satisfaction": 4, "comment": "Useful."})
    closed = await app.COMMANDS.handle(pool, c.CloseMission(party=HOST, mission_id=mission_id, closure=closure))
    assert closed.closed_on == date(2026, 7, 1)
    assert await _shown_as_stored(pool, closed)
    assert await _outbox(pool) == [
        "opened",
        "convention_signed",
        "day_logged",
        "day_logged",
        "day_logged",
        "day_confirmed",
        "day_confirmed",
        "day_disputed",
        "closed",
    ]
    (event,) = await _payloads(pool, "closed")
    assert (event["days_delivered"], event["satisfaction"]) == (2, 4)
    (signed,) = await _payloads(pool, "convention_signed")
    assert "Nadia" not in str(signed) and signed["signed_on"] == "2026-03-28"
    (reason,) = [p["reason"] for p in await _payloads(pool, "day_disputed")]
    assert reason == "Visit cancelled."


async def test_the_days_of_a_mission(pool: asyncpg.Pool) -> None:
    mission_id = await _signed_mission(pool)
    assert await views.days(pool, mission_id) == []
    logged = await app.COMMANDS.handle(pool, _log(mission_id, "2026-05-04", 0.5))
    assert [(d["day_id"], d["days"], d["status"]) for d in await views.days(pool, mission_id)] == [
        (logged.id, Decimal("0.5"), "logged")
    ]
    unknown = uuid4()
    with pytest.raises(NotFound, match=f"^no mission {unknown}$"):
        await views.days(pool, unknown)


async def test_a_convention_drawn_up_unsigned_is_signed_later(pool: asyncpg.Pool) -> None:
    mission_id = await _mission(pool)
    terms = c.ConventionTerms.model_validate(
        {"expert": {"full_name": "Ada", "email": "ada@example.org"}, "starts_on": "2026-04-01", "ends_on": "2026-09-30"}
    )
    drawn = await app.COMMANDS.handle(pool, c.DrawUpConvention(mission_id=mission_id, terms=terms))
    assert drawn.convention is not None and drawn.convention.signed_on is None
    assert await _shown_as_stored(pool, drawn)
    assert await _outbox(pool) == ["opened"]
    signature = c.Signature.model_validate({"signed_on": "2026-03-30"})
    signed = await app.COMMANDS.handle(pool, c.SignConvention(mission_id=mission_id, signature=signature))
    assert signed.convention is not None and signed.convention.signed_on == date(2026, 3, 30)
    assert await _shown_as_stored(pool, signed)
    assert await _outbox(pool) == ["opened", "convention_signed"]


async def test_a_refused_mission_command_changes_nothing_and_emits_nothing(
    pool: asyncpg.Pool, database_url: str
) -> None:
    unsigned = await _mission(pool)
    await _refused(pool, database_url, _log(unsigned, "2026-05-04"), Rejected, "is not signed")
    late = c.ConventionTerms.model_validate(
        {"expert": {"full_name": "Ada", "email": "ada@example.org"}, "starts_on": "2026-04-01", "ends_on": "2027-12-31"}
    )
    await _refused(
        pool, database_url, c.DrawUpConvention(mission_id=unsigned, terms=late), Rejected, "must end by 2027-09-02"
    )
    mission_id = await _signed_mission(pool)
    await _refused(pool, database_url, _log(mission_id, "2026-05-04", party=HOST), Forbidden, "only the lending")
    await _refused(pool, database_url, _log(mission_id, "2026-03-31"), Rejected, "outside the mission window")
    await _refused(pool, database_url, _log(uuid4(), "2026-05-04"), NotFound, "no mission")
    day = await app.COMMANDS.handle(pool, _log(mission_id, "2026-05-04"))
    await _refused(pool, database_url, _log(mission_id, "2026-05-04", 0.5), Rejected, "at most one day per date")
    await _refused(
        pool,
        database_url,
        c.ConfirmDay(party=LENDER, mission_id=mission_id, day_id=day.id),
        Forbidden,
        "only the host firm",
    )
    await _refused(
        pool, database_url, c.ConfirmDay(party=HOST, mission_id=mission_id, day_id=uuid4()), NotFound, "no day"
    )
    unknown_day = c.ConfirmDay(party=LENDER, mission_id=mission_id, day_id=uuid4())
    await _refused(pool, database_url, unknown_day, Forbidden, "only the host firm")  # who, before which day
    closure = c.Closure.model_validate({"closed_on": "2026-07-01", "satisfaction": 5})
    await _refused(
        pool,
        database_url,
        c.CloseMission(party=HOST, mission_id=mission_id, closure=closure),
        Conflict,
        "1 days awaiting",
    )
    await app.COMMANDS.handle(pool, c.ConfirmDay(party=HOST, mission_id=mission_id, day_id=day.id))
    await _refused(
        pool,
        database_url,
        c.ConfirmDay(party=HOST, mission_id=mission_id, day_id=day.id),
        Conflict,
        "already confirmed",
    )
    await app.COMMANDS.handle(pool, c.CloseMission(party=HOST, mission_id=mission_id, closure=closure))
    await _refused(pool, database_url, _log(mission_id, "2026-07-02"), Conflict, "was closed")
    reviewed_again = c.ConfirmDay(party=HOST, mission_id=mission_id, day_id=day.id)
    await _refused(pool, database_url, reviewed_again, Conflict, "was closed")


async def test_the_same_key_runs_a_command_once(pool: asyncpg.Pool) -> None:
    mission_id = await _signed_mission(pool)
    first = await app.COMMANDS.respond(pool, _log(mission_id, "2026-05-04"), idempotency_key="key-00001")
    again = await app.COMMANDS.respond(pool, _log(mission_id, "2026-05-04"), idempotency_key="key-00001")
    assert again == first and first["mission_id"] == str(mission_id)
    other_partner = Party("partner", str(OTHER_PARTNER))
    with pytest.raises(KeyReused):  # the acting party is part of the command
        await app.COMMANDS.respond(
            pool, _log(mission_id, "2026-05-04", party=other_partner), idempotency_key="key-00001"
        )
    assert await pool.fetchval("SELECT count(*) FROM mission_days") == 1
    assert await _outbox(pool) == ["opened", "convention_signed", "day_logged"]


# --- jobs ----------------------------------------------------------------------------------


async def test_jobs_are_declared_against_the_baseline(pool: asyncpg.Pool, database_url: str) -> None:
    approval = _approved("skill_sponsorship", (PARTNER, "sales", 3))
    await _receive(pool, approval)

    def declare(as_of: str, headcount: int, application_id: UUID = approval.application_id) -> c.DeclareJobs:
        declaration = c.Declaration.model_validate({"as_of": as_of, "headcount": headcount})
        return c.DeclareJobs(application_id=application_id, declaration=declaration)

    first = await app.COMMANDS.handle(pool, declare("2026-09-30", 14))
    assert (first.jobs_created, first.jobs_maintained) == (2, 12)
    later = await app.COMMANDS.handle(pool, declare("2026-10-31", 10))
    assert (later.jobs_created, later.jobs_maintained) == (0, 10)
    await _refused(pool, database_url, declare("2026-01-01", 14), Rejected, "before the project's approval")
    await _refused(pool, database_url, declare("2026-10-31", 3, uuid4()), NotFound, "not an approved project")
    legacy = _approved("skill_sponsorship", (PARTNER, "sales", 3)).model_copy(update={"baseline_headcount": None})
    await _receive(pool, legacy)
    await _refused(pool, database_url, declare("2026-10-31", 3, legacy.application_id), Conflict, "baseline headcount")
    declared = await _payloads(pool, "declared")
    assert [(p["jobs"], p["baseline_headcount"]) for p in declared] == [
        ({"created": 2, "maintained": 12}, 12),
        ({"created": 0, "maintained": 10}, 12),
    ]


# --- advances ------------------------------------------------------------------------------


def _granted(amount_cents: int) -> AdvanceGranted:
    return AdvanceGranted(
        territory="indre",
        application_id=uuid4(),
        firm_id=FIRM,
        call_id=None,
        session_id=uuid4(),
        granted_at=APPROVED_AT,
        amount_cents=amount_cents,
    )


async def test_listed_advances_each_have_their_own_schedule(pool: asyncpg.Pool) -> None:
    for amount in (900_000, 1_000_000, 500_000):
        await _receive(pool, _granted(amount))
    first, second, undisbursed = [r["id"] for r in await pool.fetch("SELECT id FROM advances ORDER BY amount_cents")]
    for advance_id, installments in ((second, 3), (first, 2)):
        terms = c.Disbursement.model_validate(
            {"disbursed_on": "2026-04-01", "installments": installments, "first_due_on": "2026-10-01"}
        )
        await app.COMMANDS.handle(pool, c.DisburseAdvance(advance_id=advance_id, disbursement=terms))
    listed = {
        a.id: [(str(i.due_on), i.amount_cents) for i in a.installments]
        for a in await advance_store.list_advances(pool, None, None)
    }
    assert listed == {
        first: [("2026-10-01", 250_000), ("2026-11-01", 250_000)],
        second: [("2026-10-01", 300_000), ("2026-11-01", 300_000), ("2026-12-01", 300_000)],
        undisbursed: [],
    }
    for advance_id, schedule in listed.items():
        one = await advance_store.advance(pool, advance_id)
        assert one is not None and [(str(i.due_on), i.amount_cents) for i in one.installments] == schedule


async def test_an_advance_is_disbursed_repaid_and_written_off(pool: asyncpg.Pool, database_url: str) -> None:
    grant = _granted(2_300_000)
    await _receive(pool, grant)
    await _receive(pool, grant)  # known already: one advance
    advance_id: UUID = await pool.fetchval("SELECT id FROM advances")

    def repay(amount: int) -> c.RepayAdvance:
        repayment = c.Repayment.model_validate({"received_on": "2026-06-01", "amount_cents": amount})
        return c.RepayAdvance(advance_id=advance_id, repayment=repayment)

    await _refused(pool, database_url, repay(1_000_000), Conflict, "not been disbursed")
    too_long = c.Disbursement.model_validate(
        {"disbursed_on": "2026-04-01", "installments": 120, "first_due_on": "2026-10-01", "months_between": 12}
    )
    await _refused(
        pool,
        database_url,
        c.DisburseAdvance(advance_id=advance_id, disbursement=too_long),
        Rejected,
        "at most 120 months",
    )
    terms = c.Disbursement.model_validate(
        {"disbursed_on": "2026-04-01", "installments": 2, "first_due_on": "2026-10-01", "months_between": 6}
    )
    disbursed = await app.COMMANDS.handle(pool, c.DisburseAdvance(advance_id=advance_id, disbursement=terms))
    assert [i.amount_cents for i in disbursed.installments] == [1_150_000, 1_150_000]
    repaid = await app.COMMANDS.handle(pool, repay(1_000_000))
    assert repaid.outstanding_cents == 1_300_000
    await _refused(pool, database_url, repay(1_300_001), Rejected, "above what is owed: 13000.00 EUR")
    write_off = c.WriteOff.model_validate({"written_off_on": "2026-11-02", "reason": "Liquidation."})
    written_off = await app.COMMANDS.handle(pool, c.WriteOffAdvance(advance_id=advance_id, write_off=write_off))
    assert (written_off.written_off_cents, written_off.outstanding_cents) == (1_300_000, 0)
    assert await _outbox(pool) == ["disbursed", "repayment_received", "written_off"]
    (repayment,) = await _payloads(pool, "repayment_received")
    assert (repayment["amount_cents"], repayment["outstanding_cents"]) == (1_000_000, 1_300_000)
    (written,) = await _payloads(pool, "written_off")
    assert (written["amount_cents"], written["reason"]) == (1_300_000, "Liquidation.")


# --- guidance ------------------------------------------------------------------------------


async def test_a_guidance_track_to_a_surviving_business(pool: asyncpg.Pool, database_url: str) -> None:
    approval = _approved("self_employment")
    await _receive(pool, approval)
    track = approval.application_id
    counsellor = await app.COMMANDS.handle(
        pool, c.AddCounsellor(territory="indre", full_name="Luc Maes", email="luc.maes@example.be")
    )
    elsewhere = await app.COMMANDS.handle(
        pool, c.AddCounsellor(territory="basse-meuse", full_name="Ann Peeters", email="ann@example.be")
    )

    def session(counsellor_id: UUID, application_id: UUID = track) -> c.LogGuidanceSession:
        given = c.GuidanceSession.model_validate({"counsellor_id": counsellor_id, "held_on": "2026-03-10", "days": 0.5})
        return c.LogGuidanceSession(application_id=application_id, session=given)

    logged = await app.COMMANDS.handle(pool, session(counsellor))
    assert logged.application_id == track
    await _refused(pool, database_url, session(uuid4()), Rejected, "not a known counsellor")
    await _refused(pool, database_url, session(elsewhere), Rejected, "is not a counsellor of indre")
    await _refused(pool, database_url, session(counsellor, uuid4()), NotFound, "no guidance track")

    def outcome(**given: Any) -> c.RecordOutcome:
        values = {"outcome": "firm_created", "recorded_on": "2026-09-01", "firm_id": "BE 0403.170.701", **given}
        return c.RecordOutcome(application_id=track, outcome=c.ParticipantOutcome.model_validate(values))

    await _refused(pool, database_url, outcome(), Rejected, "needs the new firm's firm_id and created_on")
    invalid = outcome(firm_id="BE0403170702", created_on="2025-08-20")  # a wrong check digit
    await _refused(
        pool, database_url, invalid, Rejected, "firm_id is not a valid SIREN, SIRET or Belgian enterprise number"
    )
    recorded = await app.COMMANDS.handle(pool, outcome(created_on="2025-08-20"))
    assert recorded.outcome == "firm_created"
    await _refused(pool, database_url, outcome(created_on="2025-08-20"), Conflict, "already has its outcome")

    def check(firm_id: str, checked_on: str) -> c.ReportSurvival:
        given = c.SurvivalCheck.model_validate({"years": 1, "active": True, "checked_on": checked_on})
        return c.ReportSurvival(firm_id=firm_id, check=given)

    await _refused(pool, database_url, check("BE0403170701", "2026-01-01"), Rejected, "is due on 2026-08-20")
    await _refused(pool, database_url, check("443061841", "2026-08-25"), NotFound, "no business 443061841")
    await app.COMMANDS.handle(pool, check("BE 0403 170 701", "2026-08-25"))
    await _refused(pool, database_url, check("BE0403170701", "2026-08-26"), Conflict, "already reported")
    assert await _outbox(pool) == ["session_logged", "outcome_recorded", "business_created", "survival_reported"]
    (created,) = await _payloads(pool, "business_created")
    assert (created["firm_id"], created["created_on"]) == ("BE0403170701", "2025-08-20")


async def test_a_repayment_waiting_for_the_lock_sees_the_one_before(pool: asyncpg.Pool) -> None:
    """A repayment that waits for the advance's lock checks what is owed once it has it: a
    repayment committed meanwhile counts (a read in the locking statement missed it)."""
    await _receive(pool, _granted(2_000_000))
    advance_id: UUID = await pool.fetchval("SELECT id FROM advances")
    terms = c.Disbursement.model_validate(
        {"disbursed_on": "2026-04-01", "installments": 2, "first_due_on": "2026-10-01", "months_between": 6}
    )
    await app.COMMANDS.handle(pool, c.DisburseAdvance(advance_id=advance_id, disbursement=terms))
    repayment = c.Repayment.model_validate({"received_on": "2026-06-01", "amount_cents": 1_500_000})
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        await conn.execute("SELECT 1 FROM advances WHERE id = $1 FOR UPDATE", advance_id)
        await conn.execute(
            "INSERT INTO advance_repayments (id, advance_id, received_on, amount_cents) VALUES ($1, $2, $3, $4)",
            uuid4(),
            advance_id,
            date(2026, 5, 1),
            1_500_000,
        )
        waiting = asyncio.create_task(
            app.COMMANDS.handle(pool, c.RepayAdvance(advance_id=advance_id, repayment=repayment))
        )
        await asyncio.sleep(0.5)  # the command has read up to the lock, and waits
        assert not waiting.done()
        await transaction.commit()
    with pytest.raises(Rejected, match="above what is owed: 5000.00 EUR"):
        await waiting
    assert await pool.fetchval("SELECT sum(amount_cents) FROM advance_repayments") == 1_500_000
    assert await _outbox(pool) == ["disbursed"]
