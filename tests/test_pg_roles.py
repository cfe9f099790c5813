"""Each service connects to PostgreSQL as its own role (devstack/pg_roles.py): it owns its
schema and migrates it, and can read nothing else, create nothing elsewhere, nor act as an
administrator. On a fresh database provisioned as the tests' (and infra.sh's, and compose's)."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from alize_chassis import db
from alize_chassis.db import CHASSIS_MIGRATIONS
from devstack import pg_roles
from devstack.testing import SettingsFor

SERVICES = [role.service for role in pg_roles.ROLES]
TABLE_OF = {"intake": "applicants", "committee": "members", "missions": "missions", "metrics": "facts"}
"""A table of each service's own (personal data where it has some)."""


def _migrations(service: str) -> Path:
    module = importlib.import_module(service)
    assert module.__file__ is not None
    return Path(module.__file__).parent / "migrations"


def _dsn(database_url: str, service: str) -> str:
    return pg_roles.role_url(database_url, service, with_password=True)


@pytest.fixture
async def migrated(database_url: str, service_databases: SettingsFor) -> AsyncIterator[str]:
    """The fresh database, provisioned, every service's schema migrated by its own role."""
    for service in SERVICES:
        schema = pg_roles.BY_SERVICE[service].schema
        await db.migrate(_dsn(database_url, service), schema, [CHASSIS_MIGRATIONS, _migrations(service)])
    yield database_url


async def _connect(database_url: str, service: str) -> asyncpg.Connection:
    return await asyncpg.connect(_dsn(database_url, service))


@pytest.mark.parametrize("service", SERVICES)
async def test_a_role_is_no_administrator(database_url: str, service_databases: SettingsFor, service: str) -> None:
    conn = await _connect(database_url, service)
    try:
        found = await conn.fetchrow(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolinherit"
            " FROM pg_roles WHERE rolname = current_user"
        )
        assert found is not None and not any(found.values()), dict(found or {})
        assert await conn.fetchval("SELECT count(*) FROM pg_auth_members WHERE member = current_user::regrole") == 0
        for statement in (f"CREATE ROLE intruder_{service}", f"CREATE DATABASE intruder_{service}"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(statement)
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("CREATE TABLE public.intruder (i int)")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("CREATE TEMPORARY TABLE intruder (i int)")
        if not pg_roles.BY_SERVICE[service].creates_schemas:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute("CREATE SCHEMA intruder")
    finally:
        await conn.close()


async def test_a_role_needs_its_password(database_url: str, service_databases: SettingsFor) -> None:
    """Stored as SCRAM, and asked for (scripts/infra.sh trusts only the superuser)."""
    admin = await asyncpg.connect(database_url)
    try:
        stored = await admin.fetch(
            "SELECT rolname, rolpassword FROM pg_authid WHERE rolname = any($1::text[])",
            [role.role for role in pg_roles.ROLES],
        )
    finally:
        await admin.close()
    assert len(stored) == len(pg_roles.ROLES)
    assert all(row["rolpassword"].startswith("SCRAM-SHA-256$") for row in stored)
    wrong = db.with_password(service_databases("intake")["database_url"], "not-the-password")
    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(wrong)


@pytest.mark.parametrize("service", SERVICES)
async def test_a_role_migrates_reads_and_writes_its_own_schema(migrated: str, service: str) -> None:
    schema = pg_roles.BY_SERVICE[service].schema
    conn = await _connect(migrated, service)
    try:
        owners = await conn.fetch(
            "SELECT c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c"
            " WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p')",
            schema,
        )
        names = {row["relname"] for row in owners}
        # yoyo's bookkeeping lands in the service's schema, like everything it migrated.
        assert {"_yoyo_migration", "_yoyo_log", "yoyo_lock", "outbox", TABLE_OF[service]} <= names, names
        assert {row["owner"] for row in owners} == {pg_roles.BY_SERVICE[service].role}
        await conn.execute(f'SET search_path TO "{schema}"')
        async with conn.transaction():
            await conn.execute(
                "INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, headers)"
                " VALUES (gen_random_uuid(), 't', 'a', 'test', '{}', '{}')"
            )
            assert await conn.fetchval("SELECT count(*) FROM outbox") == 1
            await conn.execute("DELETE FROM outbox")
        # What the chassis also relies on: advisory locks, LISTEN/NOTIFY.
        assert await conn.fetchval("SELECT pg_try_advisory_lock(42)") is True
        await conn.execute("SELECT pg_advisory_unlock(42)")
        heard: list[str] = []
        await conn.add_listener("alize_test", lambda *args: heard.append(args[-1]))
        await conn.execute("SELECT pg_notify('alize_test', 'hello')")
        await conn.fetchval("SELECT 1")
        assert heard == ["hello"]
    finally:
        await conn.close()
    # Migrating again (a restart) changes nothing and needs no more rights.
    await db.migrate(_dsn(migrated, service), schema, [CHASSIS_MIGRATIONS, _migrations(service)])


@pytest.mark.parametrize("service", SERVICES)
async def test_a_role_can_read_no_other_service_schema(migrated: str, service: str) -> None:
    conn = await _connect(migrated, service)
    try:
        for other in SERVICES:
            if other == service:
                continue
            schema = pg_roles.BY_SERVICE[other].schema
            for table in (TABLE_OF[other], "outbox"):
                with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
                    await conn.fetch(f'SELECT * FROM "{schema}"."{table}" LIMIT 1')
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(f'CREATE TABLE "{schema}".intruder (i int)')
    finally:
        await conn.close()


async def test_metrics_reads_no_applicant(migrated: str) -> None:
    """The issue's example: metrics cannot read intake's applicants (their personal data)."""
    conn = await _connect(migrated, "metrics")
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied for schema intake"):
            await conn.fetch("SELECT * FROM intake.applicants")
    finally:
        await conn.close()


async def test_the_metrics_replay_makes_and_migrates_a_fresh_schema_of_its_own(migrated: str) -> None:
    """Metrics alone may create schemas (its replay's metrics_r<timestamp>), owned by it."""
    from metrics import MIGRATIONS

    await db.migrate(_dsn(migrated, "metrics"), "metrics_r1", [CHASSIS_MIGRATIONS, MIGRATIONS])
    conn = await _connect(migrated, "metrics")
    try:
        owner = await conn.fetchval("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'metrics_r1'")
        assert owner == "alize_metrics"
        assert await conn.fetchval("SELECT schema_name FROM metrics_control.active_schema") == "metrics"
    finally:
        await conn.close()


async def test_provisioning_again_changes_nothing(migrated: str) -> None:
    async def privileges() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(migrated)
        try:
            return await conn.fetch(
                "SELECT nspname AS name, nspowner AS owner, nspacl::text AS acl FROM pg_namespace"
                " UNION ALL SELECT datname, datdba, datacl::text FROM pg_database WHERE datname = current_database()"
                " ORDER BY name"
            )
        finally:
            await conn.close()

    before = await privileges()
    await pg_roles.provision(migrated)
    assert await privileges() == before
