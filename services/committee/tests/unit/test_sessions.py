"""A session held in the domain alone: which fields go with which outcome, what the decisions draw
on (counted across one session's decisions), the events raised, and planning a session."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from alize_chassis.errors import NotFound, Rejected
from committee.domain.commands import Decision
from committee.domain.docket import Amendment, Approval, Assignment, DocketEntry, Rejection
from committee.domain.funds import AdvanceFund, CallBudget
from committee.domain.members import Member, Tie
from committee.domain.partners import Capacity
from committee.domain.sessions import Resources, Session, Vote, needs

NOW = datetime(2026, 4, 14, 16, tzinfo=UTC)
CALL, PARTNER = uuid4(), uuid4()
A, B = uuid4(), uuid4()
MEMBERS = {A: Member(A, "indre"), B: Member(B, "indre")}


def _decision(**values: Any) -> Decision:
    return Decision.model_validate({"application_id": uuid4(), "voters": [A, B], **values})


def test_which_fields_go_with_which_outcome() -> None:
    approval = Vote.of(_decision(outcome="approve", skill_days=2.5, partners=[], advance_amount_cents=100))
    assert approval.outcome == Approval(Decimal("2.5"), 100, ())
    amendment = Vote.of(
        _decision(outcome="amend", partners=[{"partner_id": PARTNER, "competence": "sales", "days": 1}])
    )
    assert amendment.outcome == Amendment((Assignment(PARTNER, "sales", Decimal(1)),))
    assert Vote.of(_decision(outcome="reject", reason="Out of scope.")).outcome == Rejection("Out of scope.")
    refused = [
        ({"outcome": "approve"}, "an approval needs skill_days"),
        ({"outcome": "approve", "skill_days": 0, "reason": "Why"}, "an approval takes no reason"),
        ({"outcome": "amend"}, "an amendment assigns additional days to partner companies"),
        (
            {
                "outcome": "amend",
                "skill_days": 1,
                "partners": [{"partner_id": PARTNER, "competence": "sales", "days": 1}],
            },
            "an amendment takes only partners",
        ),
        ({"outcome": "defer"}, "to defer needs a reason"),
        ({"outcome": "reject", "reason": "Out of scope.", "skill_days": 1}, "to reject takes no skill days"),
    ]
    for values, message in refused:
        with pytest.raises(Rejected, match=message):
            Vote.of(_decision(**values))
    fine = _decision(outcome="reject", reason="Out of scope.")
    with pytest.raises(Rejected, match=r"^to defer needs a reason$") as refused:  # and which one, in a batch
        Vote.all_of([fine, _decision(outcome="defer"), fine])
    assert refused.value.location == "body.decisions.1"


def _entry(application_id: UUID) -> DocketEntry:
    return DocketEntry(application_id, "indre", "skill_sponsorship", "404833048", 1, 2, call_id=CALL, eligible=True)


def _session() -> Session:
    return Session(uuid4(), "indre", date(2026, 4, 14), quorum=2, member_ids=frozenset(MEMBERS))


def _approve(application_id: UUID, days: int, advance: int | None = None) -> Vote:
    partners = (Assignment(PARTNER, "sales", Decimal(days)),) if days else ()
    return Vote(application_id, Approval(Decimal(days), advance, partners), (A, B))


def _resources(days: int = 10, advances: int = 1_000_000, fund: int = 1_000_000, capacity: int = 10) -> Resources:
    return Resources(
        budgets={CALL: CallBudget(CALL, Decimal(days), advances, Decimal(0), 0)},
        fund=AdvanceFund("indre", fund, 0, 0),
        partners=frozenset({PARTNER}),
        capacities={(PARTNER, "sales"): Capacity(PARTNER, "sales", 2026, Decimal(capacity), Decimal(0))},
    )


def test_a_session_draws_on_what_its_earlier_decisions_left() -> None:
    first, second = uuid4(), uuid4()
    docket = {first: _entry(first), second: _entry(second)}
    votes = [_approve(first, 3), _approve(second, 3)]
    assert needs(votes, docket).calls == {CALL} and needs(votes, docket).partners == {PARTNER}
    held = _session().hold(votes, docket, MEMBERS, _resources(), NOW, decided_by="9f1c-subject")
    assert held.event.decisions.model_dump() == {"approved": 2, "rejected": 0, "deferred": 0, "amended": 0}
    assert {e.decided_by for d in held.decisions for e in d.events} == {"9f1c-subject"}  # type: ignore[attr-defined]
    assert [type(e).__name__ for d in held.decisions for e in d.events] == ["ProjectApproved", "ProjectApproved"]
    assert held.session.held_at == NOW and held.event.decisions.approved == 2
    for resources, message in [
        (_resources(days=5), "over the call's budget: 2 left"),
        (_resources(capacity=5), "has 2 of 5 days of 'sales' left"),
    ]:
        with pytest.raises(Rejected, match=message):
            _session().hold(votes, docket, MEMBERS, resources, NOW)
    advances = [_approve(first, 0, 600_000), _approve(second, 0, 600_000)]
    assert needs(advances, docket).fund
    with pytest.raises(Rejected, match="4000.00 EUR available in the revolving fund"):
        _session().hold(advances, docket, MEMBERS, _resources(advances=5_000_000), NOW)
    with pytest.raises(NotFound, match="not on the committee's docket"):
        _session().hold(votes, {first: docket[first]}, MEMBERS, _resources(), NOW)


def test_a_session_is_planned_with_members_of_its_territory() -> None:
    other = Member(uuid4(), "gard-cevennes")
    planned = Session.plan(uuid4(), "indre", date(2026, 4, 14), 2, [A, B], MEMBERS)
    assert planned.member_ids == {A, B} and planned.held_at is None
    with pytest.raises(Rejected, match="unknown committee members"):
        Session.plan(uuid4(), "indre", date(2026, 4, 14), 2, [A, uuid4()], MEMBERS)
    with pytest.raises(Rejected, match="sit on another territory's committee"):
        Session.plan(uuid4(), "indre", date(2026, 4, 14), 2, [A, other.id], {A: MEMBERS[A], other.id: other})


def test_a_tie_is_to_a_firm_or_to_a_partner() -> None:
    assert Tie(" 404 833 048 ", None).normalised().firm_id == "404833048"
    for firm_id, partner_id in ((None, None), ("404833048", PARTNER)):
        with pytest.raises(Rejected, match="exactly one of firm_id or partner_id"):
            Tie(firm_id, partner_id)
