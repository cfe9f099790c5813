from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import pytest
from alize_chassis.errors import Conflict, Rejected
from intake.domain.applications import Application, EligibilityRules, screen, size_class
from intake.domain.calls import Call

TODAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 2, 10, tzinfo=UTC)
RULES = EligibilityRules()


def _call(**overrides: Any) -> Call:
    values: dict[str, Any] = {
        "id": uuid4(),
        "territory": "indre",
        "programme": "skill_sponsorship",
        "opens_on": date(2026, 10, 1),
        "closes_on": date(2026, 12, 21),
        "skill_days_budget": 100.0,
        "advances_budget_cents": 10_000_000,
    }
    return Call(**{**values, **overrides})


def _application(**overrides: Any) -> Application:
    values: dict[str, Any] = {
        "id": uuid4(),
        "call": _call(),
        "firm_id": "404833048",
        "applicant_id": None,
        "jobs_planned_created": 2,
        "jobs_planned_maintained": 5,
        "baseline_headcount": 5,
        "skills_needed": ["sales"],
        "project_kind": "development",
        "project_summary": "New product line",
        "sector": "C25",
        "firm_created_on": date(2015, 3, 1),
    }
    return Application(**{**values, **overrides})


def test_a_call_accepts_submissions_only_between_its_dates_and_while_open() -> None:
    call = _call()
    call.accepts_on(date(2026, 10, 1))
    call.accepts_on(date(2026, 12, 21))  # the last day counts
    with pytest.raises(Rejected, match="opens on 2026-10-01"):
        call.accepts_on(date(2026, 9, 30))
    with pytest.raises(Rejected, match="closed on 2026-12-21"):
        call.accepts_on(date(2026, 12, 22))
    closed, event = call.close(NOW)
    assert (event.reason, event.call_id, event.closed_at, closed.closed_at) == ("closed_early", call.id, NOW, NOW)
    with pytest.raises(Rejected, match="is closed"):
        closed.accepts_on(TODAY)
    with pytest.raises(Conflict, match="already closed"):
        closed.close(NOW)
    assert call.close(datetime(2026, 12, 22, tzinfo=UTC))[1].reason == "deadline"
    with pytest.raises(Rejected, match="before opens_on"):
        _call(closes_on=date(2026, 9, 1))


def test_a_call_opens_with_its_event_unless_its_deadline_has_passed() -> None:
    call = _call()
    opened = call.open(date(2026, 12, 21))
    assert (opened.call_id, opened.closes_on, opened.skill_days_budget) == (call.id, call.closes_on, 100.0)
    with pytest.raises(Rejected, match="in the past"):
        call.open(date(2026, 12, 22))


def test_submit_and_withdraw_follow_the_lifecycle_and_raise_their_events() -> None:
    draft = _application()
    submitted, events = draft.submit(NOW, RULES)
    assert (submitted.status, submitted.submitted_at, submitted.screening_reasons) == ("submitted", NOW, [])
    assert [type(e).__name__ for e in events] == ["ApplicationSubmitted", "ApplicationScreened"]
    assert all(e.application_id == draft.id for e in events)
    with pytest.raises(Conflict, match="already submitted"):
        submitted.submit(NOW, RULES)
    with pytest.raises(Conflict, match="only a submitted application"):
        draft.withdraw(NOW)
    withdrawn, event = submitted.withdraw(NOW)
    assert (withdrawn.status, withdrawn.withdrawn_at, event.withdrawn_at) == ("withdrawn", NOW, NOW)
    assert replace(submitted, committee_decision="deferred").withdraw(NOW)[0].status == "withdrawn"  # still pending
    for decided in ("approved", "rejected"):
        with pytest.raises(Conflict, match=f"was {decided} by the committee: a decided application can no longer"):
            replace(submitted, committee_decision=decided).withdraw(NOW)
    with pytest.raises(Rejected, match="closed on"):
        _application(call=_call(closes_on=date(2026, 11, 1))).submit(NOW, RULES)


def test_submission_screens_against_the_territory_rules() -> None:
    submitted, events = _application(baseline_headcount=300, jobs_planned_maintained=3).submit(NOW, RULES)
    assert submitted.screening_reasons == ["Headcount (300) is above the maximum of 249."]
    assert events[1].eligible is False and events[1].reasons == submitted.screening_reasons


def test_application_rules() -> None:
    with pytest.raises(Rejected, match="needs the firm's identifier"):
        _application(firm_id=None)
    assert _application(call=_call(programme="self_employment"), firm_id=None).firm_id is None
    with pytest.raises(Rejected, match="cannot exceed baseline_headcount"):
        _application(jobs_planned_maintained=6, baseline_headcount=5)
    with pytest.raises(Rejected, match="1 code.* outside the competence catalogue") as refused:
        _application(skills_needed=["sales", "juggling"])
    assert "juggling" not in str(refused.value)  # input is never echoed


def test_screening_gives_every_reason() -> None:
    rules = EligibilityRules(min_jobs_planned=3, max_headcount=50, min_firm_age_months=24)
    assert screen(_application(), rules, TODAY, has_contact=False) == []
    reasons = screen(
        _application(
            project_kind=None,
            project_summary=None,
            skills_needed=[],
            sector=None,
            jobs_planned_created=1,
            jobs_planned_maintained=1,
            baseline_headcount=60,
            firm_created_on=date(2025, 12, 1),
        ),
        rules,
        TODAY,
        has_contact=False,
    )
    assert reasons == [
        "Incomplete: the project kind (development, takeover, recovery, creation) is missing.",
        "Incomplete: the project summary is missing.",
        "Incomplete: no skills needed are listed.",
        "Incomplete: the firm's sector (NACE code) is missing.",
        "Jobs planned (2) are below the minimum of 3 for this programme in this territory.",
        "Headcount (60) is above the maximum of 50.",
        "The firm is 11 months old; the minimum is 24 months.",
    ]
    person = replace(_application(call=_call(programme="self_employment"), firm_id=None))
    assert screen(person, rules, TODAY, has_contact=False) == [
        "Incomplete: the project holder's contact details are missing."
    ]
    assert screen(person, rules, TODAY, has_contact=True) == []


def test_size_classes() -> None:
    assert [size_class(n) for n in (0, 9, 10, 49, 50, 249, 250)] == [
        "micro",
        "micro",
        "small",
        "small",
        "medium",
        "medium",
        "large",
    ]
