"""Idempotency-Key for HTTP commands (the IETF httpapi draft's header).

The command and the record of its response commit in one transaction; a retry
with the same key gets the stored response and changes nothing. Reusing a key
for a different request is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from fastapi import Header

from alize_chassis.errors import DomainError

IdempotencyKeyHeader = Header(
    alias="Idempotency-Key",
    min_length=8,
    max_length=200,
    description="Retry-safe key: a repeated request with the same key returns the first response.",
)


class KeyReused(DomainError):
    status_code = 422


def fingerprint(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


async def run_once(
    pool: asyncpg.Pool,
    *,
    scope: str,
    key: str | None,
    request: Any,
    command: Callable[[asyncpg.Connection], Awaitable[dict[str, Any]]],
    status_code: int = 201,
) -> tuple[int, dict[str, Any]]:
    """Run `command` in a transaction, at most once per (scope, key)."""
    async with pool.acquire() as conn, conn.transaction():
        if key is None:
            return status_code, await command(conn)
        digest = fingerprint(request)
        # A concurrent request with the same key waits here for the first to commit.
        claimed = await conn.fetchval(
            """
            INSERT INTO idempotency_keys (scope, key, fingerprint, status_code, response)
            VALUES ($1, $2, $3, 0, 'null') ON CONFLICT DO NOTHING RETURNING true
            """,
            scope,
            key,
            digest,
        )
        if not claimed:
            stored = await conn.fetchrow(
                "SELECT fingerprint, status_code, response FROM idempotency_keys WHERE scope = $1 AND key = $2",
                scope,
                key,
            )
            if stored["fingerprint"] != digest:
                raise KeyReused("this Idempotency-Key was already used for a different request")
            return stored["status_code"], stored["response"]
        response = json.loads(json.dumps(await command(conn), default=str))
        await conn.execute(
            "UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE scope = $1 AND key = $2",
            scope,
            key,
            status_code,
            response,
        )
        return status_code, response
