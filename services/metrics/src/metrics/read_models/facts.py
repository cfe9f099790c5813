"""The facts ledger: what each event contributes to each indicator, with its
territory, programme, date and subject. Indicators are aggregations of facts
(queries.py), so every figure can list the events that make it up (lineage) and
be cut by territory, year and programme.

`facts_of` is pure: the same event always yields the same facts, so a replay of
the topics rebuilds the same ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, NamedTuple

from alize_chassis.identifiers import firm_of
from alize_chassis.wire import Received
from alize_contracts import ApplicationSubmitted, Event, JobDeclared, ProjectApproved, ProjectRejected
from alize_contracts.events import (
    AdvanceDisbursed,
    AdvanceRepaymentReceived,
    AdvanceWrittenOff,
    ApplicationScreened,
    ApplicationWithdrawn,
    BusinessSurvivalReported,
    CommitteeSessionHeld,
    GuidanceSessionLogged,
    MissionClosed,
    MissionDayConfirmed,
    ParticipantOutcomeRecorded,
    PartnerJoined,
    ProjectAmended,
    ProjectDeferred,
)

from metrics.read_models import Projection


class Fact(NamedTuple):
    indicator: str
    value: int | float  # exact: counts, cents, and days in halves
    occurred_on: date
    subject: str = ""  # what distinct and latest aggregations key on


Derivation = Callable[[Any], list[Fact]]
_DERIVATIONS: dict[type[Event], Derivation] = {}


def _derives(event_type: type[Event]) -> Callable[[Derivation], Derivation]:
    def register(derive: Derivation) -> Derivation:
        _DERIVATIONS[event_type] = derive
        return derive

    return register


def facts_of(event: Event) -> list[Fact]:
    """What one event contributes to the indicators (one lookup by type: the replay
    derives facts for a million events)."""
    derive = _DERIVATIONS.get(type(event))
    return derive(event) if derive else []


def _once(indicator: str, when: str) -> Derivation:
    """An event that counts once for `indicator`, on the date (or the day of the time) in `when`."""

    def derive(event: Any) -> list[Fact]:
        on = getattr(event, when)
        return [Fact(indicator, 1, on.date() if isinstance(on, datetime) else on)]

    return derive


_derives(ApplicationSubmitted)(_once("applications", "submitted_at"))
_derives(ApplicationWithdrawn)(_once("withdrawn", "withdrawn_at"))
_derives(ProjectRejected)(_once("rejected", "decided_at"))
_derives(ProjectDeferred)(_once("deferred", "decided_at"))
_derives(CommitteeSessionHeld)(_once("sessions_held", "held_on"))
_derives(MissionClosed)(_once("missions_closed", "closed_on"))


@_derives(ApplicationScreened)
def _screened(event: ApplicationScreened) -> list[Fact]:
    return [Fact("screened_eligible" if event.eligible else "screened_ineligible", 1, event.screened_at.date())]


@_derives(ProjectApproved)
def _approved(event: ProjectApproved) -> list[Fact]:
    on = event.decided_at.date()
    facts = [
        Fact("approved", 1, on),
        Fact("days_contracted", event.skill_days_contracted, on),
        Fact("projects_with_skill_days", 1 if event.skill_days_contracted else 0, on),
        Fact("jobs_planned_created", event.jobs_planned.created, on),
        Fact("jobs_planned_maintained", event.jobs_planned.maintained, on),
    ]
    if event.firm_id:
        firm = firm_of(event.firm_id)
        facts.append(Fact("firms_supported", 1, on, firm))
        if event.baseline_headcount is not None and event.baseline_headcount < 250:
            facts.append(Fact("smes_supported", 1, on, firm))
        if event.advance_amount_cents:
            facts.append(Fact("firms_financial_support", 1, on, firm))
        if event.skill_days_contracted:
            facts.append(Fact("firms_non_financial_support", 1, on, firm))
    for partner in {a.partner_id for a in event.partners}:
        facts.append(Fact("active_partners", 1, on, str(partner)))
    if event.advance_amount_cents:
        facts += [Fact("advances_granted", 1, on), Fact("advances_granted_cents", event.advance_amount_cents, on)]
    return facts


@_derives(ProjectAmended)
def _amended(event: ProjectAmended) -> list[Fact]:
    return [Fact("days_contracted", event.additional_skill_days, event.decided_at.date())]


@_derives(PartnerJoined)
def _partner_joined(event: PartnerJoined) -> list[Fact]:
    return [
        Fact("partner_sites", 1, event.joined_at.date(), str(site.site_id))
        for site in event.sites
        if site.territory == event.territory
    ]


@_derives(MissionDayConfirmed)
def _day_confirmed(event: MissionDayConfirmed) -> list[Fact]:
    return [Fact("days_delivered", event.days, event.worked_on)]


@_derives(JobDeclared)
def _jobs_declared(event: JobDeclared) -> list[Fact]:
    beneficiary = firm_of(event.firm_id) if event.firm_id else str(event.application_id)
    return [
        Fact("jobs_declared_created", event.jobs.created, event.as_of, beneficiary),
        Fact("jobs_declared_maintained", event.jobs.maintained, event.as_of, beneficiary),
    ]


@_derives(AdvanceDisbursed)
def _disbursed(event: AdvanceDisbursed) -> list[Fact]:
    return [Fact("advances_disbursed_cents", event.amount_cents, event.disbursed_on)]


@_derives(AdvanceRepaymentReceived)
def _repaid(event: AdvanceRepaymentReceived) -> list[Fact]:
    return [Fact("advances_repaid_cents", event.amount_cents, event.received_on)]


@_derives(AdvanceWrittenOff)
def _written_off(event: AdvanceWrittenOff) -> list[Fact]:
    return [Fact("advances_written_off_cents", event.amount_cents, event.written_off_on)]


@_derives(GuidanceSessionLogged)
def _guided(event: GuidanceSessionLogged) -> list[Fact]:
    return [Fact("people_guided", 1, event.held_on, str(event.application_id))]


_OUTCOMES = {
    "firm_created": "firms_created",
    "employment": "oriented_to_employment",
    "left_programme": "left_programme",
}


@_derives(ParticipantOutcomeRecorded)
def _outcome(event: ParticipantOutcomeRecorded) -> list[Fact]:
    return [Fact(_OUTCOMES[event.outcome], 1, event.recorded_on)]


@_derives(BusinessSurvivalReported)
def _survival(event: BusinessSurvivalReported) -> list[Fact]:
    if event.years != 3:
        return []
    facts = [Fact("survival_checks_3y", 1, event.checked_on, event.firm_id)]
    return facts + ([Fact("active_3y", 1, event.checked_on, event.firm_id)] if event.active else [])


FACT_COLUMNS = (
    "event_id",
    "event_type",
    "event_time",
    "territory",
    "indicator",
    "value",
    "occurred_on",
    "subject",
    "application_id",
    "programme",
)


def fact_rows(received: Received) -> list[tuple[Any, ...]]:
    """The facts of one event as rows of `FACT_COLUMNS` (for INSERT or COPY)."""
    event = received.event
    fields = vars(event)  # not getattr: a pydantic model's missing attribute is a slow path
    common = (received.id, received.type, received.time, event.territory)
    app, programme = fields.get("application_id"), fields.get("programme")
    return [(*common, *fact, app, programme) for fact in facts_of(event)]


FACTS = Projection("facts", FACT_COLUMNS, fact_rows)
