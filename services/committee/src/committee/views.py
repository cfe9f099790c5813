"""What the committee's HTTP API shows: read models and the queries behind them (reads only)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from alize_chassis.db import Conn
from alize_chassis.errors import NotFound
from alize_contracts.events import DecisionCounts
from pydantic import BaseModel, Field

from committee.adapters import docket, funds, partners, sessions
from committee.adapters.docket import ENTRY_COLUMNS
from committee.domain.commands import Choice, CompetenceOffer, ConflictOfInterest
from committee.domain.funds import AdvanceFund
from committee.domain.members import Member, Tie
from committee.domain.partners import CapacityOffer, Partner, suggest
from committee.domain.sessions import Ballot, Held, Session

# --- members -------------------------------------------------------------------------


async def the_member(_: Conn, member: Member) -> dict[str, UUID]:
    return {"member_id": member.id}


async def the_tie(_: Conn, tie: Tie) -> ConflictOfInterest:
    return ConflictOfInterest(firm_id=tie.firm_id, partner_id=tie.partner_id)


# --- sessions --------------------------------------------------------------------------


class SessionView(BaseModel):
    session_id: UUID
    territory: str
    held_on: date
    quorum: int
    member_ids: list[UUID]
    held_at: datetime | None


def session_view(found: Session) -> SessionView:
    return SessionView(
        session_id=found.id,
        territory=found.territory,
        held_on=found.held_on,
        quorum=found.quorum,
        member_ids=sorted(found.member_ids),
        held_at=found.held_at,
    )


async def the_session(_: Conn, planned: Session) -> SessionView:
    return session_view(planned)


async def _session(conn: Conn, session_id: UUID) -> Session:
    found = await sessions.session(conn, session_id)
    if found is None:
        raise NotFound(f"no committee session {session_id}")
    return found


async def session(conn: Conn, session_id: UUID) -> SessionView:
    return session_view(await _session(conn, session_id))


class VotersView(BaseModel):
    application_id: UUID
    decision: str = Field(description="approved, rejected, deferred or amended.")
    voters: list[UUID] = Field(description="Who voted for it: the members named and those whose ballot chose it.")


class SessionDecided(BaseModel):
    session_id: UUID
    decisions: DecisionCounts
    votes: list[VotersView] = Field(default_factory=list)  # absent from answers stored before it was added


async def the_decisions(_: Conn, held: Held) -> SessionDecided:
    votes = [
        VotersView(application_id=d.entry.application_id, decision=d.kind, voters=list(d.voters))
        for d in held.decisions
    ]
    return SessionDecided(session_id=held.session.id, decisions=held.event.decisions, votes=votes)


class BallotView(BaseModel):
    session_id: UUID
    application_id: UUID
    member_id: UUID
    choice: Choice
    cast_at: datetime


async def the_ballot(_: Conn, ballot: Ballot) -> BallotView:
    return BallotView(**vars(ballot))


async def ballots(conn: Conn, session_id: UUID, member_id: UUID | None) -> list[BallotView]:
    """The session's ballots, or only `member_id`'s."""
    rows = await conn.fetch(
        """
        SELECT session_id, application_id, member_id, choice, cast_at FROM ballots
        WHERE session_id = $1 AND ($2::uuid IS NULL OR member_id = $2) ORDER BY application_id, cast_at
        """,
        session_id,
        member_id,
    )
    return [BallotView.model_validate(dict(r)) for r in rows]


# --- the docket ------------------------------------------------------------------------


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


_COLUMNS = f"{ENTRY_COLUMNS}, skill_days, advance_amount_cents, rejection_reason"
_DOCKET = f"SELECT {_COLUMNS} FROM docket"


async def docket_entries(conn: Conn, territory: str | None, status: str | None) -> list[DocketEntryView]:
    rows = await conn.fetch(
        f"""
        {_DOCKET} WHERE ($1::text IS NULL OR territory = $1) AND ($2::text IS NULL OR status = $2)
        ORDER BY submitted_at
        """,
        territory,
        status,
    )
    return [DocketEntryView.model_validate(dict(r)) for r in rows]


async def agenda(conn: Conn, session_id: UUID) -> list[DocketEntryView]:
    """Eligible applications of the session's territory awaiting a decision (deferred ones included)."""
    rows = await conn.fetch(  # one row with NULL entry columns for a session with an empty agenda; none: no session
        f"""
        SELECT d.* FROM sessions s
        LEFT JOIN LATERAL (
            SELECT {_COLUMNS}, submitted_at FROM docket
            WHERE territory = s.territory AND eligible AND status IN ('pending', 'deferred')
        ) d ON true
        WHERE s.id = $1
        ORDER BY d.submitted_at
        """,
        session_id,
    )
    if not rows:
        raise NotFound(f"no committee session {session_id}")
    return [DocketEntryView.model_validate(dict(r)) for r in rows if r["application_id"] is not None]


# --- the revolving fund of advances ------------------------------------------------


class FundView(BaseModel):
    territory: str
    fund_cents: int
    granted_cents: int
    repaid_cents: int
    available_cents: int = Field(description="fund - granted + repaid: repayments refill it, write-offs do not.")


def fund_view(found: AdvanceFund) -> FundView:
    return FundView(
        territory=found.territory,
        fund_cents=found.fund_cents,
        granted_cents=found.granted_cents,
        repaid_cents=found.repaid_cents,
        available_cents=found.available_cents,
    )


async def the_fund(_: Conn, found: AdvanceFund) -> FundView:
    return fund_view(found)


async def fund(conn: Conn, territory: str) -> FundView:
    found = await funds.fund(conn, territory)
    if found is None:
        raise NotFound(f"no revolving fund is set for {territory}")
    return fund_view(found)


# --- partners --------------------------------------------------------------------------


class SiteView(BaseModel):
    site_id: UUID
    territory: str
    city: str | None


class PartnerAdded(BaseModel):
    partner_id: UUID
    sites: list[SiteView]


async def the_partner(_: Conn, partner: Partner) -> PartnerAdded:
    sites = [SiteView(site_id=s.id, territory=s.territory, city=s.city) for s in partner.sites]
    return PartnerAdded(partner_id=partner.id, sites=sites)


async def the_offer(_: Conn, offer: CapacityOffer) -> CompetenceOffer:
    return CompetenceOffer(
        site_id=offer.site_id, competence=offer.competence, year=offer.year, yearly_capacity_days=float(offer.days)
    )


async def partner_list(conn: Conn, territory: str | None) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT p.id AS partner_id, p.company_name, p.territory,
               coalesce((SELECT json_agg(json_build_object('site_id', s.id, 'territory', s.territory, 'city', s.city))
                         FROM partner_sites s WHERE s.partner_id = p.id), '[]') AS sites,
               coalesce((SELECT json_agg(json_build_object('site_id', c.site_id, 'competence', c.competence,
                                                           'year', c.year, 'capacity_days', c.capacity_days))
                         FROM partner_competences c WHERE c.partner_id = p.id), '[]') AS competences
        FROM partners p
        WHERE $1::text IS NULL OR p.territory = $1
           OR EXISTS (SELECT 1 FROM partner_sites s WHERE s.partner_id = p.id AND s.territory = $1)
        ORDER BY p.company_name
        """,
        territory,
    )
    return [dict(r) for r in rows]


class SuggestionView(BaseModel):
    partner_id: UUID
    company_name: str
    competences: list[str]
    remaining_days: float
    same_territory: bool


async def suggestions(conn: Conn, application_id: UUID, year: int) -> list[SuggestionView]:
    entry = await docket.entry(conn, application_id)
    if entry is None:
        raise NotFound(f"application {application_id} is not on the committee's docket")
    return [
        SuggestionView(
            partner_id=s.partner_id,
            company_name=s.company_name,
            competences=list(s.competences),
            remaining_days=float(s.remaining_days),
            same_territory=s.same_territory,
        )
        for s in suggest(entry.skills_needed, entry.territory, await partners.offers(conn, year, entry.skills_needed))
    ]
