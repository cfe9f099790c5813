"""Committee sessions and who sits in them."""

from __future__ import annotations

from uuid import UUID

import asyncpg
from alize_chassis.access import Target
from alize_chassis.db import Conn

from committee.domain.commands import Choice
from committee.domain.sessions import Ballot, Session


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


async def _session(conn: Conn, session_id: UUID, lock: str) -> Session | None:
    row = await conn.fetchrow(
        f"SELECT id, territory, held_on, quorum, held_at FROM sessions WHERE id = $1 {lock}", session_id
    )
    if row is None:
        return None
    member_ids = await conn.fetch("SELECT member_id FROM session_members WHERE session_id = $1", session_id)
    return Session(member_ids=frozenset(r["member_id"] for r in member_ids), **dict(row))


async def session(conn: Conn, session_id: UUID) -> Session | None:
    return await _session(conn, session_id, "")


async def session_for_update(conn: asyncpg.Connection, session_id: UUID) -> Session | None:
    """The session, locked: one holding of it at a time."""
    return await _session(conn, session_id, "FOR UPDATE")


async def session_for_share(conn: asyncpg.Connection, session_id: UUID) -> Session | None:
    """The session, locked against its holding (not against other ballots): a ballot cast while the
    session is held waits for it, then finds it held."""
    return await _session(conn, session_id, "FOR SHARE")


async def save_ballot(conn: Conn, ballot: Ballot) -> None:
    """The member's ballot on the item, replacing the one they cast before."""
    await conn.execute(
        """
        INSERT INTO ballots (session_id, application_id, member_id, choice, cast_at) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (session_id, application_id, member_id) DO UPDATE SET choice = $4, cast_at = $5
        """,
        ballot.session_id,
        ballot.application_id,
        ballot.member_id,
        ballot.choice,
        ballot.cast_at,
    )


async def ballots(conn: Conn, session_id: UUID) -> dict[UUID, dict[UUID, Choice]]:
    """The session's ballots, by application then member."""
    cast: dict[UUID, dict[UUID, Choice]] = {}
    for row in await conn.fetch(
        "SELECT application_id, member_id, choice FROM ballots WHERE session_id = $1", session_id
    ):
        cast.setdefault(row["application_id"], {})[row["member_id"]] = row["choice"]
    return cast


async def save_held(conn: Conn, session: Session) -> None:
    await conn.execute("UPDATE sessions SET held_at = $2 WHERE id = $1", session.id, session.held_at)


async def session_target(db: Conn, session_id: str) -> Target | None:
    """A session belongs to its territory; each member sitting in it may see it."""
    row = await db.fetchrow(
        """
        SELECT s.territory, array_agg(m.member_id) FILTER (WHERE m.member_id IS NOT NULL) AS members
        FROM sessions s LEFT JOIN session_members m ON m.session_id = s.id WHERE s.id = $1 GROUP BY s.territory
        """,
        UUID(session_id),
    )
    return Target.of(row["territory"], member_id=list(row["members"] or [])) if row else None
