"""`GET /audit`: the commands a service ran, who ran them and when, newest first, for the staff of
a territory (and the platform's administrators). Rows are written by the command bus
(`alize_chassis.unit_of_work`), in each command's own transaction."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import asyncpg
from alize_contracts import Territory
from fastapi import Query, Request
from pydantic import BaseModel, Field

from alize_chassis.access import InQuery, Scope, allow

RULE = allow(InQuery(), staff=Scope.TERRITORY, admin=Scope.TERRITORY)
"""Without `territory`, the log of every territory: the platform's administrators only."""


class AuditEntry(BaseModel):
    id: int = Field(description="Increasing; pass the last one seen as `before` for the next page.")
    at: datetime
    subject: str = Field(description="The caller's opaque identifier at the identity provider (its `sub`).")
    acting_as: str | None = Field(description="The role and territory the caller acted with.")
    command: str
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
