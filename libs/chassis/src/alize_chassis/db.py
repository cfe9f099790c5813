"""PostgreSQL: one schema per service, migrated by yoyo from SQL files."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TypeAlias
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import asyncpg
from yoyo import get_backend, read_migrations

Conn: TypeAlias = asyncpg.Connection | asyncpg.Pool
"""Where a read runs: a connection (inside a unit of work) or the pool (a view's own)."""

CONNECTION_LOST = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.InterfaceError,
    asyncpg.AdminShutdownError,  # the server shut down, or the backend was terminated
    asyncpg.CrashShutdownError,
)
"""Failures of the database itself (or the way to it), never of the data."""

CHASSIS_MIGRATIONS = Path(__file__).parent / "migrations"
"""The delivery tables every service has in its schema (outbox, processed events, idempotency keys)."""


async def _init_connection(conn: asyncpg.Connection) -> None:
    for pg_type in ("json", "jsonb"):
        await conn.set_type_codec(pg_type, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def create_pool(database_url: str, schema: str, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose connections see only `schema` (plus pg_catalog)."""
    pool = await asyncpg.create_pool(
        database_url,
        min_size=1,
        max_size=max_size,
        server_settings={"search_path": schema, "application_name": schema},
        init=_init_connection,
    )
    assert pool is not None
    return pool


def _yoyo_url(database_url: str, schema: str) -> str:
    parts = urlsplit(database_url)
    scheme = "postgresql+psycopg"
    query = "&".join(q for q in (parts.query, urlencode({"schema": schema})) if q)
    return urlunsplit((scheme, parts.netloc, parts.path, query, parts.fragment))


def _apply_migrations(database_url: str, schema: str, migrations_dirs: list[Path]) -> None:
    backend = get_backend(_yoyo_url(database_url, schema), migration_table="_yoyo_migration")
    migrations = read_migrations(*(str(d) for d in migrations_dirs))
    with backend.lock():
        backend.apply_migrations(backend.to_apply(migrations))


async def close_pool(pool: asyncpg.Pool, timeout: float = 10) -> None:
    """Close gracefully, but within `timeout`: a connection still held by a task that
    would not stop must not hold the service's shutdown."""
    try:
        async with asyncio.timeout(timeout):
            await pool.close()
    except TimeoutError:
        pool.terminate()


def with_password(database_url: str, password: str) -> str:
    """`database_url` with `password` for its user (replacing any it had)."""
    parts = urlsplit(database_url)
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


async def migrate(database_url: str, schema: str, migrations_dirs: list[Path]) -> None:
    """Create the service's schema if needed, then apply its pending migrations.

    A service connects as a role that owns its schema (provisioned by an administrator)
    and may not create schemas: CREATE SCHEMA runs only when the schema is missing, so
    the migrations run under that role; yoyo's own tables land in the schema too."""
    conn = await asyncpg.connect(database_url)
    try:
        if not await conn.fetchval("SELECT true FROM pg_namespace WHERE nspname = $1", schema):
            # Concurrent first starts of several services may race on CREATE SCHEMA.
            await conn.execute("SELECT pg_advisory_lock(hashtext('alize.create_schema'))")
            await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            await conn.execute("SELECT pg_advisory_unlock(hashtext('alize.create_schema'))")
    finally:
        await conn.close()
    await asyncio.to_thread(_apply_migrations, database_url, schema, migrations_dirs)
