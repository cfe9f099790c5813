"""Sessions: planned with members of their territory, then held: a whole session's decisions
taken at once, against the calls' budgets, the revolving fund and the partners' capacity they
draw on (loaded and locked before the session decides), all or nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from uuid import UUID

from alize_chassis.errors import Conflict, Forbidden, NotFound, Rejected
from alize_contracts import Event
from alize_contracts.events import CommitteeSessionHeld, DecisionCounts

from committee.domain.commands import Choice, Decision
from committee.domain.docket import (
    DECIDABLE,
    Amendment,
    Approval,
    Assignment,
    Deferral,
    DocketEntry,
    Outcome,
    Rejection,
    half_days,
)
from committee.domain.funds import AdvanceFund, CallBudget
from committee.domain.members import Member
from committee.domain.partners import Capacity


@dataclass(frozen=True)
class Vote:
    """One decision as staff records it: `voters` are those it names (who voted on paper or in the
    room); the members' own ballots for the same choice are counted with them when the session is held."""

    application_id: UUID
    outcome: Outcome
    voters: tuple[UUID, ...] = ()

    @property
    def choice(self) -> str:
        """The outcome as a ballot names it (an amendment has no ballot: 'amend' matches none)."""
        return _CHOICES[type(self.outcome)]

    @classmethod
    def of(cls, decision: Decision) -> Vote:
        """A decision as asked: which fields go with which outcome is checked here."""
        return cls(decision.application_id, _outcome(decision), tuple(dict.fromkeys(decision.voters or ())))

    @classmethod
    def all_of(cls, decisions: Sequence[Decision]) -> list[Vote]:
        """A session's decisions as asked; a refusal names the one refused by its place in the request."""
        votes = []
        for index, decision in enumerate(decisions):
            try:
                votes.append(cls.of(decision))
            except Rejected as refused:
                raise Rejected(str(refused), location=f"body.decisions.{index}") from None
        return votes


_CHOICES = {Approval: "approve", Rejection: "reject", Deferral: "defer", Amendment: "amend"}


def _outcome(decision: Decision) -> Outcome:
    partners = tuple(Assignment(p.partner_id, p.competence, half_days(p.days)) for p in decision.partners)
    if decision.outcome == "approve":
        if decision.skill_days is None:
            raise Rejected("an approval needs skill_days (0 for an advance only)")
        if decision.reason is not None:
            raise Rejected("an approval takes no reason")
        return Approval(half_days(decision.skill_days), decision.advance_amount_cents, partners)
    if decision.outcome == "amend":
        amendment = Amendment(partners)
        if decision.skill_days is not None or decision.advance_amount_cents is not None or decision.reason is not None:
            raise Rejected("an amendment takes only partners (skill_days is their sum)")
        return amendment
    if not decision.reason:
        raise Rejected(f"to {decision.outcome} needs a reason")
    if decision.skill_days is not None or decision.partners or decision.advance_amount_cents is not None:
        raise Rejected(f"to {decision.outcome} takes no skill days, partners or advance")
    return Rejection(decision.reason) if decision.outcome == "reject" else Deferral(decision.reason)


# --- what decisions draw on ------------------------------------------------------------


@dataclass(frozen=True)
class Needs:
    """What a session's votes draw on, to load and lock before it decides."""

    calls: frozenset[UUID]
    fund: bool
    capacities: frozenset[tuple[UUID, str]]

    @property
    def partners(self) -> frozenset[UUID]:
        return frozenset(partner for partner, _ in self.capacities)


def needs(votes: Sequence[Vote], docket: Mapping[UUID, DocketEntry]) -> Needs:
    granting = [(v.application_id, o) for v in votes if isinstance(o := v.outcome, Approval | Amendment)]
    calls = {entry.call_id for app, _ in granting if (entry := docket.get(app)) and entry.call_id}
    advances = any(isinstance(o, Approval) and o.advance_amount_cents for _, o in granting)
    capacities = {(a.partner_id, a.competence) for _, o in granting for a in o.partners}
    return Needs(frozenset(calls), advances, frozenset(capacities))


@dataclass(frozen=True)
class Resources:
    """What approvals draw on, as loaded: the calls' budgets, the territory's revolving fund
    (None: no fund set, advances limited by the call only), the known partners and their
    capacity in the session's year by competence."""

    budgets: Mapping[UUID, CallBudget] = field(default_factory=dict)
    fund: AdvanceFund | None = None
    partners: frozenset[UUID] = frozenset()
    capacities: Mapping[tuple[UUID, str], Capacity] = field(default_factory=dict)

    def draw(self, entry: DocketEntry, outcome: Outcome) -> Resources:
        """What is left once `outcome` on `entry` is granted; refused if the call's budgets, the
        fund or a partner's capacity do not cover it."""
        if not isinstance(outcome, Approval | Amendment):
            return self
        skill_days = outcome.skill_days if isinstance(outcome, Approval) else outcome.additional_days
        advance = (outcome.advance_amount_cents or 0) if isinstance(outcome, Approval) else 0
        budgets = dict(self.budgets)
        if entry.call_id is not None:
            budget = budgets.get(entry.call_id)
            if budget is None:
                raise Rejected(f"call {entry.call_id} is not known to the committee yet; try again shortly")
            budgets[entry.call_id] = budget.grant(skill_days, advance)
        elif advance:
            raise Rejected("an advance needs a call with an advance fund; this application answers no call")
        fund = self.fund.grant(advance) if advance and self.fund is not None else self.fund
        capacities = dict(self.capacities)
        for assignment in outcome.partners:
            if assignment.partner_id not in self.partners:
                raise Rejected(f"partner {assignment.partner_id} is not a known partner company")
            key = (assignment.partner_id, assignment.competence)
            capacities[key] = capacities[key].assign(assignment.days)
        return replace(self, budgets=budgets, fund=fund, capacities=capacities)


# --- ballots ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ballot:
    """A member's own vote on one item of a session's agenda, cast (and changed) until the session is held."""

    session_id: UUID
    application_id: UUID
    member_id: UUID
    choice: Choice
    cast_at: datetime


# --- sessions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Decided:
    entry: DocketEntry
    """The entry's new state (an amendment leaves it as its approval did: see DocketEntry.decide)."""
    outcome: Outcome
    voters: tuple[UUID, ...]
    at: datetime
    """When the session decided: the decision's time in the history and in its events."""
    events: tuple[Event, ...]

    @property
    def kind(self) -> str:
        return "amended" if isinstance(self.outcome, Amendment) else self.entry.status


@dataclass(frozen=True)
class Held:
    """A session held: its decisions, and the event that says so (with their counts by kind)."""

    session: Session
    decisions: tuple[Decided, ...]
    event: CommitteeSessionHeld


@dataclass(frozen=True)
class Session:
    id: UUID
    territory: str
    held_on: date
    quorum: int
    member_ids: frozenset[UUID] = field(default_factory=frozenset)
    held_at: datetime | None = None

    @classmethod
    def plan(
        cls,
        id: UUID,
        territory: str,
        held_on: date,
        quorum: int,
        member_ids: Sequence[UUID],
        members: Mapping[UUID, Member],
    ) -> Session:
        """A session of `territory`'s committee; `members`: those of `member_ids` that exist."""
        if missing := [m for m in member_ids if m not in members]:
            raise Rejected(f"unknown committee members: {', '.join(map(str, missing))}")
        if others := [m.id for m in members.values() if m.territory != territory]:
            raise Rejected(f"members {', '.join(map(str, others))} sit on another territory's committee")
        return cls(id=id, territory=territory, held_on=held_on, quorum=quorum, member_ids=frozenset(member_ids))

    def check_open(self) -> None:
        if self.held_at is not None:
            raise Conflict(f"session {self.id} was already held: its decisions are recorded")

    def cast(
        self, application_id: UUID, entry: DocketEntry | None, member: Member | None, choice: Choice, at: datetime
    ) -> Ballot:
        """`member`'s ballot on `entry` (None: not on the docket), an item of this session's agenda; a member
        conflicted on the item's firm can only abstain (on a partner assigned by the decision, their ballot is
        not counted: see `voters_of`)."""
        self.check_open()
        if member is None or member.id not in self.member_ids:
            raise Forbidden(f"only the members sitting in session {self.id} vote in it")
        off_agenda = f"application {application_id} is not on the agenda of session {self.id}"
        if entry is None or entry.territory != self.territory:
            raise NotFound(off_agenda)
        if entry.status not in DECIDABLE:
            raise Conflict(f"{off_agenda}: it is {entry.status}")
        if not entry.eligible:
            raise Conflict(f"{off_agenda}: it is {'not screened yet' if entry.eligible is None else 'ineligible'}")
        if choice != "abstain" and (reason := member.conflict_with(entry.firm_id, ())):
            raise Rejected(
                f"member {member.id} is conflicted on application {application_id} ({reason}): they can only abstain"
            )
        return Ballot(self.id, application_id, member.id, choice, at)

    def voters_of(
        self, entry: DocketEntry, vote: Vote, ballots: Mapping[UUID, Choice], members: Mapping[UUID, Member]
    ) -> tuple[UUID, ...]:
        """Who voted for `vote` on `entry`: those it names and the members whose ballot (`ballots`: by
        member) chose it. Refused when a named voter's ballot chose otherwise or when the ballots favour
        another choice; the ballot of a member conflicted on the decision is not counted (they abstain)."""
        assigned = (
            [a.partner_id for a in vote.outcome.partners] if isinstance(vote.outcome, Approval | Amendment) else []
        )
        for voter in vote.voters:
            if (cast := ballots.get(voter, vote.choice)) != vote.choice:
                raise Rejected(
                    f"member {voter} voted '{cast}' on application {entry.application_id}: "
                    f"the decision cannot count them for '{vote.choice}'"
                )
        counted = {
            member: choice
            for member, choice in ballots.items()
            if choice != "abstain" and member in members and not members[member].conflict_with(entry.firm_id, assigned)
        }
        voters = tuple(dict.fromkeys([*vote.voters, *(m for m, c in counted.items() if c == vote.choice)]))
        others = Counter(c for c in counted.values() if c != vote.choice)
        if others and (leading := others.most_common(1)[0])[1] > len(voters):
            raise Rejected(
                f"the ballots on application {entry.application_id} favour '{leading[0]}' ({leading[1]} votes) "
                f"over '{vote.choice}' ({len(voters)})"
            )
        return voters

    def check_vote(
        self, entry: DocketEntry, outcome: Outcome, voters: Sequence[UUID], members: Mapping[UUID, Member]
    ) -> None:
        """Voters attend the session, none is conflicted, and they make the quorum."""
        strangers = [v for v in voters if v not in self.member_ids]
        if strangers:
            raise Rejected(f"voters {', '.join(map(str, strangers))} do not sit in session {self.id}")
        partners = [a.partner_id for a in outcome.partners] if isinstance(outcome, Approval | Amendment) else []
        for voter in voters:
            reason = members[voter].conflict_with(entry.firm_id, partners)
            if reason:
                raise Rejected(
                    f"member {voter} is conflicted on application {entry.application_id} ({reason}) and must abstain"
                )
        if len(set(voters)) < self.quorum:
            raise Rejected(
                f"no quorum on application {entry.application_id}: {len(set(voters))} non-conflicted voters, "
                f"the quorum is {self.quorum}"
            )

    def hold(
        self,
        votes: Sequence[Vote],
        docket: Mapping[UUID, DocketEntry],
        members: Mapping[UUID, Member],
        resources: Resources,
        at: datetime,
        decided_by: str | None = None,
        ballots: Mapping[UUID, Mapping[UUID, Choice]] | None = None,
    ) -> Held:
        """Every vote decided, in order, or none: the first refusal is raised. `docket`: the
        entries voted on (an entry missing is not on the docket); `members`: the session's; `decided_by`:
        who recorded the decisions (the opaque subject the events carry); `ballots`: the members' own, by
        application then member."""
        self.check_open()
        if len({v.application_id for v in votes}) != len(votes):
            raise Rejected("an application appears twice in the session's decisions")
        decisions = []
        for vote in votes:
            entry = docket.get(vote.application_id)
            if entry is None:
                raise NotFound(f"application {vote.application_id} is not on the committee's docket")
            entry.check_decidable(self.territory, vote.outcome)
            # Ballots are cast on the agenda's items; an amendment (of an approved project) has none.
            cast = {} if isinstance(vote.outcome, Amendment) else (ballots or {}).get(vote.application_id, {})
            voters = self.voters_of(entry, vote, cast, members)
            self.check_vote(entry, vote.outcome, voters, members)
            decided = entry.decide(vote.outcome, at)
            resources = resources.draw(entry, vote.outcome)
            events = tuple(decided.decision_events(vote.outcome, self.id, at, decided_by))
            decisions.append(Decided(decided, vote.outcome, voters, at, events))
        counted = Counter(d.kind for d in decisions)
        held = replace(self, held_at=at)
        event = CommitteeSessionHeld(
            territory=self.territory,
            session_id=self.id,
            held_on=self.held_on,
            quorum=self.quorum,
            members_present=len(self.member_ids),
            decisions=DecisionCounts.model_validate({kind: counted[kind] for kind in DecisionCounts.model_fields}),
        )
        return Held(held, tuple(decisions), event)
