"""Metrics against real PostgreSQL and Kafka: every event counts once, however
often it is delivered; a malformed message is dead-lettered and the partition
moves on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from alize_contracts import (
    EVENT_TYPES,
    ApplicationSubmitted,
    Event,
    JobDeclared,
    Jobs,
    MissionDayLogged,
    ProjectApproved,
    ProjectRejected,
    topics,
)
from alize_contracts.events import (
    AdvanceDisbursed,
    AdvanceRepaymentReceived,
    AdvanceWrittenOff,
    ApplicationScreened,
    ApplicationWithdrawn,
    BusinessSurvivalReported,
    CommitteeSessionHeld,
    DecisionCounts,
    GuidanceSessionLogged,
    Installment,
    MissionClosed,
    MissionDayConfirmed,
    MissionDayDisputed,
    ParticipantOutcomeRecorded,
    PartnerAssignment,
    ProjectAmended,
    ProjectDeferred,
)
from devstack.infra import Infra
from devstack.scenario.oracle import empty_metrics
from devstack.testing import Accounts, SettingsFor, eventually, fetch, find_message, publish_event, publish_raw, running
from metrics.app import create_app
from metrics.settings import MetricsSettings

pytestmark = pytest.mark.infra


@pytest.fixture
async def national(accounts: Accounts) -> dict[str, str]:
    """The national coordinator's account: it reads every territory's figures."""
    return await accounts.national()


@pytest.fixture
async def client(service_settings: SettingsFor, national: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    settings = MetricsSettings(**service_settings("metrics"), consumer_max_attempts=2)  # type: ignore[arg-type]
    async with running(create_app(settings), national) as http:
        yield http


def _events(territory: str) -> list[Event]:
    first, second, session, mission, advance, person = (uuid4() for _ in range(6))
    now = datetime.now(UTC)
    return [
        ApplicationSubmitted(
            territory=territory,
            application_id=first,
            programme="skill_sponsorship",
            firm_id="404833048",
            submitted_at=now,
            jobs_planned=Jobs(created=3, maintained=12),
            baseline_headcount=12,
        ),
        ApplicationSubmitted(
            territory=territory,
            application_id=second,
            programme="skill_sponsorship",
            firm_id="55210055400013",
            submitted_at=now,
            jobs_planned=Jobs(created=1, maintained=2),
            baseline_headcount=2,
        ),
        ProjectApproved(
            territory=territory,
            application_id=first,
            programme="skill_sponsorship",
            firm_id="404833048",
            decided_at=now,
            skill_days_contracted=3,
            advance_amount_cents=2_300_000,
            jobs_planned=Jobs(created=3, maintained=12),
        ),
        ProjectRejected(
            territory=territory,
            application_id=second,
            programme="skill_sponsorship",
            decided_at=now,
            reason="Out of scope.",
        ),
        # Logged days are not delivered until the host firm confirms them.
        MissionDayLogged(
            territory=territory,
            mission_id=mission,
            day_id=uuid4(),
            application_id=first,
            worked_on=date(2026, 5, 4),
            days=1,
        ),
        MissionDayConfirmed(
            territory=territory,
            mission_id=mission,
            day_id=uuid4(),
            application_id=first,
            worked_on=date(2026, 5, 4),
            days=1,
        ),
        MissionDayConfirmed(
            territory=territory,
            mission_id=mission,
            day_id=uuid4(),
            application_id=first,
            worked_on=date(2026, 5, 5),
            days=0.5,
        ),
        MissionDayDisputed(
            territory=territory,
            mission_id=mission,
            day_id=uuid4(),
            application_id=first,
            worked_on=date(2026, 5, 6),
            days=1,
            reason="Cancelled.",
        ),
        ProjectAmended(
            territory=territory,
            application_id=first,
            programme="skill_sponsorship",
            session_id=session,
            decided_at=now,
            additional_skill_days=2,
            partners=[PartnerAssignment(partner_id=uuid4(), competence="sales", days=2)],
        ),
        MissionClosed(
            territory=territory,
            mission_id=mission,
            application_id=first,
            closed_on=date(2027, 3, 1),
            days_delivered=1.5,
            satisfaction=4,
        ),
        AdvanceDisbursed(
            territory=territory,
            advance_id=advance,
            application_id=first,
            firm_id="404833048",
            amount_cents=2_300_000,
            disbursed_on=date(2026, 4, 1),
            schedule=[Installment(due_on=date(2027, 4, 1), amount_cents=2_300_000)],
        ),
        AdvanceRepaymentReceived(
            territory=territory,
            advance_id=advance,
            application_id=first,
            repayment_id=uuid4(),
            amount_cents=500_000,
            received_on=date(2027, 4, 2),
            outstanding_cents=1_800_000,
        ),
        AdvanceWrittenOff(
            territory=territory,
            advance_id=advance,
            application_id=first,
            amount_cents=800_000,
            written_off_on=date(2028, 1, 1),
            reason="Partial write-off.",
        ),
        # Two sessions of one participant: one person guided.
        GuidanceSessionLogged(
            territory=territory,
            application_id=person,
            session_id=uuid4(),
            counsellor_ref=uuid4(),
            held_on=date(2026, 3, 10),
            days=0.5,
        ),
        GuidanceSessionLogged(
            territory=territory,
            application_id=person,
            session_id=uuid4(),
            counsellor_ref=uuid4(),
            held_on=date(2026, 3, 17),
            days=0.5,
        ),
        ParticipantOutcomeRecorded(
            territory=territory,
            application_id=person,
            outcome="firm_created",
            recorded_on=date(2026, 9, 1),
            firm_id="BE0403170701",
        ),
        ParticipantOutcomeRecorded(
            territory=territory, application_id=uuid4(), outcome="employment", recorded_on=date(2026, 9, 1)
        ),
        BusinessSurvivalReported(
            territory=territory,
            application_id=person,
            firm_id="BE0403170701",
            years=3,
            active=True,
            checked_on=date(2029, 9, 2),
        ),
        BusinessSurvivalReported(
            territory=territory,
            application_id=uuid4(),
            firm_id="BE0207762320",
            years=3,
            active=False,
            checked_on=date(2029, 9, 2),
        ),
        BusinessSurvivalReported(
            territory=territory,
            application_id=uuid4(),
            firm_id="BE0424982437",
            years=1,
            active=True,
            checked_on=date(2027, 9, 2),
        ),
        ApplicationScreened(
            territory=territory, application_id=first, programme="skill_sponsorship", screened_at=now, eligible=True
        ),
        ApplicationScreened(
            territory=territory,
            application_id=second,
            programme="skill_sponsorship",
            screened_at=now,
            eligible=False,
            reasons=["Headcount too high."],
        ),
        ProjectDeferred(
            territory=territory,
            application_id=first,
            programme="skill_sponsorship",
            session_id=session,
            decided_at=now,
            reason="Forecast missing.",
        ),
        ApplicationWithdrawn(
            territory=territory, application_id=second, programme="skill_sponsorship", withdrawn_at=now
        ),
        CommitteeSessionHeld(
            territory=territory,
            session_id=session,
            held_on=date(2026, 4, 14),
            quorum=2,
            members_present=3,
            decisions=DecisionCounts(approved=1, rejected=1, deferred=1),
        ),
        JobDeclared(
            territory=territory,
            declaration_id=uuid4(),
            application_id=first,
            firm_id="404833048",
            as_of=date(2026, 12, 31),
            jobs=Jobs(created=1, maintained=12),
        ),
        JobDeclared(
            territory=territory,
            declaration_id=uuid4(),
            application_id=first,
            firm_id="404833048",
            as_of=date(2027, 6, 30),
            jobs=Jobs(created=2, maintained=11),
        ),
    ]


EXPECTED = {
    "applications": 2,
    "screened_eligible": 1,
    "screened_ineligible": 1,
    "approved": 1,
    "rejected": 1,
    "deferred": 1,
    "withdrawn": 1,
    "sessions_held": 1,
    "firms_supported": 1,
    "days_contracted": 5.0,  # 3 approved + 2 amended
    "days_delivered": 1.5,  # confirmed only
    "missions_closed": 1,
    "jobs_planned": {"created": 3, "maintained": 12},
    "jobs_declared": {"created": 2, "maintained": 11},  # the later declaration supersedes
    "advances_granted": 1,
    "advances_granted_cents": 2_300_000,
    "advances_disbursed_cents": 2_300_000,
    "advances_repaid_cents": 500_000,
    "advances_written_off_cents": 800_000,
    "advances_outstanding_cents": 1_000_000,
    "people_guided": 1,
    "firms_created": 1,
    "oriented_to_employment": 1,
    "survival_checks_3y": 2,
    "active_3y": 1,
    "survival_rate_3y": 0.5,
    "approval_rate": 0.5,
    "median_days_to_decision": 0.0,  # submitted and decided the same day
    "firms_financial_support": 1,
    "firms_non_financial_support": 1,
    "average_days_per_project": 5.0,
    "average_advance_cents": 2_300_000,
}


async def _metrics(client: httpx.AsyncClient, territory: str, expected: dict[str, Any]) -> dict[str, Any]:
    response = await eventually(
        lambda: client.get(f"/metrics/territories/{territory}"),
        lambda r: r.status_code == 200 and r.json() == expected,
    )
    shown: dict[str, Any] = response.json()
    return shown


async def test_every_event_delivered_twice_counts_once(
    client: httpx.AsyncClient, infrastructure: Infra, territory: str
) -> None:
    events = _events(territory)
    for event in events:
        event_id = uuid4()
        await publish_event(infrastructure.kafka_bootstrap_servers, event, event_id=event_id)
        await publish_event(infrastructure.kafka_bootstrap_servers, event, event_id=event_id)
    # One more application, published last on its topic, tells when all was read.
    marker = events[0].model_copy(update={"application_id": uuid4()})
    await publish_event(infrastructure.kafka_bootstrap_servers, marker)
    # Let every partition catch up, then check nothing counted twice.
    expected = empty_metrics(territory, **{**EXPECTED, "applications": 3})  # type: ignore[arg-type]
    assert await _metrics(client, territory, expected) == expected


async def test_malformed_messages_go_to_the_dead_letter_topic_and_the_partition_moves_on(
    client: httpx.AsyncClient, infrastructure: Infra, territory: str, isolation_id: str
) -> None:
    bootstrap = infrastructure.kafka_bootstrap_servers
    good = _events(territory)[0]
    key = str(good.application_id).encode()
    base = {
        "ce_specversion": b"1.0",
        "ce_source": b"/territories/x/test",
        "ce_type": good.TYPE.encode(),
        "content-type": b"application/json",
    }
    not_json = {**base, "ce_id": f"not-json-{isolation_id}".encode()}
    invalid = {**base, "ce_id": f"invalid-{isolation_id}".encode()}
    await publish_raw(bootstrap, topics.APPLICATIONS, b"{not json", key=key, headers=not_json)
    personal = b'{"territory": "Jean Dupont"}'
    await publish_raw(bootstrap, topics.APPLICATIONS, personal, key=key, headers=invalid)
    await publish_event(bootstrap, good)  # same key, so same partition, after the bad ones

    expected = empty_metrics(territory, applications=1)
    assert await _metrics(client, territory, expected) == expected

    group = f"alize.metrics.test-{isolation_id}"
    for ce_id in (not_json, invalid):
        found = await find_message(
            bootstrap,
            topics.dead_letter(topics.APPLICATIONS),
            lambda h, _: (
                h.get("ce_id") == ce_id["ce_id"]  # noqa: B023
                and h.get("kafka_dlt-original-consumer-group") == group.encode()
            ),
        )
        assert found is not None, f"{ce_id['ce_id']!r} not dead-lettered"
        headers, _ = found
        assert headers["kafka_dlt-original-topic"] == topics.APPLICATIONS.encode()
        assert headers["kafka_dlt-original-offset"].isdigit()
        assert headers["kafka_dlt-original-partition"].isdigit()
        assert headers["kafka_dlt-exception-fqcn"].decode().endswith(("ValidationError", "JSONDecodeError"))
        assert b"Jean" not in headers["kafka_dlt-exception-message"]


async def test_figures_by_year_and_programme_and_their_lineage(
    client: httpx.AsyncClient, infrastructure: Infra, territory: str
) -> None:
    """Cuts by year and programme, and lineage, checked against values worked out here by hand."""
    bootstrap = infrastructure.kafka_bootstrap_servers
    firm_a, firm_b = "404833048", "55210055400013"
    sponsored_2025, sponsored_2026, person_2026 = uuid4(), uuid4(), uuid4()
    approvals = {
        sponsored_2025: (datetime(2025, 6, 1, tzinfo=UTC), firm_a, "skill_sponsorship", 3.0),
        sponsored_2026: (datetime(2026, 2, 1, tzinfo=UTC), firm_b, "skill_sponsorship", 4.5),
        person_2026: (datetime(2026, 3, 1, tzinfo=UTC), None, "self_employment", 0.0),
    }
    ids: dict[str, UUID] = {}
    for application_id, (decided_at, firm, programme, days) in approvals.items():
        ids[f"approved-{application_id}"] = await publish_event(
            bootstrap,
            ProjectApproved(
                territory=territory,
                application_id=application_id,
                programme=programme,  # type: ignore[arg-type]
                firm_id=firm,
                decided_at=decided_at,
                skill_days_contracted=days,
                jobs_planned=Jobs(created=1, maintained=2),
            ),
        )
    # Firm A declares twice in 2026 and once in 2027: as of the end of 2026 its latest is June's.
    declarations = [
        (firm_a, sponsored_2025, date(2026, 1, 31), 1),
        (firm_a, sponsored_2025, date(2026, 6, 30), 3),
        (firm_a, sponsored_2025, date(2027, 1, 31), 5),
        (firm_b, sponsored_2026, date(2026, 9, 30), 2),
    ]
    for firm, application_id, as_of, created in declarations:
        ids[f"declared-{firm}-{as_of}"] = await publish_event(
            bootstrap,
            JobDeclared(
                territory=territory,
                declaration_id=uuid4(),
                application_id=application_id,
                firm_id=firm,
                as_of=as_of,
                jobs=Jobs(created=created, maintained=4),
            ),
        )
    # A job declaration of the person's project carries no programme: it comes from the approval.
    await publish_event(
        bootstrap,
        JobDeclared(
            territory=territory,
            declaration_id=uuid4(),
            application_id=person_2026,
            firm_id=None,
            as_of=date(2026, 12, 1),
            jobs=Jobs(created=1, maintained=0),
        ),
    )

    async def figures(**params: Any) -> dict[str, Any]:
        shown: dict[str, Any] = (await client.get(f"/metrics/territories/{territory}", params=params)).json()
        return shown

    # Topics are consumed independently: wait for the last event of each (approvals and declarations).
    everything = await eventually(
        lambda: figures(), lambda f: f.get("jobs_declared", {}).get("created") == 8 and f.get("approved") == 3
    )
    assert (everything["approved"], everything["days_contracted"], everything["firms_supported"]) == (3, 7.5, 2)
    assert everything["jobs_declared"] == {"created": 8, "maintained": 8}  # latest of A (5), B (2), person (1)

    in_2026 = await figures(year=2026)
    assert (in_2026["approved"], in_2026["days_contracted"], in_2026["firms_supported"]) == (2, 4.5, 1)
    assert in_2026["jobs_declared"] == {"created": 6, "maintained": 8}  # A as of 2026-06-30 (3), B (2), person (1)
    sponsored = await figures(programme="skill_sponsorship")
    assert (sponsored["approved"], sponsored["jobs_declared"]["created"]) == (2, 5 + 2)
    person = await figures(programme="self_employment", year=2026)
    assert (person["approved"], person["firms_supported"], person["jobs_declared"]["created"]) == (1, 0, 1)

    lineage = (await client.get("/lineage/days_contracted", params={"territory": territory, "year": 2026})).json()
    assert lineage["value"] == 4.5 and lineage["indicator"]["code"] == "days_contracted"
    assert {e["event_id"] for e in lineage["events"]} == {
        str(ids[f"approved-{sponsored_2026}"]),
        str(ids[f"approved-{person_2026}"]),
    }
    jobs = (await client.get("/lineage/jobs_declared_created", params={"territory": territory, "year": 2026})).json()
    assert jobs["value"] == 6
    assert str(ids[f"declared-{firm_a}-2026-06-30"]) in {e["event_id"] for e in jobs["events"]}
    assert str(ids[f"declared-{firm_a}-2026-01-31"]) not in {e["event_id"] for e in jobs["events"]}
    firms = (await client.get("/lineage/firms_supported", params={"territory": territory})).json()
    assert firms["value"] == 2 and {e["subject"] for e in firms["events"]} == {"404833048", "552100554"}
    assert (await client.get("/lineage/nonsense")).status_code == 404


async def test_every_indicator_is_documented_once(client: httpx.AsyncClient) -> None:
    catalogue = (await client.get("/indicators")).json()
    codes = [i["code"] for i in catalogue]
    assert len(codes) == len(set(codes))
    for indicator in catalogue:
        assert indicator["definition"] and indicator["source_events"]
        for source in indicator["source_events"]:
            assert source in EVENT_TYPES, source
    assert {i["reference"] for i in catalogue} >= {"EU ERDF CO01", "IRIS+ PI3687", "IRIS+ PI5691"}


async def _ledger(settings: MetricsSettings, territory: str) -> list[dict[str, object]]:
    """The facts of one territory in the schema the service reads now."""
    schema = (await fetch(settings.database_dsn, "metrics_control", "SELECT schema_name FROM active_schema"))[0]
    return await fetch(
        settings.database_dsn,
        str(schema["schema_name"]),
        "SELECT f.*, ap.programme AS known_programme FROM facts f "
        "LEFT JOIN application_programmes ap USING (application_id) "
        "WHERE territory = $1 ORDER BY event_id, indicator, subject",
        territory,
    )


async def test_replay_rebuilds_equal_figures_and_switches_without_downtime(
    service_settings: SettingsFor, infrastructure: Infra, territory: str, national: dict[str, str]
) -> None:
    from metrics.replay import replay

    settings = MetricsSettings(**service_settings("metrics"))  # type: ignore[arg-type]
    async with running(create_app(settings), national) as client:
        events = _events(territory)
        for event in events:
            event_id = await publish_event(infrastructure.kafka_bootstrap_servers, event)
        # The last one again, as a relay republishes after a crash: the replay must count it once too.
        await publish_event(infrastructure.kafka_bootstrap_servers, events[-1], event_id=event_id)
        live = await _metrics(client, territory, empty_metrics(territory, **EXPECTED))  # type: ignore[arg-type]
        national_before = (await client.get("/metrics/national")).json()
        ledger_before = await _ledger(settings, territory)

        # Reads go on while the replay runs and switches: every answer is complete and the same.
        answers: list[tuple[int, Any]] = []
        replaying = asyncio.create_task(replay(settings, grace_seconds=1.5))
        while not replaying.done():
            response = await client.get(f"/metrics/territories/{territory}")
            answers.append((response.status_code, response.json()))
            await asyncio.sleep(0.05)
        report = await replaying
        assert report.schema != report.previous_schema and report.events >= len(_events(territory))
        assert answers and all(answer == (200, live) for answer in answers)

        await asyncio.sleep(1.5)  # the service follows the switch within its one-second cache
        rebuilt = (await client.get(f"/metrics/territories/{territory}")).json()
        assert rebuilt == live
        assert await _ledger(settings, territory) == ledger_before  # fact by fact, not only the totals
        assert (await client.get("/metrics/national")).json() == national_before
        # The live consumer now writes into the rebuilt schema: a new event shows there.
        await publish_event(
            infrastructure.kafka_bootstrap_servers, _events(territory)[0].model_copy(update={"application_id": uuid4()})
        )
        after = await eventually(
            lambda: client.get(f"/metrics/territories/{territory}"),
            lambda r: r.json()["applications"] == live["applications"] + 1,
        )
        assert after.json()["applications"] == live["applications"] + 1
