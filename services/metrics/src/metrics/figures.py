"""A territory's figures, the HTTP response, bound to the catalogue.

`TerritoryMetrics` is written out field by field, so that the dashboard and the
reports are type-checked, but it is validated against the catalogue when this
module is imported: every shown indicator is a field of its name (or, in a group
such as `jobs_planned`, a field `created` for `jobs_planned_created`) with the
indicator's value type, nullable only if it is derived, and no field is anything
else; each field's description is the catalogue's. The field order is the
response's order. The figures themselves, the empty ones included, are computed
from the catalogue (`figures`): sums and counts from the facts, then the
derived indicators by the formulas in `DERIVED`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from metrics.catalogue import CATALOGUE, Indicator


class JobsFigures(BaseModel):
    created: int
    maintained: int


# Models of their own, so that each one's fields get its indicators' descriptions.
class JobsPlanned(JobsFigures):
    pass


class JobsDeclared(JobsFigures):
    pass


class TerritoryMetrics(BaseModel):
    territory: str
    # The application funnel.
    applications: int
    screened_eligible: int
    screened_ineligible: int
    approved: int
    rejected: int
    deferred: int
    withdrawn: int
    sessions_held: int
    approval_rate: float | None
    median_days_to_decision: float | None
    firms_supported: int
    firms_financial_support: int
    firms_non_financial_support: int
    smes_supported: int
    active_partners: int
    partner_sites: int
    # Skill sponsorship.
    days_contracted: float
    days_delivered: float
    average_days_per_project: float | None
    missions_closed: int
    jobs_planned: JobsPlanned
    jobs_declared: JobsDeclared
    # Repayable advances.
    advances_granted: int
    advances_granted_cents: int
    advances_disbursed_cents: int
    advances_repaid_cents: int
    advances_written_off_cents: int
    advances_outstanding_cents: int
    average_advance_cents: int | None
    # Self-employment guidance.
    people_guided: int
    firms_created: int
    oriented_to_employment: int
    left_programme: int
    survival_checks_3y: int
    active_3y: int
    survival_rate_3y: float | None


NOT_INDICATORS = frozenset({"territory"})
"""Fields of the response that name the figures' scope, not an indicator."""


def describe(indicator: Indicator, nullable: bool = False) -> str:
    """The field's description in the OpenAPI document, from the catalogue."""
    reference = f" ({indicator.reference})" if indicator.reference else ""
    unit = f" In {indicator.unit}." if indicator.unit not in ("count", "ratio") else ""
    null = " Null until it can be computed." if nullable else ""
    return f"{indicator.name}{reference}: {indicator.definition}{unit}{null}"


Layout = dict[str, Any]
"""Each field of the response: the indicator code it shows or, for a group, the group's layout."""


def _bind(model: type[BaseModel], prefix: str = "") -> Layout:
    """Check `model`'s fields against the catalogue and give them its descriptions;
    the code each field shows. Raises TypeError where they disagree."""
    layout: Layout = {}
    for name, field in model.model_fields.items():
        if name in NOT_INDICATORS and not prefix:
            continue
        group = field.annotation
        if isinstance(group, type) and issubclass(group, BaseModel):
            layout[name] = members = _bind(group, f"{prefix}{name}_")
            field.description = "; ".join(f"{m}: {CATALOGUE[code].name}" for m, code in members.items()) + "."
            continue
        code = f"{prefix}{name}"
        indicator = CATALOGUE.get(code)
        if indicator is None or not indicator.shown:
            raise TypeError(f"{model.__name__}.{name}: {code} is no indicator the catalogue shows")
        exact, nullable = indicator.value_type, indicator.value_type | None
        if field.annotation != exact and not (indicator.aggregation == "derived" and field.annotation == nullable):
            raise TypeError(f"{model.__name__}.{name} is {field.annotation}, the catalogue's {code} {exact.__name__}")
        field.description = describe(indicator, nullable=field.annotation == nullable)
        layout[name] = code
    model.model_rebuild(force=True)
    return layout


def _codes(layout: Layout) -> list[str]:
    return [c for v in layout.values() for c in (_codes(v) if isinstance(v, dict) else [v])]


LAYOUT = _bind(TerritoryMetrics)
"""The response's fields, in order, and the indicator each shows."""

if missing := {code for code, i in CATALOGUE.items() if i.shown} - set(_codes(LAYOUT)):
    raise TypeError(f"TerritoryMetrics lacks the catalogue's {sorted(missing)}")

Figures = Mapping[str, Any]
"""Indicator code -> value."""


def _ratio(numerator: float, denominator: float, digits: int = 4) -> float | None:
    return round(numerator / denominator, digits) if denominator else None


def _whole(value: float | None) -> int | None:
    return None if value is None else int(value)


MEDIAN_DAYS = "median_days_to_decision"
"""Derived in SQL (queries.py: a median needs every decision, not a sum), from the facts below."""
MEDIAN_SUBMITTED, MEDIAN_DECIDED = "applications", ("approved", "rejected")
"""The median's facts: each decision against its application's submission."""

DERIVED: dict[str, Callable[[Figures], Any]] = {
    "approval_rate": lambda f: _ratio(f["approved"], f["approved"] + f["rejected"]),
    "average_days_per_project": lambda f: _ratio(f["days_contracted"], f["projects_with_skill_days"], 2),
    "average_advance_cents": lambda f: _whole(_ratio(f["advances_granted_cents"], f["advances_granted"], 0)),
    "advances_outstanding_cents": lambda f: (
        f["advances_disbursed_cents"] - f["advances_repaid_cents"] - f["advances_written_off_cents"]
    ),
    "survival_rate_3y": lambda f: _ratio(f["active_3y"], f["survival_checks_3y"]),
}
"""The derived indicators computed from the others' figures (as the catalogue defines them)."""

if unmatched := {c for c, i in CATALOGUE.items() if i.aggregation == "derived"} ^ {*DERIVED, MEDIAN_DAYS}:
    raise TypeError(f"derived indicators without a formula, or formulas of no derived indicator: {unmatched}")


def aggregated(values: Mapping[str, Decimal | int | float]) -> dict[str, Any]:
    """Every indicator the facts aggregate to (none found: zero), in its value type."""
    return {code: i.value_type(values.get(code, 0)) for code, i in CATALOGUE.items() if i.aggregation != "derived"}


def _arrange(layout: Layout, every: Figures) -> dict[str, Any]:
    return {name: _arrange(v, every) if isinstance(v, dict) else every[v] for name, v in layout.items()}


def figures(
    scope: str, values: Mapping[str, Decimal | int | float], median_days: float | None = None
) -> TerritoryMetrics:
    """The figures of `scope` (a territory, or national) from the aggregated facts."""
    every = aggregated(values)
    every |= {code: derive(every) for code, derive in DERIVED.items()}
    every[MEDIAN_DAYS] = median_days
    return TerritoryMetrics(territory=scope, **_arrange(LAYOUT, every))


def empty(territory: str) -> TerritoryMetrics:
    """A territory's figures before any event."""
    return figures(territory, {})
