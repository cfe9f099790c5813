"""HTTP API of the committee: members, sessions and their decisions, partners, docket."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

import asyncpg
from alize_chassis.api import Strict
from alize_chassis.service import pool
from alize_contracts import Territory
from alize_contracts.dates import PlannedDate
from alize_contracts.events import CapacityYear, Cents, CompanyName, CompetenceCode, HalfDays, Text
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, EmailStr, Field, model_validator

from committee import adapters, service_layer
from committee.domain import Amendment, Approval, Assignment, Deferral, Outcome, Rejection

router = APIRouter()
Pool = Annotated[asyncpg.Pool, Depends(pool)]
Members = Annotated[list[UUID], Field(min_length=1, max_length=100)]
"""Committee members, at most a hundred (a session's size)."""
Reason = Annotated[Text, Field(min_length=3)]


def _days(value: float) -> Decimal:
    """Half days, exact: the contracts carry them as JSON numbers (multiples of 0.5)."""
    return Decimal(str(value))


# --- members ---------------------------------------------------------------------------


class NewMember(Strict):
    territory: Territory
    full_name: Annotated[str, Field(min_length=1, max_length=200)]
    email: EmailStr
    organisation: Annotated[str, Field(max_length=200)] | None = None
    partner_id: UUID | None = Field(default=None, description="The partner company the member works for, if any.")


class ConflictOfInterest(Strict):
    """A member's tie to a firm or to a partner company: the member abstains on its projects."""

    firm_id: Annotated[str, Field(min_length=1, max_length=32)] | None = Field(
        default=None, description="SIREN, SIRET or Belgian enterprise number (normalised as in applications)."
    )
    partner_id: UUID | None = None

    @model_validator(mode="after")
    def one_tie(self) -> ConflictOfInterest:
        if (self.firm_id is None) == (self.partner_id is None):
            raise ValueError("give exactly one of firm_id or partner_id")
        return self


@router.post("/members", status_code=201, tags=["members"])
async def add_member(body: NewMember, db: Pool) -> dict[str, UUID]:
    async with db.acquire() as conn, conn.transaction():
        member_id = await service_layer.add_member(conn, body.territory, body.model_dump(exclude={"territory"}))
    return {"member_id": member_id}


@router.post("/members/{member_id}/conflicts", status_code=201, tags=["members"])
async def declare_conflict(member_id: UUID, body: ConflictOfInterest, db: Pool) -> ConflictOfInterest:
    async with db.acquire() as conn, conn.transaction():
        firm_id = await service_layer.declare_conflict(conn, member_id, body.firm_id, body.partner_id)
    return ConflictOfInterest(firm_id=firm_id, partner_id=body.partner_id)


# --- sessions --------------------------------------------------------------------------


class NewSession(Strict):
    territory: Territory
    held_on: PlannedDate
    quorum: Annotated[int, Field(ge=1, le=100)]
    member_ids: Members = Field(description="Members sitting in the session.")


class SessionView(BaseModel):
    session_id: UUID
    territory: str
    held_on: date
    quorum: int
    member_ids: list[UUID]
    held_at: datetime | None


class PartnerDays(Strict):
    partner_id: UUID
    competence: CompetenceCode
    days: Annotated[HalfDays, Field(gt=0)]


class Decision(Strict):
    application_id: UUID
    outcome: Literal["approve", "reject", "defer", "amend"] = Field(
        description="amend: more skill days for an approved project (partners: the additional days)."
    )
    voters: Members = Field(description="Members who voted; conflicted members abstain.")
    skill_days: HalfDays | None = Field(default=None, description="approve: skill days contracted.")
    partners: list[PartnerDays] = Field(
        default_factory=list, max_length=50, description="approve: who lends which skills."
    )
    advance_amount_cents: Annotated[Cents, Field(gt=0)] | None = None
    reason: Reason | None = Field(
        default=None, description="reject/defer: why (about the project, never about a person)."
    )

    @model_validator(mode="after")
    def fields_fit_outcome(self) -> Decision:
        if self.outcome == "approve":
            if self.skill_days is None:
                raise ValueError("an approval needs skill_days (0 for an advance only)")
            if self.reason is not None:
                raise ValueError("an approval takes no reason")
        elif self.outcome == "amend":
            if not self.partners:
                raise ValueError("an amendment needs partners with the additional days")
            if self.skill_days is not None or self.advance_amount_cents is not None or self.reason is not None:
                raise ValueError("an amendment takes only partners (skill_days is their sum)")
        else:
            if not self.reason:
                raise ValueError(f"to {self.outcome} needs a reason")
            if self.skill_days is not None or self.partners or self.advance_amount_cents is not None:
                raise ValueError(f"to {self.outcome} takes no skill days, partners or advance")
        return self

    def as_outcome(self) -> Outcome:
        assignments = tuple(Assignment(p.partner_id, p.competence, _days(p.days)) for p in self.partners)
        if self.outcome == "amend":
            return Amendment(assignments)
        if self.outcome == "approve":
            assert self.skill_days is not None
            return Approval(
                skill_days=_days(self.skill_days),
                advance_amount_cents=self.advance_amount_cents,
                partners=assignments,
            )
        assert self.reason is not None
        return Rejection(self.reason) if self.outcome == "reject" else Deferral(self.reason)


class SessionDecisions(Strict):
    decisions: list[Decision] = Field(min_length=1, max_length=200)


def _session_view(session: Any) -> SessionView:
    return SessionView(
        session_id=session.id,
        territory=session.territory,
        held_on=session.held_on,
        quorum=session.quorum,
        member_ids=sorted(session.member_ids),
        held_at=session.held_at,
    )


@router.post("/sessions", status_code=201, tags=["sessions"])
async def plan_session(body: NewSession, db: Pool) -> SessionView:
    async with db.acquire() as conn, conn.transaction():
        session = await service_layer.plan_session(conn, body.territory, body.held_on, body.quorum, body.member_ids)
    return _session_view(session)


@router.get("/sessions/{session_id}", tags=["sessions"])
async def get_session(session_id: UUID, db: Pool) -> SessionView:
    return _session_view(await service_layer.get_session(db, session_id))


class DocketEntryView(BaseModel):
    application_id: UUID
    territory: str
    programme: str
    firm_id: str | None
    call_id: UUID | None
    jobs_planned_created: int
    jobs_planned_maintained: int
    skills_needed: list[str]
    eligible: bool | None
    screening_reasons: list[str]
    status: str
    decided_at: datetime | None
    skill_days: float | None
    advance_amount_cents: int | None
    rejection_reason: str | None


@router.get("/sessions/{session_id}/agenda", tags=["sessions"])
async def agenda(session_id: UUID, db: Pool) -> list[DocketEntryView]:
    """Eligible applications of the session's territory awaiting a decision (deferred ones included)."""
    session = await service_layer.get_session(db, session_id)
    return [DocketEntryView.model_validate(e) for e in await adapters.agenda(db, session.territory)]


@router.post("/sessions/{session_id}/decisions", status_code=201, tags=["sessions"])
async def record_decisions(session_id: UUID, body: SessionDecisions, db: Pool) -> dict[str, Any]:
    """Record the session's decisions in one go: all are recorded, or none (4xx naming the first refusal)."""
    votes = [service_layer.Vote(d.application_id, d.as_outcome(), tuple(d.voters)) for d in body.decisions]
    async with db.acquire() as conn, conn.transaction():
        counts = await service_layer.record_session(conn, session_id, votes)
    return {"session_id": session_id, "decisions": counts}


@router.get("/docket", tags=["sessions"])
async def docket(
    db: Pool,
    territory: Territory | None = None,
    status: Annotated[Literal["pending", "approved", "rejected", "deferred", "withdrawn"] | None, Query()] = None,
) -> list[DocketEntryView]:
    return [DocketEntryView.model_validate(e) for e in await adapters.list_entries(db, territory, status)]


# --- the revolving fund of advances ------------------------------------------------


class Fund(Strict):
    fund_cents: Cents


class FundView(BaseModel):
    territory: str
    fund_cents: int
    granted_cents: int
    repaid_cents: int
    available_cents: int = Field(description="fund - granted + repaid: repayments refill it, write-offs do not.")


def _fund_view(fund: Any) -> FundView:
    return FundView(
        territory=fund.territory,
        fund_cents=fund.fund_cents,
        granted_cents=fund.granted_cents,
        repaid_cents=fund.repaid_cents,
        available_cents=fund.available_cents,
    )


@router.put("/territories/{territory}/advance-fund", tags=["advances"])
async def set_fund(territory: Territory, body: Fund, db: Pool) -> FundView:
    async with db.acquire() as conn, conn.transaction():
        return _fund_view(await service_layer.set_fund(conn, territory, body.fund_cents))


@router.get("/territories/{territory}/advance-fund", tags=["advances"])
async def get_fund(territory: Territory, db: Pool) -> FundView:
    return _fund_view(await service_layer.get_fund(db, territory))


# --- partners --------------------------------------------------------------------------


class Site(Strict):
    territory: Territory
    city: Annotated[str, Field(max_length=120)] | None = None


class PartnerContact(Strict):
    """Personal data: kept in the committee's database only."""

    full_name: Annotated[str, Field(min_length=1, max_length=200)]
    email: EmailStr


class NewPartner(Strict):
    company_name: CompanyName
    territory: Territory = Field(description="The territory whose network the company joins.")
    sites: list[Site] = Field(min_length=1, max_length=50)
    contact: PartnerContact | None = None


class CompetenceOffer(Strict):
    site_id: UUID
    competence: CompetenceCode
    year: CapacityYear
    yearly_capacity_days: HalfDays


@router.post("/partners", status_code=201, tags=["partners"])
async def add_partner(body: NewPartner, db: Pool) -> dict[str, Any]:
    async with db.acquire() as conn, conn.transaction():
        partner_id, sites = await service_layer.add_partner(
            conn,
            body.company_name,
            body.territory,
            body.contact.model_dump() if body.contact else None,
            [(s.territory, s.city) for s in body.sites],
        )
    return {"partner_id": partner_id, "sites": [{"site_id": i, "territory": t, "city": c} for i, t, c in sites]}


@router.post("/partners/{partner_id}/competences", status_code=201, tags=["partners"])
async def offer_competence(partner_id: UUID, body: CompetenceOffer, db: Pool) -> CompetenceOffer:
    async with db.acquire() as conn, conn.transaction():
        await service_layer.offer_competence(
            conn, partner_id, body.site_id, body.competence, body.year, _days(body.yearly_capacity_days)
        )
    return body


@router.get("/partners", tags=["partners"])
async def partners(db: Pool, territory: Territory | None = None) -> list[dict[str, Any]]:
    return await adapters.list_partners(db, territory)


class SuggestionView(BaseModel):
    partner_id: UUID
    company_name: str
    competences: list[str]
    remaining_days: float
    same_territory: bool


@router.get("/applications/{application_id}/partner-suggestions", tags=["partners"])
async def partner_suggestions(
    application_id: UUID, db: Pool, year: Annotated[CapacityYear | None, Query()] = None
) -> list[SuggestionView]:
    """Partners ranked for the application: same territory first, then overlap of needed and offered
    competences, then remaining capacity in `year` (default: this year)."""
    found = await service_layer.suggestions(db, application_id, year or datetime.now().year)
    return [
        SuggestionView(
            partner_id=s.partner_id,
            company_name=s.company_name,
            competences=list(s.competences),
            remaining_days=float(s.remaining_days),
            same_territory=s.same_territory,
        )
        for s in found
    ]
