"""Realistic event streams for benchmarks: application journeys across territories,
in the proportions a network sees (about half approved; partner companies' skill
days, declarations, advances, and guidance with firm creation and survival checks
for the approved), after the partner companies joined."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

from alize_contracts import ApplicationSubmitted, Event, JobDeclared, Jobs, ProjectApproved, ProjectRejected
from alize_contracts.events import (
    AdvanceDisbursed,
    AdvanceRepaymentReceived,
    ApplicationScreened,
    BusinessCreated,
    BusinessSurvivalReported,
    GuidanceSessionLogged,
    Installment,
    MissionDayConfirmed,
    ParticipantOutcomeRecorded,
    PartnerAssignment,
    PartnerJoined,
    PartnerSite,
)

TERRITORIES = (
    "indre",
    "gard-cevennes",
    "marseille-metropole",
    "basse-meuse",
    "bruxelles",
    "lyon",
    "lille",
    "nantes",
    "toulouse",
    "strasbourg",
    "rennes",
    "dijon",
)
FIRMS = ("404833048", "552100554", "380129866", "443061841", "512345679", "799384656", "732829320")


PARTNERS_PER_TERRITORY = 6
COMPETENCES = ("sales", "accounting", "digital-marketing", "logistics", "human-resources")


def journeys(n_events: int, seed: int = 7) -> Iterator[Event]:
    """Yield `n_events` events: the partner companies joining, then application
    journeys (each journey's events in order)."""
    rng = random.Random(seed)
    partners = {t: [_uuid(rng) for _ in range(PARTNERS_PER_TERRITORY)] for t in TERRITORIES}
    joined: list[Event] = [
        PartnerJoined(
            territory=territory,
            partner_id=partner,
            company_name=f"Partner {i} of {territory}",
            sites=[PartnerSite(site_id=_uuid(rng), territory=territory)],
            joined_at=datetime(2022, 9, 1, tzinfo=UTC),
        )
        for territory, ids in partners.items()
        for i, partner in enumerate(ids)
    ]
    produced = 0
    for event in joined:
        yield event
        produced += 1
        if produced == n_events:
            return
    while produced < n_events:
        for event in _journey(rng, partners):
            yield event
            produced += 1
            if produced == n_events:
                return


def _uuid(rng: random.Random) -> UUID:
    return UUID(int=rng.getrandbits(128), version=4)


def _journey(rng: random.Random, partners: dict[str, list[UUID]]) -> list[Event]:
    territory = rng.choice(TERRITORIES)
    person = rng.random() < 0.25
    programme = "self_employment" if person else "skill_sponsorship"
    firm = None if person else rng.choice(FIRMS)
    app = _uuid(rng)
    submitted = datetime(2023, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(0, 3 * 365))
    baseline = 0 if person else rng.randrange(2, 120)
    planned = Jobs(created=rng.randrange(0, 5), maintained=min(baseline, rng.randrange(0, 20)))
    decided = submitted + timedelta(days=rng.randrange(10, 90))
    events: list[Event] = [
        ApplicationSubmitted(
            territory=territory,
            application_id=app,
            programme=programme,
            firm_id=firm,
            submitted_at=submitted,
            jobs_planned=planned,
            baseline_headcount=baseline,
        ),
        ApplicationScreened(
            territory=territory, application_id=app, programme=programme, screened_at=submitted, eligible=True
        ),
    ]
    if rng.random() < 0.45:
        events.append(
            ProjectRejected(
                territory=territory, application_id=app, programme=programme, decided_at=decided, reason="Out of scope."
            )
        )
        return events
    days = 0 if person else rng.choice((1, 2, 3, 3, 4, 5))
    advance = rng.choice((None, None, 1_000_000, 2_300_000))
    events.append(
        ProjectApproved(
            territory=territory,
            application_id=app,
            programme=programme,
            firm_id=firm,
            decided_at=decided,
            skill_days_contracted=days,
            advance_amount_cents=advance,
            jobs_planned=planned,
            baseline_headcount=baseline,
            partners=[
                PartnerAssignment(partner_id=partner, competence=rng.choice(COMPETENCES), days=days)
                for partner in rng.sample(partners[territory], rng.choice((1, 1, 2)))
            ]
            if days
            else [],
        )
    )
    mission = _uuid(rng)
    for i in range(days):
        events.append(
            MissionDayConfirmed(
                territory=territory,
                mission_id=mission,
                day_id=_uuid(rng),
                application_id=app,
                worked_on=decided.date() + timedelta(days=7 * i + 7),
                days=1,
            )
        )
    if firm:
        events.append(
            JobDeclared(
                territory=territory,
                declaration_id=_uuid(rng),
                application_id=app,
                firm_id=firm,
                as_of=decided.date() + timedelta(days=365),
                jobs=Jobs(created=rng.randrange(0, 4), maintained=baseline),
            )
        )
    if advance:
        advance_id = _uuid(rng)
        disbursed = decided.date() + timedelta(days=14)
        events.append(
            AdvanceDisbursed(
                territory=territory,
                advance_id=advance_id,
                application_id=app,
                firm_id=firm,
                amount_cents=advance,
                disbursed_on=disbursed,
                schedule=[Installment(due_on=disbursed + timedelta(days=365), amount_cents=advance)],
            )
        )
        events.append(
            AdvanceRepaymentReceived(
                territory=territory,
                advance_id=advance_id,
                application_id=app,
                repayment_id=_uuid(rng),
                amount_cents=advance // 2,
                received_on=disbursed + timedelta(days=300),
                outstanding_cents=advance - advance // 2,
            )
        )
    if person:
        for i in range(rng.randrange(1, 5)):
            events.append(
                GuidanceSessionLogged(
                    territory=territory,
                    application_id=app,
                    session_id=_uuid(rng),
                    counsellor_ref=app,
                    held_on=decided.date() + timedelta(days=7 * i),
                    days=0.5,
                )
            )
        outcome = rng.choice(("firm_created", "firm_created", "employment", "left_programme"))
        recorded_on = decided.date() + timedelta(days=200)
        created = f"{rng.randrange(10**8, 10**9)}" if outcome == "firm_created" else None
        events.append(
            ParticipantOutcomeRecorded(
                territory=territory, application_id=app, outcome=outcome, recorded_on=recorded_on, firm_id=created
            )
        )
        if created:
            events.append(
                BusinessCreated(territory=territory, application_id=app, firm_id=created, created_on=recorded_on)
            )
            closes_in_year = rng.choice((1, 2, 3, 4, 4, 4, 4, 4))  # about 60 % alive at three years
            for years in (1, 2, 3):
                events.append(
                    BusinessSurvivalReported(
                        territory=territory,
                        application_id=app,
                        firm_id=created,
                        years=years,  # type: ignore[arg-type]
                        active=years < closes_in_year,
                        checked_on=recorded_on + timedelta(days=365 * years),
                    )
                )
    return events


__all__ = ["TERRITORIES", "journeys"]
