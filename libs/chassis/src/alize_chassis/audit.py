"""`GET /audit`: the commands a service ran and the personal data it served, who and when, newest first,
for the staff of a territory (and the platform's administrators). Rows are written by the command bus
(`alize_chassis.unit_of_work`), in each command's own transaction, and before a read of personal data is
served (a route whose rule says `personal_data()`: `alize_chassis.service`)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import asyncpg
from alize_contracts import Territory
from fastapi import Query, Request
from pydantic import BaseModel, Field

from alize_chassis.access import InQuery, Scope, allow

if TYPE_CHECKING:
    from alize_chassis.unit_of_work import Actor

RULE = allow(InQuery(), staff=Scope.TERRITORY, admin=Scope.TERRITORY)
"""Without `territory`, the log of every territory: the platform's administrators only."""


READ = "read"
"""What the log says of a read of personal data (the route and its path identifiers say which)."""


async def write(conn: asyncpg.Connection | asyncpg.Pool, actor: Actor, what: str) -> None:
    """One row: `actor` (who, with which grant, from which request) did `what` (a command's type, or READ)."""
    await conn.execute(
        """
        INSERT INTO audit_log (subject, acting_as, command, route, territory, target, trace_id)
        VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7)
        """,
        actor.subject,
        str(actor.grant) if actor.grant else None,
        what,
        actor.route,
        actor.territory,
        json.dumps(dict(actor.target)),
        actor.trace_id,
    )


class AuditEntry(BaseModel):
    id: int = Field(description="Increasing; pass the last one seen as `before` for the next page.")
    at: datetime
    subject: str = Field(description="The caller's opaque identifier at the identity provider (its `sub`).")
    acting_as: str | None = Field(description="The role and territory the caller acted with.")
    command: str = Field(description=f"The command's type, or `{READ}` for a read of personal data.")
    route: str | None
    territory: str | None
    target: dict[str, str] = Field(description="The identifiers in the request's path.")
    trace_id: str | None = Field(description="The request's trace, to follow it in a tracing tool.")


async def audit_log(
    request: Request,
    territory: Territory | None = None,
    before: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AuditEntry]:
    pool: asyncpg.Pool = request.app.state.runtime.pool
    rows = await pool.fetch(
        """
        SELECT id, at, subject, acting_as, command, route, territory, target::text AS target, trace_id
        FROM audit_log
        WHERE ($1::text IS NULL OR territory = $1) AND ($2::bigint IS NULL OR id < $2)
        ORDER BY id DESC LIMIT $3
        """,
        territory,
        before,
        limit,
    )
    return [AuditEntry(**{**dict(row), "target": json.loads(row["target"])}) for row in rows]
