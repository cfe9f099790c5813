"""A session held in the domain alone: which fields go with which outcome, what the decisions draw
on (counted across one session's decisions), the events raised, and planning a session."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from alize_chassis.errors import Conflict, Forbidden, NotFound, Rejected
from committee.domain.commands import Decision
from committee.domain.docket import Amendment, Approval, Assignment, Deferral, DocketEntry, Rejection
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


def test_a_member_votes_on_its_sessions_agenda_and_abstains_where_conflicted() -> None:
    tied = Member(uuid4(), "indre", firm_conflicts=frozenset({"40483304800006"}))  # a SIRET of the entry's firm
    session = replace(_session(), member_ids=frozenset({A, B, tied.id}))
    entry = _entry(uuid4())
    ballot = session.cast(entry.application_id, entry, MEMBERS[A], "approve", NOW)
    assert (ballot.session_id, ballot.member_id, ballot.choice, ballot.cast_at) == (session.id, A, "approve", NOW)
    assert session.cast(entry.application_id, entry, tied, "abstain", NOW).choice == "abstain"
    with pytest.raises(
        Rejected, match=r"is conflicted on application .*tied to the firm 404833048\): they can only abstain"
    ):
        session.cast(entry.application_id, entry, tied, "reject", NOW)
    with pytest.raises(Forbidden, match="only the members sitting in session"):
        session.cast(entry.application_id, entry, Member(uuid4(), "indre"), "approve", NOW)
    with pytest.raises(NotFound, match="not on the agenda"):
        session.cast(entry.application_id, None, MEMBERS[A], "approve", NOW)
    with pytest.raises(NotFound, match="not on the agenda"):  # another territory's: as if it were not there
        session.cast(entry.application_id, replace(entry, territory="gard-cevennes"), MEMBERS[A], "approve", NOW)
    for off, state in [({"status": "approved"}, "approved"), ({"eligible": None}, "not screened yet")]:
        with pytest.raises(Conflict, match=f"not on the agenda of session .*: it is {state}"):
            session.cast(entry.application_id, replace(entry, **off), MEMBERS[A], "approve", NOW)
    with pytest.raises(Conflict, match="already held"):
        replace(session, held_at=NOW).cast(entry.application_id, entry, MEMBERS[A], "approve", NOW)


def test_the_members_ballots_are_counted_with_the_voters_staff_names() -> None:
    c, d, e = (Member(uuid4(), "indre") for _ in range(3))
    partner_employee = Member(uuid4(), "indre", partner_id=PARTNER)
    sitting = {**MEMBERS, c.id: c, d.id: d, e.id: e, partner_employee.id: partner_employee}
    session = replace(_session(), member_ids=frozenset(sitting), quorum=3)
    entry = _entry(uuid4())
    approve = replace(_approve(entry.application_id, 2), voters=())
    defer = Vote(entry.application_id, Deferral("Forecast missing."))

    # Ballots alone, no one named: those who chose the outcome vote for it; abstentions count for nothing.
    ballots = {A: "approve", B: "approve", c.id: "approve", d.id: "abstain"}
    assert session.voters_of(entry, approve, ballots, sitting) == (A, B, c.id)  # type: ignore[arg-type]
    # Named on paper and by ballot alike: counted once, the named first.
    named = replace(approve, voters=(e.id, A))
    assert session.voters_of(entry, named, ballots, sitting) == (e.id, A, B, c.id)  # type: ignore[arg-type]
    # A member named for what their ballot did not choose (abstaining included) is refused.
    for voter, cast in [(d.id, "abstain"), (A, "approve")]:
        with pytest.raises(Rejected, match=f"member {voter} voted '{cast}' on application .*cannot count them"):
            session.voters_of(entry, replace(defer, voters=(voter,)), ballots, sitting)  # type: ignore[arg-type]
    # The ballots favour another outcome: the decision is refused, ties go to staff's decision.
    with pytest.raises(Rejected, match=r"favour 'approve' \(3 votes\) over 'defer' \(1\)"):
        session.voters_of(entry, replace(defer, voters=(e.id,)), ballots, sitting)  # type: ignore[arg-type]
    tie = {A: "approve", B: "defer"}
    assert session.voters_of(entry, defer, tie, sitting) == (B,)  # type: ignore[arg-type]
    # A ballot of a member conflicted on the decision (the partner it assigns employs them) is not counted.
    ballots = {A: "approve", B: "approve", partner_employee.id: "approve"}
    assert session.voters_of(entry, approve, ballots, sitting) == (A, B)  # type: ignore[arg-type]

    # Held: the quorum counts the ballots; below it, refused.
    held = session.hold(
        [approve],
        {entry.application_id: entry},
        sitting,
        _resources(),
        NOW,
        ballots={entry.application_id: {A: "approve", B: "approve", c.id: "approve"}},
    )
    assert held.decisions[0].voters == (A, B, c.id)
    # An amendment (of a project approved meanwhile) counts no ballot: those were cast on the agenda's item.
    amend = Vote(entry.application_id, Amendment((Assignment(PARTNER, "sales", Decimal(1)),)), (A, B, c.id))
    approved = replace(entry, status="approved")
    stale = {entry.application_id: {A: "approve", d.id: "approve", e.id: "reject"}}
    held = session.hold([amend], {entry.application_id: approved}, sitting, _resources(), NOW, ballots=stale)
    assert held.decisions[0].voters == (A, B, c.id)
    with pytest.raises(Rejected, match="no quorum .* 2 non-conflicted voters, the quorum is 3"):
        session.hold(
            [approve],
            {entry.application_id: entry},
            sitting,
            _resources(),
            NOW,
            ballots={entry.application_id: {A: "approve", B: "approve", partner_employee.id: "approve"}},
        )
