"""PostgreSQL roles per service, declared once: each service connects as a LOGIN role
that owns its schema and may read nothing else; its migrations run under it.

An administrator (a superuser connection) provisions them, idempotently:
- on the cluster, one role per service (`alize_<service>`): LOGIN with a password, not
  superuser, no CREATEDB, no CREATEROLE, no replication, no BYPASSRLS, member of nothing
  (memberships granted since are revoked);
- on each database, PUBLIC loses every default privilege (CONNECT, TEMPORARY on the
  database; USAGE and CREATE on schema `public`), each role gets CONNECT, and owns its
  schemas (created for it), on which no other service's role keeps any privilege.
  Metrics alone may also CREATE schemas in the database: its replay builds a fresh
  `metrics_r<timestamp>` schema, which it then owns (a trusted extension too, in theory).

Three ways run the same declaration: `provision` (asyncpg; devstack's tests, on each
fresh database), the psql script `deploy/postgres/roles.sql` (`psql_script()`, committed
and checked by tests/test_deploy.py) that `scripts/infra.sh up` runs on the local database
`alize` and docker-compose's PostgreSQL runs at init (`deploy/postgres/init-roles.sh`).

Passwords are random per local install, one file per service under
`.local/credentials/<service>/postgres.password` (mode 0600, git-ignored), read by the
services through `DATABASE_PASSWORD_FILE`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg

from devstack.infra import REPO_ROOT


@dataclass(frozen=True)
class ServiceRole:
    service: str
    schemas: tuple[str, ...]
    """The schemas it owns, the first being the one it runs in (settings' `db_schema`)."""
    creates_schemas: bool = False
    """CREATE on the database: it may make new schemas (and owns them), nothing more."""

    @property
    def role(self) -> str:
        return f"alize_{self.service}"

    @property
    def schema(self) -> str:
        return self.schemas[0]


ROLES = (
    ServiceRole("intake", ("intake",)),
    ServiceRole("committee", ("committee",)),
    ServiceRole("missions", ("missions",)),
    # metrics_control points at the live read models; replays make metrics_r<timestamp>.
    ServiceRole("metrics", ("metrics", "metrics_control"), creates_schemas=True),
)
BY_SERVICE = {r.service: r for r in ROLES}
BY_SCHEMA = {r.schema: r for r in ROLES}

ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS"
SQL_SCRIPT = REPO_ROOT / "deploy" / "postgres" / "roles.sql"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def role_statements(role: ServiceRole, password: str) -> Iterator[str]:
    """What makes the role what it must be, once it exists (`password` is SQL)."""
    yield f"ALTER ROLE {_ident(role.role)} WITH {ROLE_ATTRIBUTES} PASSWORD {password}"
    yield f"ALTER ROLE {_ident(role.role)} SET search_path = {_ident(role.schema)}"


def memberships_query(role: ServiceRole) -> str:
    """The statements (as rows) that take the role out of any role it was made a member of."""
    return (
        "SELECT format('REVOKE %s FROM %I', m.roleid::regrole, r.rolname) FROM pg_auth_members m"
        f" JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = {_literal(role.role)}"
    )


def database_statements(database: str) -> Iterator[str]:
    """On one database, the roles existing: nothing for PUBLIC, each role its schemas."""
    db = database  # already SQL (an identifier or a psql variable)
    yield f"REVOKE ALL ON DATABASE {db} FROM PUBLIC"
    yield "REVOKE ALL ON SCHEMA public FROM PUBLIC"
    for role in ROLES:
        name = _ident(role.role)
        yield f"GRANT CONNECT ON DATABASE {db} TO {name}"
        if role.creates_schemas:
            yield f"GRANT CREATE ON DATABASE {db} TO {name}"
        else:
            yield f"REVOKE CREATE, TEMPORARY ON DATABASE {db} FROM {name}"
        for schema in role.schemas:
            yield f"CREATE SCHEMA IF NOT EXISTS {_ident(schema)} AUTHORIZATION {name}"
            yield f"ALTER SCHEMA {_ident(schema)} OWNER TO {name}"
            yield f"REVOKE ALL ON SCHEMA {_ident(schema)} FROM PUBLIC"
            for other in ROLES:
                if other != role:
                    yield f"REVOKE ALL ON SCHEMA {_ident(schema)} FROM {_ident(other.role)}"


def psql_script() -> str:
    """The psql script of the declaration: roles on the cluster, then the current database.
    Passwords come as psql variables (`-v intake_password=…`), never written in it."""
    lines = [
        "-- Generated from tools/devstack/src/devstack/pg_roles.py (the declaration): do not edit,",
        "-- run `uv run devstack pg-roles-sql` after changing it (tests/test_deploy.py checks).",
        "-- Run by a superuser on the service database, idempotently, with the passwords as psql",
        "-- variables intake_password, committee_password, missions_password, metrics_password",
        "-- (scripts/infra.sh and deploy/postgres/init-roles.sh give them with \\set on standard input).",
        "",
        "SET client_min_messages = warning;",
    ]
    for role in ROLES:
        lines.append(
            f"SELECT 'CREATE ROLE {_ident(role.role)}' WHERE NOT EXISTS "
            f"(SELECT FROM pg_roles WHERE rolname = {_literal(role.role)})\\gexec"
        )
        lines += [f"{s};" for s in role_statements(role, f":'{role.service}_password'")]
        lines.append(f"{memberships_query(role)}\\gexec")
    lines.append("")
    lines += [f"{s};" for s in database_statements(':"DBNAME"')]
    return "\n".join(lines) + "\n"


def credentials_dir(state_dir: Path | None = None) -> Path:
    """Where scripts/infra.sh keeps them too (its ALIZE_STATE_DIR, .local by default)."""
    return (state_dir or Path(os.environ.get("ALIZE_STATE_DIR", REPO_ROOT / ".local"))) / "credentials"


def password_file(service: str, state_dir: Path | None = None) -> Path:
    """The service's password file, made (random, mode 0600) if missing."""
    path = credentials_dir(state_dir) / service / "postgres.password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            with open(path, "x", opener=lambda p, flags: os.open(p, flags, 0o600)) as out:
                out.write(secrets.token_hex(24) + "\n")
        except FileExistsError:  # another process made it first
            pass
    return path


def password(service: str, state_dir: Path | None = None) -> str:
    return password_file(service, state_dir).read_text().strip()


def role_url(admin_url: str, service: str, *, with_password: bool = False) -> str:
    """`admin_url` (same server and database) as the service's role."""
    parts = urlsplit(admin_url)
    host = parts.netloc.rpartition("@")[2]
    user = BY_SERVICE[service].role
    secret = f":{quote(password(service), safe='')}" if with_password else ""
    return urlunsplit((parts.scheme, f"{user}{secret}@{host}", parts.path, parts.query, parts.fragment))


def service_env(admin_url: str, service: str) -> dict[str, str]:
    """What a service process needs to reach `admin_url`'s database as its role."""
    return {"DATABASE_URL": role_url(admin_url, service), "DATABASE_PASSWORD_FILE": str(password_file(service))}


def stack_database_env(admin_url: str) -> dict[str, dict[str, str]]:
    """Each service's database environment on `admin_url`'s (provisioned) database: `Stack`'s."""
    return {role.service: service_env(admin_url, role.service) for role in ROLES}


_ROLES_PROVISIONED: set[tuple[str | None, int | None]] = set()
"""The servers (host, port) on which this process has provisioned the roles."""


async def provision_for_tests(admin_url: str) -> None:
    """`provision` on a (fresh) database, the roles once per server and process."""
    parts = urlsplit(admin_url)
    server = (parts.hostname, parts.port)
    await provision(admin_url, roles=server not in _ROLES_PROVISIONED)
    _ROLES_PROVISIONED.add(server)


def connection_settings(admin_url: str, service: str) -> dict[str, str]:
    """A service's settings (database_url, database_password_file) on `admin_url`'s database."""
    return {"database_url": role_url(admin_url, service), "database_password_file": str(password_file(service))}


async def _execute_all(conn: asyncpg.Connection, statements: Iterator[str]) -> None:
    for statement in statements:
        await conn.execute(statement)


async def provision(admin_url: str, *, roles: bool = True) -> None:
    """Provision the roles (unless `roles` is false: they exist) and `admin_url`'s database."""
    conn = await asyncpg.connect(admin_url)
    try:
        if roles:
            # Two provisionings of one database at once wait for each other.
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(hashtext('alize.provision_roles'))")
                for role in ROLES:
                    exists = await conn.fetchval("SELECT true FROM pg_roles WHERE rolname = $1", role.role)
                    if not exists:
                        await conn.execute(f"CREATE ROLE {_ident(role.role)}")
                    await _execute_all(conn, role_statements(role, _literal(password(role.service))))
                    await _execute_all(conn, iter([row[0] for row in await conn.fetch(memberships_query(role))]))
        database = await conn.fetchval("SELECT current_database()")
        async with conn.transaction():
            await _execute_all(conn, database_statements(_ident(database)))
    finally:
        await conn.close()
