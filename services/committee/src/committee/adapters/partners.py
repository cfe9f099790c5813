"""Partner companies, their sites (and their contact, personal data kept here), the
capacity they offer and the days assigned to them."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any
from uuid import UUID

import asyncpg
from alize_chassis.access import Target
from alize_chassis.db import Conn

from committee.domain.partners import Capacity, CapacityOffer, Offer, Partner


async def add_partner(conn: Conn, partner: Partner, contact: dict[str, Any] | None) -> None:
    await conn.execute(
        "INSERT INTO partners (id, company_name, territory, contact_name, contact_email) VALUES ($1, $2, $3, $4, $5)",
        partner.id,
        partner.company_name,
        partner.territory,
        contact and contact["full_name"],
        contact and contact["email"],
    )
    await conn.executemany(
        "INSERT INTO partner_sites (id, partner_id, territory, city) VALUES ($1, $2, $3, $4)",
        [(site.id, partner.id, site.territory, site.city) for site in partner.sites],
    )


async def partner_with_site(conn: Conn, partner_id: UUID, site_id: UUID) -> tuple[str, bool] | None:
    """The partner's territory and whether `site_id` is one of its sites; None: no such partner."""
    row = await conn.fetchrow(
        """
        SELECT territory, EXISTS (SELECT 1 FROM partner_sites s WHERE s.id = $2 AND s.partner_id = p.id) AS site
        FROM partners p WHERE id = $1
        """,
        partner_id,
        site_id,
    )
    return (row["territory"], row["site"]) if row else None


async def erase_contact(conn: Conn, partner_id: UUID) -> bool:
    """The contact person's personal data removed; False: no such partner company."""
    erased = await conn.fetchval(
        "UPDATE partners SET contact_name = NULL, contact_email = NULL,"
        " contact_erased_at = coalesce(contact_erased_at, now()) WHERE id = $1 RETURNING true",
        partner_id,
    )
    return bool(erased)


async def partner_territory(conn: Conn, partner_id: UUID) -> str | None:
    territory: str | None = await conn.fetchval("SELECT territory FROM partners WHERE id = $1", partner_id)
    return territory


async def offer_competence(conn: Conn, offer: CapacityOffer) -> None:
    await conn.execute(
        """
        INSERT INTO partner_competences (partner_id, site_id, competence, year, capacity_days)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (partner_id, site_id, competence, year) DO UPDATE SET capacity_days = EXCLUDED.capacity_days
        """,
        offer.partner_id,
        offer.site_id,
        offer.competence,
        offer.year,
        offer.days,
    )


async def partners_for_update(conn: asyncpg.Connection, partner_ids: Collection[UUID]) -> frozenset[UUID]:
    """Those of `partner_ids` that are partners, locked (in one order): assignments to a partner
    are serialised, so its capacity is read once what the others assigned has committed."""
    rows = await conn.fetch("SELECT id FROM partners WHERE id = ANY($1) ORDER BY id FOR UPDATE", list(partner_ids))
    return frozenset(r["id"] for r in rows)


async def capacities(conn: Conn, wanted: Collection[tuple[UUID, str]], year: int) -> dict[tuple[UUID, str], Capacity]:
    """Each partner's capacity in `year` for a competence: offered, and assigned so far (after
    partners_for_update, in a statement of its own: the assignments committed meanwhile count)."""
    rows = await conn.fetch(
        """
        SELECT w.partner_id, w.competence,
               coalesce((SELECT sum(capacity_days) FROM partner_competences c
                         WHERE c.partner_id = w.partner_id AND c.competence = w.competence AND c.year = $3), 0)
                   AS offered,
               coalesce((SELECT sum(days) FROM assignments a
                         WHERE a.partner_id = w.partner_id AND a.competence = w.competence AND a.year = $3), 0)
                   AS assigned
        FROM unnest($1::uuid[], $2::text[]) AS w (partner_id, competence)
        """,
        [p for p, _ in wanted],
        [c for _, c in wanted],
        year,
    )
    return {(r["partner_id"], r["competence"]): Capacity(year=year, **dict(r)) for r in rows}


async def offers(conn: Conn, year: int, competences: Collection[str]) -> list[Offer]:
    """The partners' offers in `year` of one of `competences` with days left (those a suggestion keeps)."""
    rows = await conn.fetch(
        """
        SELECT p.id AS partner_id, p.company_name,
               (SELECT array_agg(DISTINCT s.territory) FROM partner_sites s WHERE s.partner_id = p.id) AS territories,
               o.competence, o.offered - coalesce(a.assigned, 0) AS remaining_days
        FROM partners p
        JOIN (SELECT partner_id, competence, sum(capacity_days) AS offered FROM partner_competences
              WHERE year = $1 AND competence = ANY($2) GROUP BY partner_id, competence) o ON o.partner_id = p.id
        LEFT JOIN (SELECT partner_id, competence, sum(days) AS assigned FROM assignments
                   WHERE year = $1 AND competence = ANY($2) GROUP BY partner_id, competence) a
               ON a.partner_id = p.id AND a.competence = o.competence
        WHERE o.offered - coalesce(a.assigned, 0) > 0
        """,
        year,
        list(competences),
    )
    return [Offer(**{**dict(r), "territories": frozenset(r["territories"])}) for r in rows]


async def partner_target(db: Conn, partner_id: str) -> Target | None:
    territory = await partner_territory(db, UUID(partner_id))
    return Target.of(territory, partner_id=partner_id) if territory else None
