"""End to end: the four services as separate OS processes on the real broker and
database, driven only through their HTTP APIs."""

from __future__ import annotations

import pytest
from devstack.otlp_sink import OtlpSink, Span
from devstack.scenario import driver, oracle
from devstack.scenario.cases import Case
from devstack.stack import Stack
from devstack.testing import Accounts, eventually

pytestmark = pytest.mark.infra


def test_scenario_yields_exactly_the_expected_metrics_per_territory(populated: driver.Populated) -> None:
    outcome, expected, shown = populated.outcome, populated.expected, populated.shown
    # The day over budget the scenario tries on its one mission left with less than a day (every day
    # is logged on the approval's day now, a day worked being never in the future).
    assert len(outcome.refusals) == 1
    differences = {
        (territory, key): (shown[territory].get(key), value)
        for territory, figures in expected.items()
        for key, value in figures.items()
        if shown[territory].get(key) != value
    }
    assert differences == {}, "(territory, indicator): (shown, expected)"
    # Hand-checked figures for one territory, so the test does not only trust expected_metrics.
    indre, gard = shown[populated.indre], shown[populated.gard]
    funnel = (
        "applications",
        "screened_eligible",
        "screened_ineligible",
        "approved",
        "rejected",
        "deferred",
        "withdrawn",
        "sessions_held",
    )
    assert [indre[k] for k in funnel] == [9, 8, 1, 7, 1, 0, 0, 1]
    assert [gard[k] for k in funnel] == [5, 5, 0, 2, 1, 1, 1, 1]
    assert indre["firms_supported"] == 2  # the firm supported twice counts once; the person none
    assert (indre["days_contracted"], indre["days_delivered"]) == (8.5, 2.5)  # 0.5 + 1 + 1 confirmed, 0.5 disputed
    assert indre["jobs_declared"] == {"created": 2, "maintained": 16}  # 14 vs 12 and 4 vs 4: the latest counts
    assert (indre["people_guided"], indre["firms_created"], indre["oriented_to_employment"]) == (2, 3, 1)
    assert (indre["survival_checks_3y"], indre["active_3y"], indre["survival_rate_3y"]) == (2, 1, 0.5)
    assert (indre["advances_disbursed_cents"], indre["advances_repaid_cents"]) == (2_300_000, 575_000)
    assert indre["advances_outstanding_cents"] == 1_725_000


def _one_journey(territory: str) -> list[Case]:
    return [
        Case(
            territory,
            "skill_sponsorship",
            "443061841",
            (2, 6),
            6,
            ("sales",),
            "approve",
            skill_days=1,
            days=(1,),
            headcounts=(7,),
        )
    ]


# What one journey's trace must hold: the topics each service publishes to and
# consumes from, and the events the metrics service projects.
PRODUCED = {
    ("alize-intake", "alize.intake.applications"),
    ("alize-committee", "alize.committee.projects"),
    ("alize-missions", "alize.missions.missions"),
    ("alize-missions", "alize.missions.jobs"),
}
CONSUMED = {
    ("alize-committee", "alize.intake.applications"),
    ("alize-missions", "alize.committee.projects"),
    ("alize-metrics", "alize.intake.applications"),
    ("alize-metrics", "alize.committee.projects"),
    ("alize-metrics", "alize.missions.missions"),
    ("alize-metrics", "alize.missions.jobs"),
}
PROJECTED = {
    "org.alize.intake.application.submitted.v1",
    "org.alize.intake.application.screened.v1",
    "org.alize.committee.project.approved.v1",
    "org.alize.missions.mission.day_confirmed.v1",
    "org.alize.missions.mission.closed.v1",
    "org.alize.missions.jobs.declared.v1",
}


async def test_one_applications_journey_is_one_trace_across_all_services(
    stack: Stack, sink: OtlpSink, isolation_id: str, accounts: Accounts
) -> None:
    territory = f"traced-{isolation_id}"
    cases = _one_journey(territory)
    outcome = await driver.run(stack.urls, cases, accounts)
    await driver.wait_for_metrics(stack.url("metrics"), oracle.expected_metrics(cases), await accounts.staff(territory))
    (application_id,) = outcome.application_ids

    def journey(spans: list[Span]) -> list[Span]:
        roots = [
            s
            for s in spans
            if s.kind == "server"
            and s.service == "alize-intake"
            and s.attributes.get("alize.application_id") == application_id
        ]
        return [s for s in spans if roots and s.trace_id == roots[0].trace_id]

    def produced(spans: list[Span]) -> set[tuple[str, object]]:
        return {(s.service, s.attributes.get("messaging.destination.name")) for s in spans if s.kind == "producer"}

    def consumed(spans: list[Span]) -> set[tuple[str, object]]:
        # FastStream names the topic a consumed message was published to this way.
        return {
            (s.service, s.attributes.get("messaging.destination_publish.name")) for s in spans if s.kind == "consumer"
        }

    def projected(spans: list[Span]) -> set[object]:
        return {
            s.attributes.get("cloudevents.event_type")
            for s in spans
            if s.service == "alize-metrics" and s.name.startswith("metrics handle")
        }

    def complete(spans: list[Span]) -> bool:
        # Each service exports its spans in batches of its own: wait for all of them, not for the last one.
        return produced(spans) >= PRODUCED and consumed(spans) >= CONSUMED and projected(spans) >= PROJECTED

    async def snapshot() -> list[Span]:
        return journey(sink.snapshot())

    spans = await eventually(snapshot, complete, timeout=90)
    assert spans, "no trace starts at the HTTP submission"

    submission = [s for s in spans if s.kind == "server" and s.service == "alize-intake"]
    assert submission and submission[0].parent_span_id == "", "the HTTP submission is the root"
    assert produced(spans) >= PRODUCED, produced(spans)
    assert consumed(spans) >= CONSUMED, consumed(spans)
    assert projected(spans) >= PROJECTED, projected(spans)
    # The later HTTP commands have their own traces, linked from the journey's spans.
    later_requests = {
        s.trace_id
        for s in sink.snapshot()
        if s.kind == "server"
        and s.service in {"alize-committee", "alize-missions"}
        and s.trace_id != submission[0].trace_id
    }
    linked = {t for s in spans for t in s.links}
    assert later_requests & linked
