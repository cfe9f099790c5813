"""Idempotency-Key for HTTP commands (the IETF httpapi draft's header).

The command, and the record of its key and response, commit in one transaction
(the unit of work's); a retry with the same key and the same command gets the
stored response and changes nothing. Reusing a key for a different command is
refused.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import asyncpg
from fastapi import Header

from alize_chassis.errors import DomainError

IdempotencyKeyHeader = Header(
    alias="Idempotency-Key",
    min_length=8,
    max_length=200,
    description="Retry-safe key: a repeated request with the same key returns the first response and changes "
    "nothing; the same key with a different request is refused (422).",
)


class KeyReused(DomainError):
    status_code = 422


def fingerprint(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


NOT_YET = object()
"""`claim`'s answer when the key is new: the command is to run."""


async def claim(conn: asyncpg.Connection, *, scope: str, key: str, request: Any) -> Any:
    """Inside the command's transaction: take `key` for `request`, or return the response
    stored by the first command that took it. A concurrent request with the same key
    waits here until the first commits (or rolls back, freeing the key)."""
    digest = fingerprint(request)
    claimed = await conn.fetchval(
        """
        INSERT INTO idempotency_keys (scope, key, fingerprint, status_code, response)
        VALUES ($1, $2, $3, 0, 'null') ON CONFLICT DO NOTHING RETURNING true
        """,
        scope,
        key,
        digest,
    )
    if claimed:
        return NOT_YET
    stored = await conn.fetchrow(
        "SELECT fingerprint, response FROM idempotency_keys WHERE scope = $1 AND key = $2", scope, key
    )
    if stored["fingerprint"] != digest:
        raise KeyReused("this Idempotency-Key was already used for a different request")
    response = stored["response"]
    # Stored as JSON text (see `remember`); rows from before hold the JSON itself.
    return json.loads(response) if isinstance(response, str) else response


async def remember(conn: asyncpg.Connection, *, scope: str, key: str, response: Any) -> None:
    """Store the response of the command that claimed `key` (same transaction)."""
    # status_code is kept for rows written before; a stored response is always the route's success.
    await conn.execute(
        "UPDATE idempotency_keys SET status_code = 200, response = to_jsonb($3::text) WHERE scope = $1 AND key = $2",
        scope,
        key,
        # The response's JSON text, kept as a jsonb string: jsonb would reorder an object's
        # keys, and a retry must get the first response byte for byte.
        json.dumps(response),
    )
