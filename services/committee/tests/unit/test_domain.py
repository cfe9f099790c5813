from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from alize_chassis.errors import Conflict, Rejected
from alize_contracts.events import ProjectAmended
from committee.domain.docket import Amendment, Approval, Assignment, Deferral, DocketEntry, Rejection
from committee.domain.funds import AdvanceFund, CallBudget
from committee.domain.members import Member
from committee.domain.partners import Capacity, Offer, suggest
from committee.domain.sessions import Session

NOW = datetime(2026, 4, 14, 16, tzinfo=UTC)
PARTNER = uuid4()
DECISION = Rejection("out of scope")  # any outcome but an amendment


def _entry(**overrides: Any) -> DocketEntry:
    values: dict[str, Any] = {
        "application_id": uuid4(),
        "territory": "indre",
        "programme": "skill_sponsorship",
        "firm_id": "404833048",
        "jobs_planned_created": 1,
        "jobs_planned_maintained": 2,
        "eligible": True,
    }
    return DocketEntry(**{**values, **overrides})


def _approval(days: str = "3", advance: int | None = None) -> Approval:
    return Approval(Decimal(days), advance, (Assignment(PARTNER, "sales", Decimal(days)),) if Decimal(days) else ())


def test_outcomes_set_the_status() -> None:
    assert _entry().decide(_approval(), NOW).status == "approved"
    assert _entry().decide(Rejection("out of scope"), NOW).status == "rejected"
    deferred = _entry().decide(Deferral("forecast missing"), NOW)
    assert deferred.status == "deferred"
    deferred.check_decidable("indre", DECISION)  # a deferred project comes back to a later session


def test_what_cannot_be_decided() -> None:
    with pytest.raises(Conflict, match="already rejected"):
        _entry(status="rejected").check_decidable("indre", DECISION)
    with pytest.raises(Conflict, match="withdrawn"):
        _entry(status="withdrawn").check_decidable("indre", DECISION)
    with pytest.raises(Conflict, match="not been screened"):
        _entry(eligible=None).check_decidable("indre", DECISION)
    with pytest.raises(Rejected, match="screened ineligible: Headcount too high."):
        _entry(eligible=False, screening_reasons=("Headcount too high.",)).check_decidable("indre", DECISION)
    with pytest.raises(Rejected, match="is not on the docket of gard-cevennes"):
        _entry().check_decidable("gard-cevennes", DECISION)


def test_an_approval_assigns_partners_for_exactly_its_skill_days() -> None:
    with pytest.raises(Rejected, match="skill days, an advance, or both"):
        _entry().decide(Approval(Decimal(0)), NOW)
    assert _entry().decide(Approval(Decimal(0), 500_000), NOW).status == "approved"
    with pytest.raises(Rejected, match="need partner companies assigned"):
        _entry().decide(Approval(Decimal(3)), NOW)
    with pytest.raises(Rejected, match="2 days in all; the skill days contracted are 3"):
        _entry().decide(Approval(Decimal(3), None, (Assignment(PARTNER, "sales", Decimal(2)),)), NOW)
    twice = (Assignment(PARTNER, "sales", Decimal(1)), Assignment(PARTNER, "sales", Decimal(2)))
    with pytest.raises(Rejected, match="appear twice"):
        _entry().decide(Approval(Decimal(3), None, twice), NOW)


def _session(members: list[UUID], quorum: int = 2) -> Session:
    return Session(
        id=uuid4(), territory="indre", held_on=date(2026, 4, 14), quorum=quorum, member_ids=frozenset(members)
    )


def test_voters_sit_in_the_session_are_not_conflicted_and_make_the_quorum() -> None:
    a, b, c, outsider = uuid4(), uuid4(), uuid4(), uuid4()
    members = {
        a: Member(a, "indre"),
        b: Member(b, "indre", firm_conflicts=frozenset({"404833048"})),
        c: Member(c, "indre", partner_id=PARTNER),
    }
    session = _session([a, b, c])
    entry = _entry()
    session.check_vote(entry, Rejection("out of scope"), [a, c], members)
    with pytest.raises(Rejected, match="do not sit in session"):
        session.check_vote(entry, Rejection("x"), [a, outsider], members)
    with pytest.raises(Rejected, match=r"member .* is conflicted .*tied to the firm 404833048"):
        session.check_vote(entry, Rejection("x"), [a, b], members)
    with pytest.raises(Rejected, match="tied to the assigned partner"):
        session.check_vote(entry, _approval(), [a, c], members)
    with pytest.raises(Rejected, match="no quorum .* 1 non-conflicted voters, the quorum is 2"):
        session.check_vote(entry, _approval(), [a], members)
    with pytest.raises(Conflict, match="already held"):
        Session(id=uuid4(), territory="indre", held_on=date(2026, 4, 14), quorum=1, held_at=NOW).check_open()


def test_budgets_and_capacity() -> None:
    budget = CallBudget(uuid4(), Decimal(10), 3_000_000, Decimal(8), 2_000_000)
    budget.check(Decimal(2), 1_000_000)
    with pytest.raises(Rejected, match="over the call's budget: 2 left"):
        budget.check(Decimal("2.5"), 0)
    with pytest.raises(Rejected, match="over the fund: 10000.00 EUR left"):
        budget.check(Decimal(1), 1_000_001)
    capacity = Capacity(PARTNER, "sales", 2026, Decimal(10), Decimal("8.5"))
    capacity.check(Decimal("1.5"))
    with pytest.raises(Rejected, match="has 1.5 of 10 days of 'sales' left in 2026"):
        capacity.check(Decimal(2))


def test_the_revolving_fund_is_refilled_by_repayments_only() -> None:
    fund = AdvanceFund("indre", fund_cents=5_000_000, granted_cents=4_000_000, repaid_cents=500_000)
    assert fund.available_cents == 1_500_000
    fund.check(1_500_000)
    with pytest.raises(Rejected, match="over the fund: 15000.00 EUR available in the revolving fund of indre"):
        fund.check(1_500_001)


def test_only_an_approved_project_is_amended() -> None:
    amendment = Amendment((Assignment(PARTNER, "sales", Decimal(2)),))
    assert amendment.additional_days == 2
    _entry(status="approved").check_decidable("indre", amendment)
    with pytest.raises(Conflict, match="only an approved project can be amended"):
        _entry().check_decidable("indre", amendment)
    assert _entry(status="approved").decide(amendment, NOW).status == "approved"
    approved = _entry(status="approved", decided_at=datetime(2026, 1, 20, tzinfo=UTC))
    assert approved.decide(amendment, NOW) == approved  # still as its approval left it
    (amended,) = approved.decision_events(amendment, uuid4(), NOW)
    assert isinstance(amended, ProjectAmended) and amended.decided_at == NOW
    with pytest.raises(Rejected, match="additional days to partner companies"):
        _entry(status="approved").decide(Amendment(()), NOW)


def test_suggestions_rank_territory_then_overlap_then_capacity() -> None:
    def offer(partner: UUID, name: str, territory: str, competence: str, days: int) -> Offer:
        return Offer(partner, name, frozenset({territory}), competence, Decimal(days))

    near, far, wide, empty = uuid4(), uuid4(), uuid4(), uuid4()
    ranked = suggest(
        ["sales", "export"],
        "indre",
        [
            offer(far, "Far", "gard-cevennes", "sales", 30),
            offer(far, "Far", "gard-cevennes", "export", 30),
            offer(near, "Near", "indre", "sales", 5),
            offer(wide, "Wide", "indre", "sales", 4),
            offer(wide, "Wide", "indre", "export", 4),
            offer(empty, "Empty", "indre", "sales", 0),
            offer(uuid4(), "Unrelated", "indre", "hse", 50),
        ],
    )
    assert [s.company_name for s in ranked] == ["Wide", "Near", "Far"]
    assert ranked[0].competences == ("export", "sales") and ranked[0].remaining_days == 8
    assert not ranked[2].same_territory


def test_a_conflict_names_the_firm_whichever_of_its_identifiers_is_given() -> None:
    """A SIRET is one establishment of the firm whose SIREN is its first nine digits."""
    siren, siret, belgian = "404833048", "40483304800006", "BE0403170701"
    by_siren, by_siret, by_belgian = uuid4(), uuid4(), uuid4()
    members = {
        by_siren: Member(by_siren, "indre", firm_conflicts=frozenset({siren})),
        by_siret: Member(by_siret, "indre", firm_conflicts=frozenset({siret})),
        by_belgian: Member(by_belgian, "indre", firm_conflicts=frozenset({belgian})),
    }
    for firm_id, member in ((siret, by_siren), (siren, by_siret), (belgian, by_belgian)):
        assert members[member].conflict_with(firm_id, []) == f"tied to the firm {firm_id}"
    assert members[by_siren].conflict_with("55210055400013", []) is None
    assert members[by_belgian].conflict_with(siren, []) is None
