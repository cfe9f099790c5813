"""What the metrics service must show for a list of cases, worked out from the
cases alone.

An independent oracle, on purpose: it imports nothing from the services (not the
metrics catalogue, not its derivations, not its response model), so a test that
compares the service's figures with these checks two separate writings of the
indicators. Keep it that way: the metrics service's own empty figures are
derived from its catalogue, and a pure test there checks they equal `empty_metrics`
here, byte for byte.
"""

from __future__ import annotations

from typing import Any

from devstack.scenario.cases import Case


def empty_metrics(territory: str, **counts: Any) -> dict[str, Any]:
    """A territory's metrics before any event, with `counts` set."""
    return {
        "territory": territory,
        "applications": 0,
        "screened_eligible": 0,
        "screened_ineligible": 0,
        "approved": 0,
        "rejected": 0,
        "deferred": 0,
        "withdrawn": 0,
        "sessions_held": 0,
        "approval_rate": None,
        "median_days_to_decision": None,
        "firms_supported": 0,
        "firms_financial_support": 0,
        "firms_non_financial_support": 0,
        "smes_supported": 0,
        "active_partners": 0,
        "partner_sites": 0,
        "days_contracted": 0.0,
        "days_delivered": 0.0,
        "average_days_per_project": None,
        "missions_closed": 0,
        "jobs_planned": {"created": 0, "maintained": 0},
        "jobs_declared": {"created": 0, "maintained": 0},
        "advances_granted": 0,
        "advances_granted_cents": 0,
        "advances_disbursed_cents": 0,
        "advances_repaid_cents": 0,
        "advances_written_off_cents": 0,
        "advances_outstanding_cents": 0,
        "average_advance_cents": None,
        "people_guided": 0,
        "firms_created": 0,
        "oriented_to_employment": 0,
        "left_programme": 0,
        "survival_checks_3y": 0,
        "active_3y": 0,
        "survival_rate_3y": None,
        **counts,
    }


def expected_metrics(scenario: list[Case]) -> dict[str, dict[str, Any]]:
    """What the metrics service must report per territory, from the data alone."""
    result: dict[str, dict[str, Any]] = {}
    firms: dict[str, dict[str, set[str]]] = {}  # territory -> figure -> firms (each counted once)
    with_days: dict[str, int] = {}
    for case in scenario:
        m = result.setdefault(case.territory, empty_metrics(case.territory, sessions_held=1))
        m["applications"] += 1
        m["screened_eligible" if case.eligible else "screened_ineligible"] += 1
        if case.decision == "withdraw":
            m["withdrawn"] += 1
        if not case.eligible or case.decision != "approve":
            m["rejected"] += case.eligible and case.decision == "reject"
            m["deferred"] += case.decision == "defer"
            continue
        m["approved"] += 1
        if case.firm_id:
            firm, counted = case.firm_id[:9], firms.setdefault(case.territory, {})  # a SIRET counts as its SIREN
            counted.setdefault("firms_supported", set()).add(firm)
            if case.baseline < 250:
                counted.setdefault("smes_supported", set()).add(firm)
            if case.advance_cents:
                counted.setdefault("firms_financial_support", set()).add(firm)
            if case.skill_days:
                counted.setdefault("firms_non_financial_support", set()).add(firm)
        if case.skill_days:
            with_days[case.territory] = with_days.get(case.territory, 0) + 1
            m["active_partners"] = 1  # the territory's one partner company
        m["days_contracted"] += case.skill_days
        m["days_delivered"] += sum(case.days)  # disputed days are not delivered
        m["missions_closed"] += 1 if case.skill_days else 0
        m["jobs_planned"]["created"] += case.planned[0]
        m["jobs_planned"]["maintained"] += case.planned[1]
        if case.headcounts:  # IRIS+: created = net new FTE, maintained = baseline posts still filled
            m["jobs_declared"]["created"] += max(0, case.headcounts[-1] - case.baseline)
            m["jobs_declared"]["maintained"] += min(case.headcounts[-1], case.baseline)
        if case.advance_cents:
            m["advances_granted"] += 1
            m["advances_granted_cents"] += case.advance_cents
            m["advances_disbursed_cents"] += case.advance_cents
            m["advances_repaid_cents"] += case.repaid_cents
            m["advances_outstanding_cents"] += case.advance_cents - case.repaid_cents
        if case.guidance:
            m["people_guided"] += case.guidance.sessions > 0
            key = {
                "firm_created": "firms_created",
                "employment": "oriented_to_employment",
                "left_programme": "left_programme",
            }[case.guidance.outcome]
            m[key] += 1
            for years, active in case.guidance.survival:
                if years == 3:
                    m["survival_checks_3y"] += 1
                    m["active_3y"] += active
    for territory, counted in firms.items():
        for figure, found in counted.items():
            result[territory][figure] = len(found)
    for territory, m in result.items():
        m["partner_sites"] = 1  # the partner company has one site in the territory
        if m["survival_checks_3y"]:
            m["survival_rate_3y"] = round(m["active_3y"] / m["survival_checks_3y"], 4)
        if decided := m["approved"] + m["rejected"]:
            m["approval_rate"] = round(m["approved"] / decided, 4)
            m["median_days_to_decision"] = 0.0  # submitted and decided the same day
        if with_days.get(territory):
            m["average_days_per_project"] = round(m["days_contracted"] / with_days[territory], 2)
        if m["advances_granted"]:
            m["average_advance_cents"] = round(m["advances_granted_cents"] / m["advances_granted"])
    return result
