"""Self-employment guidance: a participant's track, its outcome, the business
created and its survival checks."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from alize_chassis.errors import Conflict, Rejected
from alize_contracts import Event
from alize_contracts.events import (
    BusinessCreated,
    BusinessSurvivalReported,
    GuidanceSessionLogged,
    ParticipantOutcomeRecorded,
)

from missions.domain.missions import add_months

Outcome = Literal["firm_created", "employment", "left_programme"]


@dataclass(frozen=True)
class Session:
    id: UUID
    application_id: UUID
    counsellor_id: UUID
    held_on: date
    days: Decimal


@dataclass(frozen=True)
class Track:
    application_id: UUID
    territory: str
    approved_on: date
    outcome: Outcome | None = None

    def check_session(self, held_on: date) -> None:
        if self.outcome == "left_programme":
            raise Conflict(f"the participant of track {self.application_id} left the programme")
        if held_on < self.approved_on:
            raise Rejected(f"a guidance session cannot precede the approval on {self.approved_on}")

    def log_session(
        self, session_id: UUID, counsellor_id: UUID, counsellor_territory: str | None, held_on: date, days: Decimal
    ) -> tuple[Session, GuidanceSessionLogged]:
        """A session held by a counsellor of the track's territory (`counsellor_territory`:
        None for a counsellor unknown here)."""
        if counsellor_territory is None:
            raise Rejected(f"counsellor_id {counsellor_id} is not a known counsellor")
        if counsellor_territory != self.territory:
            # Which territory the counsellor works in is not the caller's to know.
            raise Rejected(f"counsellor {counsellor_id} is not a counsellor of {self.territory}")
        self.check_session(held_on)
        session = Session(session_id, self.application_id, counsellor_id, held_on, days)
        return session, GuidanceSessionLogged(
            territory=self.territory,
            application_id=self.application_id,
            session_id=session_id,
            counsellor_ref=counsellor_id,
            held_on=held_on,
            days=float(days),
        )

    def check_outcome(self, outcome: Outcome, recorded_on: date, firm_id: str | None, created_on: date | None) -> None:
        if self.outcome is not None:
            raise Conflict(f"track {self.application_id} already has its outcome: {self.outcome}")
        if recorded_on < self.approved_on:
            raise Rejected(f"an outcome cannot precede the approval on {self.approved_on}")
        if created_on is not None and created_on > recorded_on:
            raise Rejected(f"the firm's creation ({created_on}) cannot follow the outcome's record ({recorded_on})")
        if outcome == "firm_created" and (firm_id is None or created_on is None):
            raise Rejected("a firm_created outcome needs the new firm's firm_id and created_on")
        if outcome != "firm_created" and (firm_id is not None or created_on is not None):
            raise Rejected(f"a {outcome} outcome takes no firm_id or created_on")

    def record_outcome(
        self, outcome: Outcome, recorded_on: date, firm_id: str | None, created_on: date | None
    ) -> tuple[Track, list[Event]]:
        """The participant's outcome; for a firm created, the business too (BusinessCreated)."""
        self.check_outcome(outcome, recorded_on, firm_id, created_on)
        events: list[Event] = [
            ParticipantOutcomeRecorded(
                territory=self.territory,
                application_id=self.application_id,
                outcome=outcome,
                recorded_on=recorded_on,
                firm_id=firm_id,
            )
        ]
        if firm_id is not None and created_on is not None:
            events.append(
                BusinessCreated(
                    territory=self.territory,
                    application_id=self.application_id,
                    firm_id=firm_id,
                    created_on=created_on,
                )
            )
        return replace(self, outcome=outcome), events


@dataclass(frozen=True)
class Business:
    firm_id: str
    application_id: UUID
    territory: str
    created_on: date
    checked_years: frozenset[int] = frozenset()

    def check_survival(self, years: int, checked_on: date) -> None:
        if years in self.checked_years:
            raise Conflict(f"the {years}-year survival of {self.firm_id} was already reported")
        due = add_months(self.created_on, 12 * years)
        if checked_on < due:
            raise Rejected(f"the {years}-year check of {self.firm_id} is due on {due}, not before")

    def report_survival(self, years: Literal[1, 2, 3], active: bool, checked_on: date) -> BusinessSurvivalReported:
        """The check's event; the caller stores the check (the business is read again with it)."""
        self.check_survival(years, checked_on)
        return BusinessSurvivalReported(
            territory=self.territory,
            application_id=self.application_id,
            firm_id=self.firm_id,
            years=years,
            active=active,
            checked_on=checked_on,
        )
