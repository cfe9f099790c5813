from datetime import UTC, datetime
from uuid import uuid4

import pytest
from alize_chassis.errors import Conflict, Rejected
from committee.domain import Approval, DocketEntry, Rejection

NOW = datetime(2026, 4, 14, 16, tzinfo=UTC)


def _entry(programme: str = "skill_sponsorship") -> DocketEntry:
    return DocketEntry(
        application_id=uuid4(),
        territory="indre",
        programme=programme,
        firm_id="404833048",
        jobs_planned_created=1,
        jobs_planned_maintained=2,
        status="pending",
    )


def test_approval_and_rejection_decide_a_pending_entry() -> None:
    approved = _entry().decide(Approval(skill_days=3, advance_amount_cents=None), NOW)
    assert (approved.status, approved.decided_at) == ("approved", NOW)
    assert _entry().decide(Rejection(reason="out of scope"), NOW).status == "rejected"


def test_deciding_twice_is_a_conflict() -> None:
    decided = _entry().decide(Rejection(reason="out of scope"), NOW)
    with pytest.raises(Conflict, match="already rejected"):
        decided.decide(Approval(skill_days=1, advance_amount_cents=None), NOW)


def test_a_skill_sponsorship_approval_grants_something() -> None:
    with pytest.raises(Rejected, match="skill days, an advance"):
        _entry().decide(Approval(skill_days=0, advance_amount_cents=None), NOW)
    assert _entry().decide(Approval(skill_days=0, advance_amount_cents=500_000), NOW).status == "approved"
    assert _entry("self_employment").decide(Approval(skill_days=0, advance_amount_cents=None), NOW)
