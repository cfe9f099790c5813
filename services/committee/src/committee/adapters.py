"""Persistence of the committee's data and the mapping of its facts to contract events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeAlias
from uuid import UUID

import asyncpg
from alize_contracts import ApplicationSubmitted, Jobs, ProjectApproved, ProjectRejected
from alize_contracts.events import (
    AdvanceGranted,
    AdvanceRepaymentReceived,
    ApplicationScreened,
    CallOpened,
    CommitteeSessionHeld,
    CompetenceOffered,
    DecisionCounts,
    PartnerAssignment,
    PartnerJoined,
    PartnerSite,
    ProjectAmended,
    ProjectDeferred,
)

from committee.domain import (
    AdvanceFund,
    Amendment,
    Approval,
    Assignment,
    CallBudget,
    Capacity,
    Deferral,
    DocketEntry,
    Member,
    Offer,
    Outcome,
    Rejection,
    Session,
)

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool

# --- docket (from intake's events) ---------------------------------------------------


async def add_from_submission(conn: Conn, event: ApplicationSubmitted, trace_context: dict[str, str]) -> None:
    await conn.execute(
        """
        INSERT INTO docket (application_id, territory, programme, firm_id, jobs_planned_created,
            jobs_planned_maintained, submitted_at, trace_context, call_id, skills_needed, advance_requested_cents,
            baseline_headcount)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        ON CONFLICT (application_id) DO NOTHING
        """,
        event.application_id,
        event.territory,
        event.programme,
        event.firm_id,
        event.jobs_planned.created,
        event.jobs_planned.maintained,
        event.submitted_at,
        trace_context,
        event.call_id,
        event.skills_needed,
        event.advance_requested_cents,
        event.baseline_headcount,
    )


async def record_screening(conn: Conn, event: ApplicationScreened) -> None:
    await conn.execute(
        "UPDATE docket SET eligible = $2, screening_reasons = $3 WHERE application_id = $1",
        event.application_id,
        event.eligible,
        event.reasons,
    )


async def record_withdrawal(conn: Conn, application_id: UUID) -> None:
    await conn.execute(
        "UPDATE docket SET status = 'withdrawn' WHERE application_id = $1 AND status IN ('pending', 'deferred')",
        application_id,
    )


_ENTRY = (
    "application_id, territory, programme, firm_id, jobs_planned_created, jobs_planned_maintained, call_id, "
    "skills_needed, eligible, screening_reasons, status, decided_at, baseline_headcount"
)


def _entry(row: asyncpg.Record | dict[str, Any]) -> DocketEntry:
    values = dict(row)
    values["skills_needed"] = tuple(values["skills_needed"])
    values["screening_reasons"] = tuple(values["screening_reasons"])
    return DocketEntry(**values)


async def entry_for_update(conn: Conn, application_id: UUID) -> tuple[DocketEntry, dict[str, str]] | None:
    row = await conn.fetchrow(
        f"SELECT {_ENTRY}, trace_context FROM docket WHERE application_id = $1 FOR UPDATE", application_id
    )
    if row is None:
        return None
    values = dict(row)
    journey = values.pop("trace_context")
    return _entry(values), journey


async def entry(conn: Conn, application_id: UUID) -> DocketEntry | None:
    row = await conn.fetchrow(f"SELECT {_ENTRY} FROM docket WHERE application_id = $1", application_id)
    return _entry(row) if row else None


async def save_decision(
    conn: Conn, decided: DocketEntry, outcome: Outcome, session: Session, voters: Sequence[UUID]
) -> None:
    """The docket's new state, the decision in the history, and the partners' days."""
    days: Decimal | None = None
    advance = reason = None
    partners: tuple[Assignment, ...] = ()
    if isinstance(outcome, Amendment):
        kind, days, partners = "amended", outcome.additional_days, outcome.partners
        await conn.execute(
            "UPDATE docket SET skill_days = coalesce(skill_days, 0) + $2 WHERE application_id = $1",
            decided.application_id,
            days,
        )
    else:
        kind = decided.status
        if isinstance(outcome, Approval):
            days, advance, partners = outcome.skill_days, outcome.advance_amount_cents, outcome.partners
        else:
            reason = outcome.reason
        await conn.execute(
            """
            UPDATE docket SET status = $2, decided_at = $3, skill_days = $4, advance_amount_cents = $5,
                rejection_reason = $6
            WHERE application_id = $1
            """,
            decided.application_id,
            decided.status,
            decided.decided_at,
            days,
            advance,
            reason if isinstance(outcome, Rejection) else None,
        )
    await conn.execute(
        """
        INSERT INTO decisions (application_id, session_id, outcome, decided_at, voters, skill_days,
            advance_amount_cents, reason)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """,
        decided.application_id,
        session.id,
        kind,
        decided.decided_at,
        list(voters),
        days,
        advance,
        reason,
    )
    await conn.executemany(
        """
        INSERT INTO assignments (application_id, partner_id, competence, year, days) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (application_id, partner_id, competence, year) DO UPDATE SET days = assignments.days + EXCLUDED.days
        """,
        [(decided.application_id, a.partner_id, a.competence, session.held_on.year, a.days) for a in partners],
    )


async def list_entries(conn: Conn, territory: str | None, status: str | None) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"""
        SELECT {_ENTRY}, skill_days, advance_amount_cents, rejection_reason FROM docket
        WHERE ($1::text IS NULL OR territory = $1) AND ($2::text IS NULL OR status = $2)
        ORDER BY submitted_at
        """,
        territory,
        status,
    )
    return [dict(r) for r in rows]


async def agenda(conn: Conn, territory: str) -> list[dict[str, Any]]:
    """Eligible applications of the territory awaiting a decision (deferred ones included)."""
    rows = await conn.fetch(
        f"""
        SELECT {_ENTRY}, skill_days, advance_amount_cents, rejection_reason FROM docket
        WHERE territory = $1 AND eligible AND status IN ('pending', 'deferred') ORDER BY submitted_at
        """,
        territory,
    )
    return [dict(r) for r in rows]


# --- calls ---------------------------------------------------------------------------


async def add_call(conn: Conn, event: CallOpened) -> None:
    await conn.execute(
        """
        INSERT INTO calls (id, territory, programme, skill_days_budget, advances_budget_cents)
        VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING
        """,
        event.call_id,
        event.territory,
        event.programme,
        Decimal(str(event.skill_days_budget)),
        event.advances_budget_cents,
    )


async def close_call(conn: Conn, call_id: UUID, at: datetime) -> None:
    await conn.execute("UPDATE calls SET closed_at = $2 WHERE id = $1", call_id, at)


async def call_budget(conn: Conn, call_id: UUID) -> CallBudget | None:
    """The call's budgets and what approvals have granted so far (locks the call row)."""
    row = await conn.fetchrow(
        """
        SELECT c.id AS call_id, c.skill_days_budget, c.advances_budget_cents,
               coalesce(sum(d.skill_days) FILTER (WHERE d.status = 'approved'), 0) AS skill_days_granted,
               coalesce(sum(d.advance_amount_cents) FILTER (WHERE d.status = 'approved'), 0)::bigint
                   AS advances_granted_cents
        FROM calls c LEFT JOIN docket d ON d.call_id = c.id
        WHERE c.id = $1 GROUP BY c.id
        """,
        call_id,
    )
    return CallBudget(**dict(row)) if row else None


async def lock_call(conn: Conn, call_id: UUID) -> None:
    """Serialise approvals against one call's budget."""
    await conn.execute("SELECT 1 FROM calls WHERE id = $1 FOR UPDATE", call_id)


async def set_fund(conn: Conn, territory: str, fund_cents: int) -> None:
    await conn.execute(
        """
        INSERT INTO advance_funds (territory, fund_cents) VALUES ($1, $2)
        ON CONFLICT (territory) DO UPDATE SET fund_cents = EXCLUDED.fund_cents
        """,
        territory,
        fund_cents,
    )


async def fund(conn: Conn, territory: str) -> AdvanceFund | None:
    """The territory's revolving fund (locks it, so approvals draw on it one at a time)."""
    row = await conn.fetchrow(
        """
        SELECT f.territory, f.fund_cents,
               (SELECT coalesce(sum(advance_amount_cents), 0) FROM docket
                WHERE territory = f.territory AND status = 'approved')::bigint AS granted_cents,
               (SELECT coalesce(sum(amount_cents), 0) FROM advance_repayments
                WHERE territory = f.territory)::bigint AS repaid_cents
        FROM advance_funds f WHERE f.territory = $1 FOR UPDATE OF f
        """,
        territory,
    )
    return AdvanceFund(**dict(row)) if row else None


async def record_repayment(conn: Conn, event: AdvanceRepaymentReceived) -> None:
    await conn.execute(
        """
        INSERT INTO advance_repayments (repayment_id, application_id, territory, amount_cents)
        VALUES ($1, $2, $3, $4) ON CONFLICT (repayment_id) DO NOTHING
        """,
        event.repayment_id,
        event.application_id,
        event.territory,
        event.amount_cents,
    )


# --- members and sessions ------------------------------------------------------------


async def add_member(conn: Conn, member_id: UUID, territory: str, details: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO members (id, territory, full_name, email, organisation, partner_id)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        member_id,
        territory,
        details["full_name"],
        details["email"],
        details.get("organisation"),
        details.get("partner_id"),
    )


async def member_exists(conn: Conn, member_id: UUID) -> bool:
    return bool(await conn.fetchval("SELECT true FROM members WHERE id = $1", member_id))


async def add_conflict(conn: Conn, member_id: UUID, firm_id: str | None, partner_id: UUID | None) -> None:
    await conn.execute(
        "INSERT INTO member_conflicts (member_id, firm_id, partner_id) VALUES ($1, $2, $3)",
        member_id,
        firm_id,
        partner_id,
    )


async def members(conn: Conn, member_ids: Sequence[UUID]) -> dict[UUID, Member]:
    rows = await conn.fetch(
        """
        SELECT m.id, m.territory, m.partner_id,
               array_remove(array_agg(c.firm_id), NULL) AS firms,
               array_remove(array_agg(c.partner_id), NULL) AS partners
        FROM members m LEFT JOIN member_conflicts c ON c.member_id = m.id
        WHERE m.id = ANY($1) GROUP BY m.id
        """,
        list(member_ids),
    )
    return {
        r["id"]: Member(
            id=r["id"],
            territory=r["territory"],
            partner_id=r["partner_id"],
            firm_conflicts=frozenset(r["firms"]),
            partner_conflicts=frozenset(r["partners"]),
        )
        for r in rows
    }


async def add_session(conn: Conn, session: Session) -> None:
    await conn.execute(
        "INSERT INTO sessions (id, territory, held_on, quorum) VALUES ($1, $2, $3, $4)",
        session.id,
        session.territory,
        session.held_on,
        session.quorum,
    )
    await conn.executemany(
        "INSERT INTO session_members (session_id, member_id) VALUES ($1, $2)",
        [(session.id, m) for m in session.member_ids],
    )


async def session(conn: Conn, session_id: UUID, *, for_update: bool = False) -> Session | None:
    row = await conn.fetchrow(
        "SELECT id, territory, held_on, quorum, held_at FROM sessions WHERE id = $1"
        + (" FOR UPDATE" if for_update else ""),
        session_id,
    )
    if row is None:
        return None
    member_ids = await conn.fetch("SELECT member_id FROM session_members WHERE session_id = $1", session_id)
    return Session(member_ids=frozenset(r["member_id"] for r in member_ids), **dict(row))


async def mark_held(conn: Conn, session_id: UUID, at: datetime) -> None:
    await conn.execute("UPDATE sessions SET held_at = $2 WHERE id = $1", session_id, at)


# --- partners ------------------------------------------------------------------------


async def add_partner(
    conn: Conn,
    partner_id: UUID,
    company_name: str,
    territory: str,
    contact: dict[str, Any] | None,
    sites: Sequence[tuple[UUID, str, str | None]],
) -> None:
    await conn.execute(
        "INSERT INTO partners (id, company_name, territory, contact_name, contact_email) VALUES ($1, $2, $3, $4, $5)",
        partner_id,
        company_name,
        territory,
        contact and contact["full_name"],
        contact and contact["email"],
    )
    await conn.executemany(
        "INSERT INTO partner_sites (id, partner_id, territory, city) VALUES ($1, $2, $3, $4)",
        [(site_id, partner_id, site_territory, city) for site_id, site_territory, city in sites],
    )


async def partner_site(conn: Conn, partner_id: UUID, site_id: UUID) -> str | None:
    """The site's territory, if the site is the partner's."""
    territory: str | None = await conn.fetchval(
        "SELECT territory FROM partner_sites WHERE id = $1 AND partner_id = $2", site_id, partner_id
    )
    return territory


async def partner_territory(conn: Conn, partner_id: UUID) -> str | None:
    territory: str | None = await conn.fetchval("SELECT territory FROM partners WHERE id = $1", partner_id)
    return territory


async def offer_competence(
    conn: Conn, partner_id: UUID, site_id: UUID, competence: str, year: int, days: Decimal
) -> None:
    await conn.execute(
        """
        INSERT INTO partner_competences (partner_id, site_id, competence, year, capacity_days)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (partner_id, site_id, competence, year) DO UPDATE SET capacity_days = EXCLUDED.capacity_days
        """,
        partner_id,
        site_id,
        competence,
        year,
        days,
    )


async def capacity(conn: Conn, partner_id: UUID, competence: str, year: int) -> Capacity:
    row = await conn.fetchrow(
        """
        SELECT coalesce((SELECT sum(capacity_days) FROM partner_competences
                         WHERE partner_id = $1 AND competence = $2 AND year = $3), 0) AS offered,
               coalesce((SELECT sum(days) FROM assignments
                         WHERE partner_id = $1 AND competence = $2 AND year = $3), 0) AS assigned
        """,
        partner_id,
        competence,
        year,
    )
    return Capacity(partner_id=partner_id, competence=competence, year=year, **dict(row))


async def lock_partner(conn: Conn, partner_id: UUID) -> bool:
    return bool(await conn.fetchval("SELECT true FROM partners WHERE id = $1 FOR UPDATE", partner_id))


async def offers(conn: Conn, year: int) -> list[Offer]:
    rows = await conn.fetch(
        """
        SELECT p.id AS partner_id, p.company_name,
               (SELECT array_agg(DISTINCT s.territory) FROM partner_sites s WHERE s.partner_id = p.id) AS territories,
               o.competence, o.offered - coalesce(a.assigned, 0) AS remaining_days
        FROM partners p
        JOIN (SELECT partner_id, competence, sum(capacity_days) AS offered FROM partner_competences
              WHERE year = $1 GROUP BY partner_id, competence) o ON o.partner_id = p.id
        LEFT JOIN (SELECT partner_id, competence, sum(days) AS assigned FROM assignments
                   WHERE year = $1 GROUP BY partner_id, competence) a
               ON a.partner_id = p.id AND a.competence = o.competence
        """,
        year,
    )
    return [Offer(**{**dict(r), "territories": frozenset(r["territories"])}) for r in rows]


async def list_partners(conn: Conn, territory: str | None) -> list[dict[str, Any]]:
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


# --- events ----------------------------------------------------------------------------


def decision_events(entry: DocketEntry, outcome: Outcome, session: Session) -> list[Any]:
    assert entry.decided_at is not None
    common: dict[str, Any] = {
        "territory": entry.territory,
        "application_id": entry.application_id,
        "programme": entry.programme,
    }
    if isinstance(outcome, Approval):
        events: list[Any] = [
            ProjectApproved(
                **common,
                firm_id=entry.firm_id,
                decided_at=entry.decided_at,
                skill_days_contracted=float(outcome.skill_days),
                advance_amount_cents=outcome.advance_amount_cents,
                jobs_planned=Jobs(created=entry.jobs_planned_created, maintained=entry.jobs_planned_maintained),
                session_id=session.id,
                call_id=entry.call_id,
                baseline_headcount=entry.baseline_headcount,
                partners=[
                    PartnerAssignment(partner_id=a.partner_id, competence=a.competence, days=float(a.days))
                    for a in outcome.partners
                ],
            )
        ]
        if outcome.advance_amount_cents:
            events.append(
                AdvanceGranted(
                    territory=entry.territory,
                    application_id=entry.application_id,
                    firm_id=entry.firm_id,
                    call_id=entry.call_id,
                    session_id=session.id,
                    granted_at=entry.decided_at,
                    amount_cents=outcome.advance_amount_cents,
                )
            )
        return events
    if isinstance(outcome, Amendment):
        return [
            ProjectAmended(
                **common,
                session_id=session.id,
                decided_at=entry.decided_at,
                additional_skill_days=float(outcome.additional_days),
                partners=[
                    PartnerAssignment(partner_id=a.partner_id, competence=a.competence, days=float(a.days))
                    for a in outcome.partners
                ],
            )
        ]
    if isinstance(outcome, Rejection):
        return [ProjectRejected(**common, decided_at=entry.decided_at, reason=outcome.reason, session_id=session.id)]
    assert isinstance(outcome, Deferral)
    return [ProjectDeferred(**common, decided_at=entry.decided_at, reason=outcome.reason, session_id=session.id)]


def session_held_event(session: Session, counts: dict[str, int]) -> CommitteeSessionHeld:
    return CommitteeSessionHeld(
        territory=session.territory,
        session_id=session.id,
        held_on=session.held_on,
        quorum=session.quorum,
        members_present=len(session.member_ids),
        decisions=DecisionCounts(**counts),
    )


def partner_joined_event(
    partner_id: UUID, company_name: str, territory: str, sites: Sequence[tuple[UUID, str, str | None]], at: datetime
) -> PartnerJoined:
    return PartnerJoined(
        territory=territory,
        partner_id=partner_id,
        company_name=company_name,
        joined_at=at,
        sites=[PartnerSite(site_id=site_id, territory=site_territory) for site_id, site_territory, _ in sites],
    )


def competence_offered_event(
    territory: str, partner_id: UUID, site_id: UUID, competence: str, year: int, days: Decimal
) -> CompetenceOffered:
    return CompetenceOffered(
        territory=territory,
        partner_id=partner_id,
        site_id=site_id,
        competence=competence,
        year=year,
        yearly_capacity_days=float(days),
    )


def assignments(raw: Sequence[dict[str, Any]]) -> tuple[Assignment, ...]:
    return tuple(
        Assignment(partner_id=a["partner_id"], competence=a["competence"], days=Decimal(str(a["days"]))) for a in raw
    )
