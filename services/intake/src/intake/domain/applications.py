"""Applications: a draft, submitted to a call (and screened at once), withdrawn."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from alize_chassis.errors import Conflict, Rejected
from alize_contracts import ApplicationSubmitted, Event, Jobs
from alize_contracts.competences import unknown as unknown_competences
from alize_contracts.events import ApplicationScreened, ApplicationWithdrawn

from intake.domain.calls import Call

SKILL_SPONSORSHIP = "skill_sponsorship"
SELF_EMPLOYMENT = "self_employment"


def size_class(headcount: int) -> str:
    """EU size class by headcount (the turnover criteria are not collected)."""
    return "micro" if headcount < 10 else "small" if headcount < 50 else "medium" if headcount < 250 else "large"


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
    screening_reasons: list[str] | None = None
    """Why the screening found it ineligible (empty: eligible); None until submitted."""
    withdrawn_at: datetime | None = None
    committee_decision: Decision | None = None
    owner: str | None = None
    """The account that created it from its own firm's or person's account (None: entered by staff)."""

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

    def submit(self, at: datetime, rules: EligibilityRules) -> tuple[Application, list[Event]]:
        """Submitted and screened against the territory's `rules` at once."""
        if self.status != "draft":
            raise Conflict(f"application {self.id} is already {self.status}")
        self.call.accepts_on(at.date())
        reasons = screen(self, rules, at.date(), has_contact=self.applicant_id is not None)
        submitted = replace(self, status="submitted", submitted_at=at, screening_reasons=reasons)
        return submitted, [submitted._submitted_event(), submitted._screened_event(at)]

    def _submitted_event(self) -> ApplicationSubmitted:
        assert self.submitted_at is not None
        return ApplicationSubmitted(
            territory=self.territory,
            application_id=self.id,
            programme=self.programme,  # type: ignore[arg-type]
            firm_id=self.firm_id,
            submitted_at=self.submitted_at,
            jobs_planned=Jobs(created=self.jobs_planned_created, maintained=self.jobs_planned_maintained),
            baseline_headcount=self.baseline_headcount,
            skills_needed=self.skills_needed,
            call_id=self.call.id,
            project_kind=self.project_kind,  # type: ignore[arg-type]
            firm_size=self.firm_size,  # type: ignore[arg-type]
            sector=self.sector,
            advance_requested_cents=self.advance_requested_cents,
        )

    def _screened_event(self, at: datetime) -> ApplicationScreened:
        assert self.screening_reasons is not None
        return ApplicationScreened(
            territory=self.territory,
            application_id=self.id,
            programme=self.programme,  # type: ignore[arg-type]
            call_id=self.call.id,
            screened_at=at,
            eligible=not self.screening_reasons,
            reasons=self.screening_reasons,
        )

    def withdraw(self, at: datetime) -> tuple[Application, ApplicationWithdrawn]:
        if self.status != "submitted":
            raise Conflict(f"only a submitted application can be withdrawn; application {self.id} is {self.status}")
        if self.committee_decision in FINAL_DECISIONS:
            raise Conflict(
                f"application {self.id} was {self.committee_decision} by the committee: "
                "a decided application can no longer be withdrawn"
            )
        withdrawn = replace(self, status="withdrawn", withdrawn_at=at)
        return withdrawn, ApplicationWithdrawn(
            territory=self.territory,
            application_id=self.id,
            programme=self.programme,  # type: ignore[arg-type]
            withdrawn_at=at,
        )


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
