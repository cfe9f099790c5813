"""The stack under test: the four services as separate OS processes on the real
broker and a fresh database, exporting their spans to an in-test OTLP sink."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from devstack import databases, pg_roles
from devstack.infra import REPO_ROOT, Infra
from devstack.otlp_sink import OtlpSink
from devstack.scenario import cases, driver, oracle
from devstack.stack import SERVICES, Stack, free_port, services_env
from devstack.testing import Accounts


@pytest.fixture(scope="session")
def sink() -> Iterator[OtlpSink]:
    with OtlpSink() as started:
        yield started


@pytest.fixture(scope="session")
def stack(infrastructure: Infra, sink: OtlpSink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    database_url = asyncio.run(databases.create_database(infrastructure.database_url, "alize_e2e"))
    asyncio.run(pg_roles.provision_for_tests(database_url))  # each service connects as its own role
    log_dir = REPO_ROOT / ".local" / "logs" / f"e2e-{Path(tmp_path_factory.getbasetemp()).name}"
    running = Stack(
        kafka_bootstrap_servers=infrastructure.kafka_bootstrap_servers,
        database_url=database_url,
        log_dir=log_dir,
        ports={name: free_port() for name in SERVICES},
        service_env=services_env(infrastructure, database_url),
        env={
            "CONSUMER_GROUP_SUFFIX": f"e2e-{log_dir.name}",
            "OTEL_EXPORTER_OTLP_ENDPOINT": sink.endpoint,
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "OTEL_BSP_SCHEDULE_DELAY": "200",
            "OTEL_TRACES_SAMPLER": "always_on",
        },
    )
    with running:
        yield running
    asyncio.run(databases.drop_database(infrastructure.database_url, database_url))


@pytest.fixture(scope="session")
def populated(stack: Stack, accounts: Accounts) -> driver.Populated:
    suffix = uuid.uuid4().hex[:10]
    indre, gard = f"indre-{suffix}", f"gard-cevennes-{suffix}"
    scenario = cases.cases(indre=indre, gard=gard)
    outcome = asyncio.run(driver.run(stack.urls, scenario, accounts))
    expected = oracle.expected_metrics(scenario)
    national = asyncio.run(accounts.national())
    shown = asyncio.run(driver.wait_for_metrics(stack.url("metrics"), expected, national))
    return driver.Populated(indre, gard, outcome, expected, shown)
