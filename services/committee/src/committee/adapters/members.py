"""Committee members (their personal data stays here) and their conflicts of interest."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from alize_chassis.access import Target
from alize_chassis.db import Conn

from committee.domain.members import Member, Tie


async def add_member(conn: Conn, member: Member, *, full_name: str, email: str, organisation: str | None) -> None:
    await conn.execute(
        "INSERT INTO members (id, territory, full_name, email, organisation, partner_id)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        member.id,
        member.territory,
        full_name,
        email,
        organisation,
        member.partner_id,
    )


async def erase_member(conn: Conn, member_id: UUID) -> bool:
    """The member's personal data removed (their votes and ties stay, by id); False: no such member."""
    erased = await conn.fetchval(
        "UPDATE members SET full_name = NULL, email = NULL, organisation = NULL, erased_at = coalesce(erased_at, now())"
        " WHERE id = $1 RETURNING true",
        member_id,
    )
    return bool(erased)


async def member_exists(conn: Conn, member_id: UUID) -> bool:
    return bool(await conn.fetchval("SELECT true FROM members WHERE id = $1", member_id))


async def add_conflict(conn: Conn, member_id: UUID, tie: Tie) -> None:
    await conn.execute(
        "INSERT INTO member_conflicts (member_id, firm_id, partner_id) VALUES ($1, $2, $3)",
        member_id,
        tie.firm_id,
        tie.partner_id,
    )


async def members(conn: Conn, member_ids: Collection[UUID]) -> dict[UUID, Member]:
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


async def member_target(db: Conn, member_id: str) -> Target | None:
    territory = await db.fetchval("SELECT territory FROM members WHERE id = $1", UUID(member_id))
    return Target.of(territory, member_id=member_id) if territory else None
