"""The Docker deployment describes the same stack the local scripts run.
(No Docker engine here: these check the files, the images are built elsewhere.)"""

from __future__ import annotations

from pathlib import Path

import yaml
from devstack.infra import REPO_ROOT
from devstack.stack import SERVICES

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_infrastructure_and_every_service_with_healthchecks() -> None:
    services = COMPOSE["services"]
    assert {"kafka", "postgres", "otel-collector", "jaeger", *SERVICES} <= set(services)
    assert "healthcheck" in services["kafka"] and "healthcheck" in services["postgres"]
    for name in SERVICES:
        service = services[name]
        assert service["build"]["dockerfile"] == f"services/{name}/Dockerfile"
        assert service["depends_on"]["kafka"]["condition"] == "service_healthy"
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["environment"]["OTEL_SERVICE_NAME"] == f"alize-{name}"
        assert service["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"].startswith("http://otel-collector")


def test_each_service_has_a_dockerfile_that_runs_its_own_app_with_a_healthcheck() -> None:
    for name in SERVICES:
        dockerfile = (REPO_ROOT / "services" / name / "Dockerfile").read_text()
        assert f"--package alize-{name}" in dockerfile
        assert f'"{name}.app:create_app", "--factory"' in dockerfile
        assert "HEALTHCHECK" in dockerfile and "/health" in dockerfile


def test_the_collector_forwards_traces_to_jaeger() -> None:
    config = yaml.safe_load(Path(REPO_ROOT / "deploy" / "otel-collector.yaml").read_text())
    assert config["service"]["pipelines"]["traces"]["exporters"] == ["otlp/jaeger"]
    assert config["exporters"]["otlp/jaeger"]["endpoint"] == "jaeger:4317"
