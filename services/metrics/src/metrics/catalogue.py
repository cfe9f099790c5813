"""The indicators, each documented once: what it means, which events make it up,
how it is aggregated, and the reference it follows. Served with the data.

This is the one list of indicators. The figures response (figures.py: its fields,
their types and descriptions, the empty figures of a territory) and the codes the
queries aggregate are derived from it; the derivations (read_models/facts.py) are
checked against it by a pure test (tests/unit/test_catalogue.py). Two oracles stay
deliberately independent of it: the demo scenario's expected metrics
(devstack.scenario.oracle) and the benchmark's baseline (benchmarks/baseline.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Aggregation = Literal["sum", "distinct", "latest", "derived"]
"""sum: of the facts' values; distinct: count of distinct subjects (firms, people);
latest: sum over subjects of each one's latest fact; derived: computed from others."""


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    definition: str
    source_events: tuple[str, ...]
    aggregation: Aggregation
    unit: str = "count"
    reference: str | None = None
    shown: bool = True
    """False for an ingredient of other indicators that the figures response does not show."""

    @property
    def value_type(self) -> type[int] | type[float]:
        """Days come in halves and ratios are fractions; every other figure is whole."""
        return float if self.unit in ("days", "ratio") else int

    def documentation(self) -> dict[str, Any]:
        """What GET /indicators and /lineage serve about the indicator."""
        return {name: getattr(self, name) for name in DOCUMENTED}


DOCUMENTED = ("code", "name", "definition", "source_events", "aggregation", "unit", "reference")


def _i(
    code: str,
    name: str,
    definition: str,
    sources: tuple[str, ...],
    aggregation: Aggregation = "sum",
    unit: str = "count",
    reference: str | None = None,
    shown: bool = True,
) -> Indicator:
    events = tuple(f"org.alize.{s}.v1" for s in sources)
    return Indicator(code, name, definition, events, aggregation, unit, reference, shown)


CATALOGUE: dict[str, Indicator] = {
    i.code: i
    for i in (
        _i(
            "applications",
            "Applications received",
            "Applications submitted to a call.",
            ("intake.application.submitted",),
        ),
        _i(
            "screened_eligible",
            "Screened eligible",
            "Submitted applications found complete and eligible.",
            ("intake.application.screened",),
        ),
        _i(
            "screened_ineligible",
            "Screened ineligible",
            "Submitted applications found incomplete or ineligible.",
            ("intake.application.screened",),
        ),
        _i("withdrawn", "Withdrawn", "Applications withdrawn by the applicant.", ("intake.application.withdrawn",)),
        _i("approved", "Approved", "Projects the committee approved.", ("committee.project.approved",)),
        _i("rejected", "Rejected", "Projects the committee rejected.", ("committee.project.rejected",)),
        _i(
            "deferred",
            "Deferrals",
            "Deferral decisions (a project deferred twice counts twice).",
            ("committee.project.deferred",),
        ),
        _i(
            "sessions_held",
            "Committee sessions held",
            "Approval committee sessions whose decisions were recorded.",
            ("committee.session.held",),
        ),
        _i(
            "firms_supported",
            "Enterprises receiving support",
            "Each firm once, by its identifier (a SIRET as its SIREN), whatever the number of supports.",
            ("committee.project.approved",),
            "distinct",
            reference="EU ERDF CO01",
        ),
        _i(
            "smes_supported",
            "Supported SMEs",
            "Firms supported with fewer than 250 people at application.",
            ("committee.project.approved",),
            "distinct",
            reference="EU ESF+ EECO19",
        ),
        _i(
            "firms_financial_support",
            "Enterprises receiving financial support",
            "Firms granted a repayable advance (strictly, ERDF counts loans as CO03; the networks report them "
            "with grant-type support).",
            ("committee.project.approved",),
            "distinct",
            reference="EU ERDF CO02",
        ),
        _i(
            "firms_non_financial_support",
            "Enterprises receiving non-financial support",
            "Firms granted skill days.",
            ("committee.project.approved",),
            "distinct",
            reference="EU ERDF CO04",
        ),
        _i(
            "active_partners",
            "Active partner companies",
            "Partner companies assigned to at least one approved project.",
            ("committee.project.approved",),
            "distinct",
        ),
        _i(
            "partner_sites",
            "Partner sites",
            "Sites of partner companies in the territory.",
            ("committee.partner.joined",),
            "distinct",
        ),
        _i(
            "projects_with_skill_days",
            "Projects granted skill days",
            "Approved projects with skill days.",
            ("committee.project.approved",),
            shown=False,  # the denominator of average_days_per_project
        ),
        _i(
            "days_contracted",
            "Skill days contracted",
            "Skill days approved, amendments included.",
            ("committee.project.approved", "committee.project.amended"),
            unit="days",
        ),
        _i(
            "days_delivered",
            "Skill days delivered",
            "Mission days the host firm confirmed.",
            ("missions.mission.day_confirmed",),
            unit="days",
        ),
        _i(
            "missions_closed",
            "Missions closed",
            "Missions closed with the host firm's evaluation.",
            ("missions.mission.closed",),
        ),
        _i(
            "jobs_planned_created",
            "Jobs planned to be created",
            "Full-time equivalents the approved projects plan to create (a forecast).",
            ("committee.project.approved",),
            unit="FTE",
        ),
        _i(
            "jobs_planned_maintained",
            "Jobs planned to be maintained",
            "Full-time equivalents the approved projects plan to maintain (a forecast).",
            ("committee.project.approved",),
            unit="FTE",
        ),
        _i(
            "jobs_declared_created",
            "Jobs created",
            "Net new full-time equivalents since the baseline; the latest declaration of each firm counts.",
            ("missions.jobs.declared",),
            "latest",
            "FTE",
            "IRIS+ PI3687",
        ),
        _i(
            "jobs_declared_maintained",
            "Jobs maintained",
            "Baseline positions still filled (a vacated and refilled post is maintained); the latest declaration "
            "of each firm counts.",
            ("missions.jobs.declared",),
            "latest",
            "FTE",
            "IRIS+ PI5691",
        ),
        _i(
            "advances_granted",
            "Advances granted",
            "Repayable advances the committee granted.",
            ("committee.project.approved",),
        ),
        _i(
            "advances_granted_cents",
            "Advances granted (amount)",
            "Sum of the advances granted.",
            ("committee.project.approved",),
            unit="EUR cents",
        ),
        _i(
            "advances_disbursed_cents",
            "Advances disbursed",
            "Sum of the advances paid out.",
            ("missions.advance.disbursed",),
            unit="EUR cents",
        ),
        _i(
            "advances_repaid_cents",
            "Advances repaid",
            "Sum of the repayments received.",
            ("missions.advance.repayment_received",),
            unit="EUR cents",
        ),
        _i(
            "advances_written_off_cents",
            "Advances written off",
            "Sum of the amounts written off.",
            ("missions.advance.written_off",),
            unit="EUR cents",
        ),
        _i(
            "people_guided",
            "People guided",
            "Participants with at least one guidance session.",
            ("missions.guidance.session_logged",),
            "distinct",
        ),
        _i(
            "firms_created",
            "Firms created",
            "Participants whose outcome is a firm created.",
            ("missions.guidance.outcome_recorded",),
        ),
        _i(
            "oriented_to_employment",
            "Oriented to employment",
            "Participants oriented to regular employment.",
            ("missions.guidance.outcome_recorded",),
        ),
        _i(
            "left_programme",
            "Left the programme",
            "Participants who left the programme.",
            ("missions.guidance.outcome_recorded",),
        ),
        _i(
            "survival_checks_3y",
            "Firms checked at three years",
            "Firms created through guidance whose survival was checked three years after creation.",
            ("missions.guidance.survival_reported",),
            "distinct",
        ),
        _i(
            "active_3y",
            "Firms active at three years",
            "Of those, the firms still active.",
            ("missions.guidance.survival_reported",),
            "distinct",
        ),
        _i(
            "approval_rate",
            "Approval rate",
            "approved / (approved + rejected).",
            ("committee.project.approved", "committee.project.rejected"),
            "derived",
            unit="ratio",
        ),
        _i(
            "average_days_per_project",
            "Average skill days per project",
            "days_contracted / projects_with_skill_days.",
            ("committee.project.approved", "committee.project.amended"),
            "derived",
            unit="days",
        ),
        _i(
            "average_advance_cents",
            "Average advance",
            "advances_granted_cents / advances_granted.",
            ("committee.project.approved",),
            "derived",
            unit="EUR cents",
        ),
        _i(
            "advances_outstanding_cents",
            "Advances outstanding",
            "Disbursed, less repaid, less written off.",
            ("missions.advance.disbursed", "missions.advance.repayment_received", "missions.advance.written_off"),
            "derived",
            unit="EUR cents",
        ),
        _i(
            "median_days_to_decision",
            "Median days from submission to decision",
            "Median, over decided applications, of the days between submission and approval or rejection.",
            ("intake.application.submitted", "committee.project.approved", "committee.project.rejected"),
            "derived",
            unit="days",
        ),
        _i(
            "survival_rate_3y",
            "Three-year survival rate",
            "active_3y / survival_checks_3y.",
            ("missions.guidance.survival_reported",),
            "derived",
            unit="ratio",
        ),
    )
}
