"""The stack under test: the four services as separate OS processes on the real
broker and a fresh database, exporting their spans to an in-test OTLP sink."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from devstack import databases
from devstack.infra import REPO_ROOT, Infra
from devstack.otlp_sink import OtlpSink
from devstack.scenario import cases, driver, oracle
from devstack.stack import SERVICES, Stack, free_port


@pytest.fixture(scope="session")
def sink() -> Iterator[OtlpSink]:
    with OtlpSink() as started:
        yield started


@pytest.fixture(scope="session")
def stack(infrastructure: Infra, sink: OtlpSink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    database_url = asyncio.run(databases.create_database(infrastructure.database_url, "alize_e2e"))
    log_dir = REPO_ROOT / ".local" / "logs" / f"e2e-{Path(tmp_path_factory.getbasetemp()).name}"
    running = Stack(
        kafka_bootstrap_servers=infrastructure.kafka_bootstrap_servers,
        database_url=database_url,
        log_dir=log_dir,
        ports={name: free_port() for name in SERVICES},
        service_env={name: infrastructure.kafka_env(name) for name in SERVICES},
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
def populated(stack: Stack) -> driver.Populated:
    suffix = uuid.uuid4().hex[:10]
    indre, gard = f"indre-{suffix}", f"gard-cevennes-{suffix}"
    scenario = cases.cases(indre=indre, gard=gard)
    outcome = asyncio.run(driver.run(stack.urls, scenario))
    expected = oracle.expected_metrics(scenario)
    shown = asyncio.run(driver.wait_for_metrics(stack.url("metrics"), expected))
    return driver.Populated(indre, gard, outcome, expected, shown)
