"""Pytest plugin: real Kafka and PostgreSQL for the tests that need them.

Where they come from, in order:
1. KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL, when both are set (`make test`
   sets them after starting the local processes);
2. testcontainers' Kafka and PostgreSQL, where a Docker engine answers;
3. scripts/infra.sh, which starts them as local processes.
If none works the tests that need them are skipped, except under CI (CI=true),
where missing infrastructure is a failure.

Tests that need PostgreSQL only (a fresh database: `database_url`) get it without
Kafka (`scripts/infra.sh up-postgres`). The tiers follow from the fixtures a test
uses, marked here: `postgres` (PostgreSQL, no Kafka) and `infra` (Kafka too);
pure tests have neither. `make test-fast` runs the tests not marked `infra`.

The identity provider (`identity_provider`: Keycloak, realm alize, with the admin
API to make accounts) comes from OIDC_ISSUER and the admin variables infra.sh
prints, or from `scripts/infra.sh up-keycloak`; a test using it is marked `infra`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from devstack import databases, identity, infra, pg_roles
from devstack.testing import Accounts, SettingsFor, unavailable


@contextlib.contextmanager
def _containers() -> Iterator[infra.Infra]:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    with KafkaContainer().with_kraft() as kafka, PostgresContainer("postgres:15", driver=None) as pg:
        yield infra.Infra(kafka.get_bootstrap_server(), pg.get_connection_url())


@contextlib.contextmanager
def _admin_in_env(found: infra.Infra) -> Iterator[infra.Infra]:
    """The tests' own Kafka clients (devstack.testing) connect as the admin principal, which
    they find in the ALIZE_KAFKA_* variables scripts/infra.sh prints."""
    kafka = {k: v for k, v in found.exports().items() if k.startswith("ALIZE_KAFKA_")}
    saved = {k: os.environ.get(k) for k in kafka}
    os.environ.update(kafka)
    try:
        yield found
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="session")
def infrastructure() -> Iterator[infra.Infra]:
    found = infra.from_env()
    if found is not None:
        yield found
        return
    try:
        if infra.docker_engine_available():
            with _containers() as started:
                # A throwaway broker without an authorizer: its topics, no ACLs.
                import asyncio

                from alize_chassis.kafka_acls import provision
                from alize_chassis.settings import KafkaTopicSettings

                asyncio.run(provision(KafkaTopicSettings(**started.kafka_settings())))
                yield started
            return
        found = infra.start_local("up")
    except Exception as exc:
        unavailable(f"no Kafka/PostgreSQL for integration tests: {exc}")
    with _admin_in_env(found):
        yield found


@pytest.fixture(scope="session")
def identity_provider() -> Iterator[identity.IdentityProvider]:
    """The real Keycloak (realm alize): tokens, and accounts made on the fly with
    `await identity_provider.account(groups=[...], attributes={...})`."""
    env: dict[str, str] = dict(os.environ)
    try:
        if not env.get("OIDC_ISSUER"):
            env |= infra.start_local_keycloak()
        config = identity.IdentityConfig.from_env(env)
        httpx.get(f"{config.issuer}/.well-known/openid-configuration", timeout=10).raise_for_status()
    except Exception as exc:
        unavailable(f"no identity provider (Keycloak) for tests: {exc}")
    if not (config.admin_user and config.admin_password):
        unavailable("no Keycloak admin credentials (ALIZE_KEYCLOAK_ADMIN, ALIZE_KEYCLOAK_ADMIN_PASSWORD_FILE)")
    yield identity.IdentityProvider(config)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server on which tests may CREATE DATABASE; no Kafka started for it."""
    found = os.environ.get("DATABASE_URL")
    if found:
        yield found
        return
    try:
        if infra.docker_engine_available():
            from testcontainers.postgres import PostgresContainer

            with PostgresContainer("postgres:15", driver=None) as pg:
                yield pg.get_connection_url()
            return
        found = infra.start_local_postgres()
    except Exception as exc:
        unavailable(f"no PostgreSQL for tests: {exc}")
    yield found


@pytest.fixture
async def database_url(postgres_server: str) -> AsyncIterator[str]:
    """A fresh, empty database for one test, dropped afterwards."""
    url = await databases.create_database(postgres_server)
    yield url
    await databases.drop_database(postgres_server, url)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its tier, from the infrastructure its fixtures reach."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "infrastructure" in fixtures or "identity_provider" in fixtures:
            item.add_marker(pytest.mark.infra)
        elif "postgres_server" in fixtures:
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def accounts(identity_provider: identity.IdentityProvider) -> Accounts:
    """Callers with tokens from the real identity provider (`Accounts`)."""
    return Accounts(identity_provider)


@pytest.fixture
def isolation_id() -> str:
    """A suffix that keeps one test's consumer groups and territories apart from others'."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def territory(isolation_id: str) -> str:
    """This test's own territory: a fresh consumer group also reads earlier tests' events."""
    return f"test-{isolation_id}"


@pytest.fixture
async def service_databases(database_url: str) -> SettingsFor:
    """The fresh database with the services' roles and schemas (deploy/postgres/roles.sql):
    `service_databases("intake")` is how intake connects to it, as its own role."""
    await pg_roles.provision_for_tests(database_url)
    return functools.partial(pg_roles.connection_settings, database_url)


@pytest.fixture
def service_settings(infrastructure: infra.Infra, service_databases: SettingsFor, isolation_id: str) -> SettingsFor:
    """Settings for a service under test, `service_settings("intake")`: the fresh database as
    the service's own role, its own Kafka principal and credentials, and its own consumer group
    (`alize.<service>.test-<id>`, inside the prefix its ACLs allow)."""

    def settings(service: str) -> dict[str, Any]:
        return {
            **service_databases(service),
            **infrastructure.kafka_settings(service),
            "consumer_group_suffix": f"test-{isolation_id}",
            # The issuer the tests' tokens come from (the services' default is the local one on 58080).
            **({"oidc_issuer": infrastructure.oidc_issuer} if infrastructure.oidc_issuer else {}),
        }

    return settings
