from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from alize_chassis.errors import Conflict, Forbidden, Rejected
from missions.domain.advances import Advance, Installment, schedule
from missions.domain.guidance import Business, Track
from missions.domain.jobs import check_declaration, declare, jobs_at
from missions.domain.missions import Convention, Day, Mission, add_months
from missions.domain.parties import Party
from missions.domain.projects import Project

PARTNER = uuid4()
LENDER, HOST = Party("partner", str(PARTNER)), Party("firm", "404833048")


def _mission(**overrides: Any) -> Mission:
    values: dict[str, Any] = {
        "id": uuid4(),
        "application_id": uuid4(),
        "territory": "indre",
        "firm_id": "404833048",
        "partner_id": PARTNER,
        "competence": "sales",
        "days_budget": Decimal(3),
        "approved_on": date(2026, 4, 14),
        "window_ends_on": date(2027, 10, 14),
        "convention": Convention(uuid4(), date(2026, 5, 1), date(2027, 4, 30), signed_on=date(2026, 4, 28)),
    }
    return Mission(**{**values, **overrides})


def test_the_mission_window_is_months_after_approval() -> None:
    assert add_months(date(2026, 4, 14), 18) == date(2027, 10, 14)
    assert add_months(date(2026, 8, 31), 18) == date(2028, 2, 29)  # clamped to the month's end


def test_a_convention_lies_inside_the_window_and_is_signed_once() -> None:
    unsigned = _mission(convention=None)
    with pytest.raises(Conflict, match="no convention to sign"):
        unsigned.sign(date(2026, 4, 28))
    with pytest.raises(Rejected, match="must end by 2027-10-14"):
        unsigned.draw_up_convention(Convention(uuid4(), date(2026, 5, 1), date(2027, 11, 1)))
    with pytest.raises(Rejected, match="before the project's approval"):
        unsigned.draw_up_convention(Convention(uuid4(), date(2026, 4, 1), date(2026, 6, 1)))
    drawn = unsigned.draw_up_convention(Convention(uuid4(), date(2026, 5, 1), date(2027, 4, 30)))
    signed, _ = drawn.sign(date(2026, 4, 28))
    with pytest.raises(Conflict, match="already signed"):
        signed.sign(date(2026, 4, 29))
    with pytest.raises(Conflict, match="already signed"):
        signed.draw_up_convention(Convention(uuid4(), date(2026, 5, 1), date(2027, 4, 30)))


def test_a_day_is_logged_by_the_partner_on_a_signed_convention_inside_its_dates_within_budget() -> None:
    mission = _mission(days_used=Decimal("2.5"))
    mission.check_day(LENDER, date(2026, 6, 1), Decimal("0.5"), Decimal(0))
    with pytest.raises(Forbidden, match="only the lending partner"):
        mission.check_day(HOST, date(2026, 6, 1), Decimal("0.5"), Decimal(0))
    with pytest.raises(Forbidden, match="only the lending partner"):
        mission.check_day(Party("partner", str(uuid4())), date(2026, 6, 1), Decimal("0.5"), Decimal(0))
    with pytest.raises(Rejected, match="not signed"):
        _mission(convention=Convention(uuid4(), date(2026, 5, 1), date(2027, 4, 30))).check_day(
            LENDER, date(2026, 6, 1), Decimal(1), Decimal(0)
        )
    with pytest.raises(Rejected, match="outside the mission window"):
        mission.check_day(LENDER, date(2027, 5, 1), Decimal("0.5"), Decimal(0))
    with pytest.raises(Rejected, match="0.5 of 3 contracted days left"):
        mission.check_day(LENDER, date(2026, 6, 1), Decimal(1), Decimal(0))
    with pytest.raises(Rejected, match="at most one day per date"):
        _mission().check_day(LENDER, date(2026, 6, 1), Decimal(1), Decimal("0.5"))


def test_the_host_firm_reviews_days_and_closes_when_none_await() -> None:
    mission = _mission(days_awaiting_review=1)
    mission.check_review(HOST)
    with pytest.raises(Forbidden, match="only the host firm 404833048"):
        mission.check_review(LENDER)
    with pytest.raises(Conflict, match="1 days awaiting"):
        mission.close(HOST, date(2027, 4, 30), 5)
    closed, _ = _mission().close(HOST, date(2027, 4, 30), 5)
    with pytest.raises(Conflict, match="was closed"):
        closed.check_day(LENDER, date(2026, 6, 1), Decimal(1), Decimal(0))
    day = Day(uuid4(), mission.id, date(2026, 6, 1), Decimal(1))
    assert day.review("confirmed").status == "confirmed"
    with pytest.raises(Conflict, match="already confirmed"):
        day.review("confirmed").review("disputed")
    assert _mission().amend(Decimal(2), uuid4())[0].days_budget == 5


def test_jobs_are_measured_against_the_baseline() -> None:
    assert jobs_at(headcount=14, baseline=12) == (2, 12)  # growth: two created, all maintained
    assert jobs_at(headcount=12, baseline=12) == (0, 12)  # a refilled post is maintained, not created
    assert jobs_at(headcount=9, baseline=12) == (0, 9)  # shrinking: only nine baseline posts kept
    check_declaration(date(2026, 12, 31), date(2026, 4, 14))
    with pytest.raises(Rejected, match="before the project's approval"):
        check_declaration(date(2026, 1, 1), date(2026, 4, 14))


def test_an_advance_is_disbursed_on_a_schedule_repaid_and_written_off() -> None:
    plan = schedule(1_000_000, 3, date(2027, 1, 31), 1)
    assert [i.amount_cents for i in plan] == [333_333, 333_333, 333_334]
    assert [i.due_on for i in plan] == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]
    granted = Advance(uuid4(), uuid4(), "indre", "404833048", 1_000_000)
    with pytest.raises(Conflict, match="not been disbursed"):
        granted.repay(uuid4(), 1, date(2027, 1, 1))
    disbursed, _ = granted.disburse(date(2026, 12, 1), plan)
    with pytest.raises(Conflict, match="already disbursed"):
        disbursed.disburse(date(2026, 12, 2), plan)
    assert disbursed.arrears_cents(date(2027, 2, 28)) == 666_666
    repaid, _ = disbursed.repay(uuid4(), 400_000, date(2027, 2, 1))
    assert (repaid.outstanding_cents, repaid.arrears_cents(date(2027, 2, 28))) == (600_000, 266_666)
    with pytest.raises(Rejected, match="above what is owed: 6000.00 EUR"):
        repaid.repay(uuid4(), 600_001, date(2027, 3, 1))
    written_off, _ = repaid.write_off(date(2027, 6, 1), "Liquidation.")
    assert (
        written_off.written_off_cents,
        written_off.outstanding_cents,
        written_off.arrears_cents(date(2028, 1, 1)),
    ) == (600_000, 0, 0)
    with pytest.raises(Conflict, match="written off"):
        written_off.repay(uuid4(), 1, date(2027, 4, 1))
    with pytest.raises(Conflict, match="nothing outstanding"):
        repaid.repay(uuid4(), 600_000, date(2027, 3, 1))[0].write_off(date(2027, 6, 1), "Liquidation.")
    with pytest.raises(Rejected, match="falls due after the disbursement"):
        granted.disburse(date(2027, 2, 1), (Installment(date(2027, 1, 1), 1_000_000),))


def test_guidance_outcomes_and_survival_checks() -> None:
    track = Track(uuid4(), "basse-meuse", date(2026, 3, 1))
    track.check_session(date(2026, 3, 10))
    with pytest.raises(Rejected, match="needs the new firm's firm_id"):
        track.check_outcome("firm_created", date(2026, 9, 1), None, None)
    with pytest.raises(Rejected, match="takes no firm_id"):
        track.check_outcome("employment", date(2026, 9, 1), "BE0403170701", None)
    with pytest.raises(Conflict, match="already has its outcome"):
        Track(uuid4(), "basse-meuse", date(2026, 3, 1), outcome="employment").check_outcome(
            "employment", date(2026, 9, 1), None, None
        )
    with pytest.raises(Conflict, match="left the programme"):
        Track(uuid4(), "basse-meuse", date(2026, 3, 1), outcome="left_programme").check_session(date(2026, 4, 1))
    business = Business("BE0403170701", uuid4(), "basse-meuse", date(2026, 8, 20), frozenset({1}))
    business.check_survival(2, date(2028, 8, 20))
    reported = business.report_survival(2, True, date(2028, 8, 20))
    assert (reported.firm_id, reported.years, reported.active) == ("BE0403170701", 2, True)
    with pytest.raises(Conflict, match="already reported"):
        business.check_survival(1, date(2027, 9, 1))
    with pytest.raises(Rejected, match="is due on 2029-08-20"):
        business.check_survival(3, date(2029, 1, 1))


def test_the_host_firm_acts_for_each_of_its_establishments() -> None:
    mission = replace(_mission(), firm_id="40483304800022")  # one establishment (SIRET) of the host firm
    mission.check_review(HOST)
    with pytest.raises(Forbidden, match="only the host firm"):
        mission.check_review(Party("firm", "732829320"))


def test_a_schedule_runs_at_most_ten_years() -> None:
    assert schedule(1_200_000, 121, date(2027, 1, 31), 1)[-1].due_on == date(2037, 1, 31)
    with pytest.raises(Rejected, match="at most 120 months"):
        schedule(1_200_000, 120, date(2027, 1, 31), 12)


def test_changes_return_the_events_they_raise() -> None:
    project = Project(uuid4(), "indre", "skill_sponsorship", "404833048", date(2026, 4, 14), baseline_headcount=12)
    mission, opened = Mission.open(uuid4(), project, Decimal(3), None, None)
    assert (opened.mission_id, opened.window_ends_on, opened.days_contracted) == (mission.id, date(2027, 10, 14), 3)
    assert Mission.open(uuid4(), project, Decimal(3), None, 12)[1].window_ends_on == date(2027, 4, 14)
    day, logged = _mission().log_day(LENDER, uuid4(), date(2026, 6, 1), Decimal("0.5"), None, Decimal(0))
    assert (day.competence, logged.competence, logged.days) == ("sales", "sales", 0.5)
    _, disputed = _mission().review_day(day, "Visit cancelled.")
    assert disputed.TYPE.endswith("day_disputed.v1") and disputed.reason == "Visit cancelled."
    _, closed = _mission(days_delivered=Decimal(2)).close(HOST, date(2027, 4, 30), 4)
    assert (closed.days_delivered, closed.satisfaction) == (2, 4)
    declaration, declared = declare(project, uuid4(), date(2026, 12, 31), 14)
    assert (declaration.jobs_created, declared.jobs.created, declared.jobs.maintained) == (2, 2, 12)
    with pytest.raises(Conflict, match="baseline headcount"):
        declare(replace(project, baseline_headcount=None), uuid4(), date(2026, 12, 31), 14)
    track = Track(uuid4(), "basse-meuse", date(2026, 3, 1))
    recorded, events = track.record_outcome("firm_created", date(2026, 9, 1), "BE0403170701", date(2026, 8, 20))
    assert recorded.outcome == "firm_created" and [type(e).__name__ for e in events] == [
        "ParticipantOutcomeRecorded",
        "BusinessCreated",
    ]
    with pytest.raises(Rejected, match="is not a counsellor of basse-meuse"):
        track.log_session(uuid4(), uuid4(), "indre", date(2026, 3, 10), Decimal("0.5"))
