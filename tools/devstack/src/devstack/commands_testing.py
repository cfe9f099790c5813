"""Helpers for testing a service's commands: its handlers on PostgreSQL alone (no Kafka),
and the Idempotency-Key promise of its HTTP routes."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable, Mapping
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
from alize_chassis import db
from alize_chassis.db import CHASSIS_MIGRATIONS
from fastapi import FastAPI

from devstack import pg_roles


@contextlib.asynccontextmanager
async def service_database(database_url: str, schema: str, migrations_dir: Path) -> AsyncIterator[asyncpg.Pool]:
    """A service's schema migrated in `database_url` (an administrator's) and a pool on it, as
    the service has at start: the database provisioned with the services' roles, the migrations
    run and the pool connects as the role owning `schema` (a migration only a superuser could
    run fails here)."""
    await pg_roles.provision_for_tests(database_url)
    dsn = pg_roles.role_url(database_url, pg_roles.BY_SCHEMA[schema].service, with_password=True)
    await db.migrate(dsn, schema, [CHASSIS_MIGRATIONS, migrations_dir])
    pool = await db.create_pool(dsn, schema, max_size=4)
    try:
        yield pool
    finally:
        await pool.close()


_NOT_STATE = ("idempotency_keys", "processed_events", "dead_letters")
"""The keys themselves, and what the service's consumer writes while a test runs."""
_OUTBOX = "SELECT id, type, payload FROM outbox"
"""The outbox without its delivery columns, which the relay sets whenever it publishes."""


async def state_of(database_url: str, schema: str, ignore: Iterable[str] = ()) -> dict[str, str]:
    """A digest of each table of a service's schema (but `ignore`, the idempotency keys, yoyo's
    own and what the consumer writes): any row added, changed or removed changes it."""
    conn = await asyncpg.connect(database_url)
    try:
        tables = await conn.fetch(
            """
            SELECT table_name FROM information_schema.tables
            WHERE table_schema = $1 AND table_type = 'BASE TABLE'
              AND table_name NOT LIKE '%yoyo%'
            """,
            schema,
        )
        digests = {}
        await conn.execute(f'SET search_path TO "{schema}"')
        for row in tables:
            table = row["table_name"]
            if table in _NOT_STATE or table in ignore:
                continue
            rows = _OUTBOX if table == "outbox" else f'SELECT * FROM "{table}"'
            digests[table] = await conn.fetchval(
                f"SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM ({rows}) t"
            )
        return digests
    finally:
        await conn.close()


def write_routes(app: FastAPI) -> set[str]:
    """Every route of `app` that changes something, as 'METHOD path'."""
    return {
        f"{method.upper()} {path}"
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if method in {"post", "put", "patch", "delete"}
    }


async def assert_retry_safe(
    client: httpx.AsyncClient,
    database_url: str,
    schema: str,
    method: str,
    url: str,
    body: Any = None,
    *,
    other: tuple[str, Any],
    ignore: Iterable[str] = (),
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """The Idempotency-Key promise for one route: the request changes the service's state once;
    sent again with the same key it returns the same response and changes nothing; another
    request (`other`: url and body) with that key is refused with 422 and changes nothing.
    `headers` go with every request (e.g. who acts)."""
    headers = {**(headers or {}), "Idempotency-Key": f"retry-{uuid4().hex}"}
    before = await state_of(database_url, schema, ignore)
    first = await client.request(method, url, json=body, headers=headers)
    assert first.is_success, (method, url, first.status_code, first.text)
    after = await state_of(database_url, schema, ignore)
    assert after != before, f"{method} {url} changed nothing the first time"
    again = await client.request(method, url, json=body, headers=headers)
    assert (again.status_code, again.content) == (first.status_code, first.content), (method, url)
    assert await state_of(database_url, schema, ignore) == after, f"{method} {url} changed something twice"
    other_url, other_body = other
    refused = await client.request(method, other_url, json=other_body, headers=headers)
    assert refused.status_code == 422, (method, other_url, refused.status_code, refused.text)
    assert refused.headers["content-type"] == "application/problem+json"
    assert "Idempotency-Key" in refused.json()["detail"]
    assert await state_of(database_url, schema, ignore) == after, (
        f"{method} {other_url} changed something on a reused key"
    )
    return first
