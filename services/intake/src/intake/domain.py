"""Calls, applications and screening: the rules, with no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from alize_chassis.errors import Conflict, Rejected
from alize_contracts.competences import unknown as unknown_competences

SKILL_SPONSORSHIP = "skill_sponsorship"
SELF_EMPLOYMENT = "self_employment"


def size_class(headcount: int) -> str:
    """EU size class by headcount (the turnover criteria are not collected)."""
    return "micro" if headcount < 10 else "small" if headcount < 50 else "medium" if headcount < 250 else "large"


# --- calls -------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    id: UUID
    territory: str
    programme: str
    opens_on: date
    closes_on: date
    skill_days_budget: float
    advances_budget_cents: int
    closed_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.closes_on < self.opens_on:
            raise Rejected(f"closes_on ({self.closes_on}) is before opens_on ({self.opens_on})")

    def accepts_on(self, day: date) -> None:
        """Refuse a submission on `day` unless the call is open then."""
        if self.closed_at is not None:
            raise Rejected(f"call {self.id} is closed (since {self.closed_at:%Y-%m-%d}): no submission accepted")
        if day < self.opens_on:
            raise Rejected(f"call {self.id} opens on {self.opens_on}: no submission accepted before")
        if day > self.closes_on:
            raise Rejected(f"call {self.id} closed on {self.closes_on}: no submission accepted after")

    def close(self, at: datetime) -> tuple[Call, Literal["deadline", "closed_early"]]:
        if self.closed_at is not None:
            raise Conflict(f"call {self.id} is already closed")
        reason: Literal["deadline", "closed_early"] = "deadline" if at.date() > self.closes_on else "closed_early"
        return replace(self, closed_at=at), reason


# --- applications ------------------------------------------------------------------

Status = Literal["draft", "submitted", "withdrawn"]
Decision = Literal["approved", "rejected", "deferred"]
"""The committee's latest decision on an application. A deferred project is still pending: the
committee will decide it at a later session, so its applicant may still withdraw it."""
FINAL_DECISIONS = ("approved", "rejected")


@dataclass(frozen=True)
class Application:
    id: UUID
    call: Call
    firm_id: str | None
    applicant_id: UUID | None
    jobs_planned_created: int
    jobs_planned_maintained: int
    baseline_headcount: int
    skills_needed: list[str] = field(default_factory=list)
    project_kind: str | None = None
    project_summary: str | None = None
    firm_size: str | None = None
    sector: str | None = None
    firm_created_on: date | None = None
    advance_requested_cents: int | None = None
    status: Status = "draft"
    submitted_at: datetime | None = None
    committee_decision: Decision | None = None

    def __post_init__(self) -> None:
        if self.call.programme == SKILL_SPONSORSHIP and self.firm_id is None:
            raise Rejected("a skill-sponsorship application needs the firm's identifier (firm_id)")
        if self.jobs_planned_maintained > self.baseline_headcount:
            raise Rejected(
                f"jobs_planned.maintained ({self.jobs_planned_maintained}) cannot exceed "
                f"baseline_headcount ({self.baseline_headcount}): only existing positions can be maintained"
            )
        if unknown := unknown_competences(self.skills_needed):
            raise Rejected(
                f"skills_needed has {len(unknown)} code(s) outside the competence catalogue (GET /competences)"
            )

    @property
    def territory(self) -> str:
        return self.call.territory

    @property
    def programme(self) -> str:
        return self.call.programme

    def revise(self, **changes: object) -> Application:
        """A draft with `changes`; the rules are checked again."""
        if self.status != "draft":
            raise Conflict(f"application {self.id} is {self.status}: only a draft can be changed")
        return replace(self, **changes)  # type: ignore[arg-type]

    def submit(self, at: datetime) -> Application:
        if self.status != "draft":
            raise Conflict(f"application {self.id} is already {self.status}")
        self.call.accepts_on(at.date())
        return replace(self, status="submitted", submitted_at=at)

    def withdraw(self) -> Application:
        if self.status != "submitted":
            raise Conflict(f"only a submitted application can be withdrawn; application {self.id} is {self.status}")
        if self.committee_decision in FINAL_DECISIONS:
            raise Conflict(
                f"application {self.id} was {self.committee_decision} by the committee: "
                "a decided application can no longer be withdrawn"
            )
        return replace(self, status="withdrawn")


# --- screening ---------------------------------------------------------------------


@dataclass(frozen=True)
class EligibilityRules:
    """A territory's eligibility rules for one programme."""

    min_jobs_planned: int = 1
    max_headcount: int | None = 249
    min_firm_age_months: int = 0


DEFAULT_RULES = {
    SKILL_SPONSORSHIP: EligibilityRules(min_jobs_planned=1, max_headcount=249, min_firm_age_months=0),
    SELF_EMPLOYMENT: EligibilityRules(min_jobs_planned=1, max_headcount=None, min_firm_age_months=0),
}


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)


def screen(app: Application, rules: EligibilityRules, on: date, has_contact: bool) -> list[str]:
    """Completeness and eligibility; returns the reasons it is not eligible (none: eligible)."""
    reasons = []
    if not app.project_kind:
        reasons.append("Incomplete: the project kind (development, takeover, recovery, creation) is missing.")
    if not app.project_summary:
        reasons.append("Incomplete: the project summary is missing.")
    if app.programme == SKILL_SPONSORSHIP and not app.skills_needed:
        reasons.append("Incomplete: no skills needed are listed.")
    if app.firm_id is not None and not app.sector:
        reasons.append("Incomplete: the firm's sector (NACE code) is missing.")
    if app.firm_id is None and not has_contact:
        reasons.append("Incomplete: the project holder's contact details are missing.")
    planned = app.jobs_planned_created + app.jobs_planned_maintained
    if planned < rules.min_jobs_planned:
        reasons.append(
            f"Jobs planned ({planned}) are below the minimum of {rules.min_jobs_planned} for this programme "
            "in this territory."
        )
    if rules.max_headcount is not None and app.baseline_headcount > rules.max_headcount:
        reasons.append(f"Headcount ({app.baseline_headcount}) is above the maximum of {rules.max_headcount}.")
    if rules.min_firm_age_months and app.firm_id is not None:
        if app.firm_created_on is None:
            reasons.append("Incomplete: the firm's creation date is needed to check its age.")
        elif (age := _months_between(app.firm_created_on, on)) < rules.min_firm_age_months:
            reasons.append(f"The firm is {age} months old; the minimum is {rules.min_firm_age_months} months.")
    return reasons
