"""The scenario's data: per territory, the applications and what becomes of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Decision = Literal["approve", "reject", "defer", "withdraw"]


@dataclass(frozen=True)
class Guidance:
    """A participant's guidance track: sessions, then an outcome; a firm created gets survival checks."""

    sessions: int
    outcome: Literal["firm_created", "employment", "left_programme"]
    firm_id: str | None = None
    created_on: date | None = None
    survival: tuple[tuple[int, bool], ...] = ()  # (years after creation, still active)


@dataclass(frozen=True)
class Case:
    territory: str
    programme: str
    firm_id: str | None
    planned: tuple[int, int]  # jobs planned over three years (created, maintained)
    baseline: int
    skills: tuple[str, ...]
    decision: Decision  # "withdraw": the applicant withdraws before the session
    eligible: bool = True  # what screening must find, given the data below
    skill_days: float = 0
    advance_cents: int | None = None
    reason: str | None = None
    # Lengths of the days logged and confirmed. The committee decides during the run, and a day
    # worked is a fact, never in the future: every day is logged on the day of approval.
    days: tuple[float, ...] = ()
    disputed: tuple[float, ...] = ()  # logged, then disputed by the host firm
    headcounts: tuple[int, ...] = ()  # successive declarations; the last one counts
    repaid_cents: int = 0  # repaid on the advance after its disbursement
    guidance: Guidance | None = None


def cases(indre: str = "indre", gard: str = "gard-cevennes") -> list[Case]:
    # fmt: off
    return [
        Case(indre, "skill_sponsorship", "404833048", (3, 12), 12, ("sales", "strategic-positioning"), "approve",
             skill_days=3, advance_cents=2_300_000, days=(0.5,), disputed=(0.5,),
             headcounts=(13, 14), repaid_cents=575_000),
        Case(indre, "skill_sponsorship", "55210055400013", (1, 4), 4, ("hse",), "approve", skill_days=4,
             days=(1,), headcounts=(4,)),
        # The same firm as the first case, supported again: still one firm supported.
        Case(indre, "skill_sponsorship", "404833048", (0, 12), 12, ("digital-marketing",), "approve",
             skill_days=1.5, days=(1,)),
        Case(indre, "self_employment", None, (1, 0), 0, ("business-plan",), "approve",
             guidance=Guidance(sessions=3, outcome="firm_created", firm_id="BE0403170701",
                               created_on=date(2026, 9, 1))),
        # Participants of earlier years whose firms' survival the network follows.
        Case(indre, "self_employment", None, (1, 0), 0, ("business-plan",), "approve",
             guidance=Guidance(sessions=0, outcome="firm_created", firm_id="BE0207762320",
                               created_on=date(2022, 3, 1), survival=((1, True), (2, True), (3, True)))),
        Case(indre, "self_employment", None, (1, 0), 0, ("business-plan",), "approve",
             guidance=Guidance(sessions=0, outcome="firm_created", firm_id="BE0424982437",
                               created_on=date(2022, 6, 1), survival=((1, True), (3, False)))),
        Case(indre, "self_employment", None, (1, 0), 0, ("business-plan",), "approve",
             guidance=Guidance(sessions=2, outcome="employment")),
        Case(indre, "skill_sponsorship", "380129866", (2, 3), 3, ("sales",), "reject",
             reason="No development, takeover or recovery project yet."),
        # Above the default maximum headcount of 249: screened ineligible, never on an agenda.
        Case(indre, "skill_sponsorship", "443061841", (0, 300), 300, ("export",), "reject", eligible=False),
        Case(gard, "skill_sponsorship", "443061841", (4, 8), 8, ("sales", "export"), "approve",
             skill_days=2, advance_cents=1_500_000, days=(1,), headcounts=(12,), repaid_cents=375_000),
        Case(gard, "skill_sponsorship", "512345679", (1, 2), 2, ("finance",), "reject",
             reason="Already supported by another programme this year."),
        Case(gard, "skill_sponsorship", "799384656", (2, 20), 20, ("lean-manufacturing",), "approve",
             skill_days=5, days=(0.5,)),
        Case(gard, "skill_sponsorship", "732829320", (1, 6), 6, ("quality",), "defer",
             reason="The financial forecast is to be completed for the next session."),
        Case(gard, "skill_sponsorship", "100000009", (1, 1), 1, ("sales",), "withdraw"),
    ]
    # fmt: on
