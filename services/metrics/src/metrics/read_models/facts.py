"""The facts ledger: what each event contributes to each indicator, with its
territory, programme, date and subject. Indicators are aggregations of facts
(queries.py), so every figure can list the events that make it up (lineage) and
be cut by territory, year and programme.

`facts_of` is pure: the same event always yields the same facts, so a replay of
the topics rebuilds the same ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
from alize_chassis.wire import Received
from alize_contracts import EVENT_TYPES, ApplicationSubmitted, Event, JobDeclared, ProjectApproved, ProjectRejected
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

from metrics.read_models import handlers


@dataclass(frozen=True)
class Fact:
    indicator: str
    value: int | float  # exact: counts, cents, and days in halves
    occurred_on: date
    subject: str = ""  # what distinct and latest aggregations key on
    application_id: UUID | None = None
    programme: str | None = None


def firm_key(firm_id: str) -> str:
    """A French SIRET names one site of a firm: the firm is its SIREN."""
    return firm_id[:9] if len(firm_id) == 14 and firm_id.isdigit() else firm_id


def facts_of(event: Event) -> list[Fact]:
    """What one event contributes to the indicators."""
    app = getattr(event, "application_id", None)
    programme = getattr(event, "programme", None)

    def fact(indicator: str, value: float | int, on: date, subject: str = "") -> Fact:
        return Fact(indicator, value, on, subject, app, programme)

    match event:
        case ApplicationSubmitted():
            return [fact("applications", 1, event.submitted_at.date())]
        case ApplicationScreened():
            return [fact("screened_eligible" if event.eligible else "screened_ineligible", 1, event.screened_at.date())]
        case ApplicationWithdrawn():
            return [fact("withdrawn", 1, event.withdrawn_at.date())]
        case ProjectApproved():
            on = event.decided_at.date()
            facts = [
                fact("approved", 1, on),
                fact("days_contracted", event.skill_days_contracted, on),
                fact("projects_with_skill_days", 1 if event.skill_days_contracted else 0, on),
                fact("jobs_planned_created", event.jobs_planned.created, on),
                fact("jobs_planned_maintained", event.jobs_planned.maintained, on),
            ]
            if event.firm_id:
                firm = firm_key(event.firm_id)
                facts.append(fact("firms_supported", 1, on, firm))
                if event.baseline_headcount is not None and event.baseline_headcount < 250:
                    facts.append(fact("smes_supported", 1, on, firm))
                if event.advance_amount_cents:
                    facts.append(fact("firms_financial_support", 1, on, firm))
                if event.skill_days_contracted:
                    facts.append(fact("firms_non_financial_support", 1, on, firm))
            for partner in {a.partner_id for a in event.partners}:
                facts.append(fact("active_partners", 1, on, str(partner)))
            if event.advance_amount_cents:
                facts += [
                    fact("advances_granted", 1, on),
                    fact("advances_granted_cents", event.advance_amount_cents, on),
                ]
            return facts
        case ProjectRejected():
            return [fact("rejected", 1, event.decided_at.date())]
        case ProjectDeferred():
            return [fact("deferred", 1, event.decided_at.date())]
        case ProjectAmended():
            return [fact("days_contracted", event.additional_skill_days, event.decided_at.date())]
        case PartnerJoined():
            return [
                fact("partner_sites", 1, event.joined_at.date(), str(site.site_id))
                for site in event.sites
                if site.territory == event.territory
            ]
        case CommitteeSessionHeld():
            return [fact("sessions_held", 1, event.held_on)]
        case MissionDayConfirmed():
            return [fact("days_delivered", event.days, event.worked_on)]
        case MissionClosed():
            return [fact("missions_closed", 1, event.closed_on)]
        case JobDeclared():
            beneficiary = firm_key(event.firm_id) if event.firm_id else str(event.application_id)
            return [
                fact("jobs_declared_created", event.jobs.created, event.as_of, beneficiary),
                fact("jobs_declared_maintained", event.jobs.maintained, event.as_of, beneficiary),
            ]
        case AdvanceDisbursed():
            return [fact("advances_disbursed_cents", event.amount_cents, event.disbursed_on)]
        case AdvanceRepaymentReceived():
            return [fact("advances_repaid_cents", event.amount_cents, event.received_on)]
        case AdvanceWrittenOff():
            return [fact("advances_written_off_cents", event.amount_cents, event.written_off_on)]
        case GuidanceSessionLogged():
            return [fact("people_guided", 1, event.held_on, str(event.application_id))]
        case ParticipantOutcomeRecorded():
            indicator = {
                "firm_created": "firms_created",
                "employment": "oriented_to_employment",
                "left_programme": "left_programme",
            }[event.outcome]
            return [fact(indicator, 1, event.recorded_on)]
        case BusinessSurvivalReported() if event.years == 3:
            facts = [fact("survival_checks_3y", 1, event.checked_on, event.firm_id)]
            return facts + ([fact("active_3y", 1, event.checked_on, event.firm_id)] if event.active else [])
    return []


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


def fact_rows(event: Event, received: Received) -> list[tuple[Any, ...]]:
    """The facts of one event as rows of `FACT_COLUMNS` (for INSERT or COPY)."""
    return [
        (
            received.id,
            received.type,
            received.time,
            event.territory,
            f.indicator,
            f.value,
            f.occurred_on,
            f.subject,
            f.application_id,
            f.programme,
        )
        for f in facts_of(event)
    ]


async def record_facts(conn: asyncpg.Connection, event: Any, received: Received) -> None:
    rows = fact_rows(event, received)
    if rows:
        await conn.executemany(
            f"""
            INSERT INTO facts ({", ".join(FACT_COLUMNS)}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (event_id, indicator, subject) DO NOTHING
            """,
            rows,
        )


for _event in EVENT_TYPES.values():
    handlers.on(_event)(record_facts)
