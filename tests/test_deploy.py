"""The Docker deployment describes the same stack the local scripts run.
(No Docker engine here: these check the files; tests/test_images.py starts the
service images that scripts/images.sh builds with buildah.)"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from devstack.infra import REPO_ROOT, Infra
from devstack.stack import SERVICES

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
COLLECTOR_CONFIG = yaml.safe_load((REPO_ROOT / "deploy" / "otel-collector.yaml").read_text())


def _dockerfile(service: dict[str, Any]) -> str:
    build = service["build"]
    return (REPO_ROOT / build["context"] / build.get("dockerfile", "Dockerfile")).read_text()


def test_compose_runs_the_infrastructure_and_every_service_with_healthchecks() -> None:
    services = COMPOSE["services"]
    assert {"kafka", "postgres", "otel-collector", "jaeger", *SERVICES} <= set(services)
    assert "healthcheck" in services["kafka"] and "healthcheck" in services["postgres"]
    for name in SERVICES:
        service = services[name]
        assert service["build"]["dockerfile"] == f"services/{name}/Dockerfile"
        assert service["depends_on"]["kafka"]["condition"] == "service_healthy"
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["depends_on"]["otel-collector"]["condition"] == "service_healthy"
        assert service["environment"]["OTEL_SERVICE_NAME"] == f"alize-{name}"
        assert service["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"].startswith("http://otel-collector")


def test_every_compose_service_has_a_healthcheck() -> None:
    for name, service in COMPOSE["services"].items():
        check = service.get("healthcheck")
        if check is None:  # the image's own HEALTHCHECK
            assert "build" in service and "HEALTHCHECK" in _dockerfile(service), f"{name} has no healthcheck"
        else:
            assert not check.get("disable") and check["test"][0] in {"CMD", "CMD-SHELL"}, name
        for dependency, how in (service.get("depends_on") or {}).items():
            assert how["condition"] == "service_healthy", f"{name} starts before {dependency} is healthy"


def test_the_collector_and_jaeger_healthchecks_ask_their_health_endpoints() -> None:
    collector = COMPOSE["services"]["otel-collector"]
    # The collector image has no shell: the check is an exec form, of a binary its Dockerfile adds.
    kind, program, *args = collector["healthcheck"]["test"]
    assert kind == "CMD" and f"COPY --from=busybox /bin/busybox {program}" in _dockerfile(collector)
    extension = COLLECTOR_CONFIG["extensions"]["health_check"]
    assert "health_check" in COLLECTOR_CONFIG["service"]["extensions"]
    assert urlsplit(args[-1]).port == int(extension["endpoint"].rsplit(":", 1)[1])
    jaeger = COMPOSE["services"]["jaeger"]["healthcheck"]["test"]
    assert jaeger[0] == "CMD" and urlsplit(jaeger[-1]).port == 14269  # all-in-one's admin port


def test_the_broker_keeps_events_forever() -> None:
    kafka = COMPOSE["services"]["kafka"]["environment"]
    assert str(kafka["KAFKA_LOG_RETENTION_MS"]) == "-1"
    assert re.search(r"^log\.retention\.ms=-1$", (REPO_ROOT / "scripts" / "infra.sh").read_text(), re.M)


@pytest.mark.infra
async def test_the_local_broker_keeps_events_forever(infrastructure: Infra) -> None:
    if infrastructure.kafka_pid is None:
        pytest.skip("the broker was not started by scripts/infra.sh")
    admin = AIOKafkaAdminClient(bootstrap_servers=infrastructure.kafka_bootstrap_servers)
    await admin.start()
    try:
        cluster = await admin.describe_cluster()
        resources = [ConfigResource(ConfigResourceType.BROKER, str(b["node_id"])) for b in cluster["brokers"]]
        for response in await admin.describe_configs(resources):
            for resource in response.to_object()["resources"]:
                configs = {e["config_names"]: e["config_value"] for e in resource["config_entries"]}
                assert configs["log.retention.ms"] == "-1", resource["resource_name"]
    finally:
        await admin.close()


def test_each_service_has_a_dockerfile_that_runs_its_own_app_with_a_healthcheck() -> None:
    for name in SERVICES:
        dockerfile = (REPO_ROOT / "services" / name / "Dockerfile").read_text()
        assert f"--package alize-{name}" in dockerfile
        assert f'"{name}.app:create_app", "--factory"' in dockerfile
        assert "HEALTHCHECK" in dockerfile and "/health" in dockerfile


def test_each_dockerfile_builds_its_venv_where_it_runs_on_one_base() -> None:
    """Console scripts' shebangs name the venv's path at build time, and its python
    links to the build stage's interpreter: same path, same base in both stages."""
    for name in SERVICES:
        dockerfile = (REPO_ROOT / "services" / name / "Dockerfile").read_text()
        assert re.search(r"^ARG BASE_IMAGE=python:3\.11-slim$", dockerfile, re.M), name
        froms = re.findall(r"^FROM (\S+)", dockerfile, re.M)
        assert froms == ["${BASE_IMAGE}", "${BASE_IMAGE}"], name
        (workdir,) = re.findall(r"^WORKDIR (\S+)", dockerfile.split("\nFROM ")[1], re.M)
        (copied,) = re.findall(r"^COPY --from=build (\S+) (\S+)$", dockerfile, re.M)
        assert copied == (f"{workdir}/.venv", f"{workdir}/.venv"), name
        assert f"ENV PATH={workdir}/.venv/bin:" in dockerfile, name


def test_the_collector_forwards_traces_to_jaeger() -> None:
    config = COLLECTOR_CONFIG
    assert config["service"]["pipelines"]["traces"]["exporters"] == ["otlp/jaeger"]
    assert config["exporters"]["otlp/jaeger"]["endpoint"] == "jaeger:4317"


def test_compose_runs_keycloak_with_the_committed_realm_and_the_services_trust_it() -> None:
    keycloak = COMPOSE["services"]["keycloak"]
    version = re.search(r"<keycloak.version>([^<]+)<", (REPO_ROOT / "deploy/keycloak/pom.xml").read_text())
    assert version and keycloak["image"] == f"quay.io/keycloak/keycloak:{version.group(1)}"  # as infra.sh runs
    assert keycloak["command"][0] == "start-dev" and "--import-realm" in keycloak["command"]
    assert "./deploy/keycloak/alize-realm.json:/opt/keycloak/data/import/alize-realm.json:ro" in keycloak["volumes"]
    (hostname,) = [arg.removeprefix("--hostname=") for arg in keycloak["command"] if arg.startswith("--hostname=")]
    # Health is served on the management port (9000) once enabled; the check asks for readiness.
    assert keycloak["environment"]["KC_HEALTH_ENABLED"] == "true"
    assert "/dev/tcp/127.0.0.1/9000" in keycloak["healthcheck"]["test"][-1]
    assert "GET /health/ready" in keycloak["healthcheck"]["test"][-1]
    assert "${KEYCLOAK_ADMIN_PASSWORD:?" in keycloak["environment"]["KC_BOOTSTRAP_ADMIN_PASSWORD"]  # none committed
    for name in SERVICES:
        service = COMPOSE["services"][name]
        assert service["depends_on"]["keycloak"]["condition"] == "service_healthy"
        assert service["environment"]["OIDC_ISSUER"] == f"{hostname}/realms/alize"  # what browsers see
        jwks = urlsplit(service["environment"]["OIDC_JWKS_URL"])
        assert (jwks.hostname, jwks.port, jwks.path) == (
            "keycloak",
            8080,
            "/realms/alize/protocol/openid-connect/certs",
        )


def test_infra_sh_pins_the_local_issuer_and_keeps_the_admin_password_out_of_the_repository() -> None:
    script = (REPO_ROOT / "scripts" / "infra.sh").read_text()
    assert '--hostname="$(keycloak_url)"' in script and "--import-realm" in script
    assert "KEYCLOAK_ADMIN_PASSWORD_FILE=$STATE/credentials/keycloak-admin.password" in script
    assert 'echo "export OIDC_ISSUER=$(keycloak_url)/realms/alize"' in script
