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
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from devstack import databases, infra
from devstack.testing import ServiceSettingsFor, unavailable


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
        if "infrastructure" in fixtures:
            item.add_marker(pytest.mark.infra)
        elif "postgres_server" in fixtures:
            item.add_marker(pytest.mark.postgres)


@pytest.fixture
def isolation_id() -> str:
    """A suffix that keeps one test's consumer groups and territories apart from others'."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def territory(isolation_id: str) -> str:
    """This test's own territory: a fresh consumer group also reads earlier tests' events."""
    return f"test-{isolation_id}"


@pytest.fixture
def service_settings(infrastructure: infra.Infra, database_url: str, isolation_id: str) -> ServiceSettingsFor:
    """Settings for a service under test: its own database, its own Kafka principal and
    credentials, and its own consumer group (`alize.<service>.test-<id>`, inside the
    prefix its ACLs allow)."""

    def settings(service: str) -> dict[str, Any]:
        return {
            "database_url": database_url,
            **infrastructure.kafka_settings(service),
            "consumer_group_suffix": f"test-{isolation_id}",
        }

    return settings
