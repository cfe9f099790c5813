"""The Docker deployment describes the same stack the local scripts run.
(No Docker engine here: these check the files; tests/test_images.py starts the
service images that scripts/images.sh builds with buildah.)"""

from __future__ import annotations

import importlib
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from devstack import pg_roles
from devstack.infra import REPO_ROOT, Infra
from devstack.stack import SERVICES
from devstack.testing import kafka_args

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


ONE_SHOT = {"kafka-credentials", "kafka-provision"}
"""Steps that run once and exit (the others wait for them to complete)."""


def test_every_compose_service_has_a_healthcheck() -> None:
    for name, service in COMPOSE["services"].items():
        if name in ONE_SHOT:
            assert service["restart"] == "no", name
            continue
        check = service.get("healthcheck")
        if check is None:  # the image's own HEALTHCHECK
            assert "build" in service and "HEALTHCHECK" in _dockerfile(service), f"{name} has no healthcheck"
        else:
            assert not check.get("disable") and check["test"][0] in {"CMD", "CMD-SHELL"}, name
        for dependency, how in (service.get("depends_on") or {}).items():
            wanted = "service_completed_successfully" if dependency in ONE_SHOT else "service_healthy"
            assert how["condition"] == wanted, f"{name} starts before {dependency} is ready"


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


BROKER_SCRIPTS = [REPO_ROOT / "scripts" / "infra.sh", REPO_ROOT / "deploy" / "kafka" / "start-broker.sh"]
"""The local broker's and compose's broker's start."""
BROKER_PROPERTIES = REPO_ROOT / "deploy" / "kafka" / "broker-properties.sh"
"""The configuration both write (`broker_properties`)."""


def _broker_properties() -> dict[str, str]:
    return dict(re.findall(r"^([a-z.]+)=(.*)$", BROKER_PROPERTIES.read_text(), re.M))


def test_both_brokers_are_configured_by_one_file() -> None:
    assert COMPOSE["services"]["kafka"]["entrypoint"][-1] == "/opt/alize/start-broker.sh"
    assert "./deploy/kafka:/opt/alize:ro" in COMPOSE["services"]["kafka"]["volumes"]
    for script in BROKER_SCRIPTS:
        text = script.read_text()
        assert re.search(r"^\s*\. \S*broker-properties\.sh\"?$", text, re.M), script
        assert re.search(r"^\s*\(?(umask 077 && )?broker_properties ", text, re.M), script
        assert "process.roles=" not in text, f"{script} writes a configuration of its own"


def test_the_broker_keeps_events_forever() -> None:
    assert _broker_properties()["log.retention.ms"] == "-1"


def test_both_brokers_are_locked_down_with_scram_and_acls() -> None:
    properties = _broker_properties()
    assert properties["allow.everyone.if.no.acl.found"] == "false"
    assert properties["authorizer.class.name"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert properties["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert properties["super.users"] == "User:alize-admin;User:alize-controller"  # never ANONYMOUS
    assert properties["auto.create.topics.enable"] == "false"
    # Clients get one listener, SASL; the controller's (on loopback) authenticates too.
    listeners = dict(re.findall(r"(\w+)://([^,\s]*)", properties["listeners"]))
    assert set(listeners) == {"SASL_PLAINTEXT", "CONTROLLER"}
    assert listeners["CONTROLLER"] == "$controller"
    assert "PLAINTEXT" not in properties["listener.security.protocol.map"].replace("SASL_PLAINTEXT", "")
    for script in BROKER_SCRIPTS:
        text = script.read_text()
        call = re.search(r"broker_properties (\S+) (\S+) (\S+)", text)
        assert call and re.match(r'"?(127\.0\.0\.1|localhost):', call.group(3)), f"{script}: controller off loopback"
        principals = re.search(r"PRINCIPALS=\(([^)]*)\)", text)
        assert principals and principals.group(1).split() == ["admin", *SERVICES], script
        assert '--add-scram "SCRAM-SHA-512=[name=alize-$who' in text, script


def test_compose_gives_each_service_only_its_own_kafka_credentials() -> None:
    services = COMPOSE["services"]
    provision = services["kafka-provision"]
    assert provision["command"][-1] == "alize_chassis.kafka_acls"
    assert provision["environment"]["KAFKA_USERNAME"] == "alize-admin"
    assert provision["volumes"] == ["kafka-admin-credentials:/run/alize/kafka:ro"]
    for name in SERVICES:
        service = services[name]
        env = service["environment"]
        assert env["KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT" and env["KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
        assert "KAFKA_USERNAME" not in env  # alize-<service>, the settings' default
        assert "KAFKA_PASSWORD" not in env
        assert env["KAFKA_PASSWORD_FILE"] == "/run/alize/kafka/kafka.password"
        assert service["volumes"] == [f"kafka-{name}-credentials:/run/alize/kafka:ro"], name
        assert service["depends_on"]["kafka-provision"]["condition"] == "service_completed_successfully"
    for name in SERVICES:  # each service's volume: the generator, the broker (format), the service
        users = [
            s
            for s, d in services.items()
            if any(v.startswith(f"kafka-{name}-credentials:") for v in d.get("volumes", []))
        ]
        assert sorted(users) == sorted(["kafka-credentials", "kafka", name]), name


@pytest.mark.infra
async def test_the_local_broker_keeps_events_forever(infrastructure: Infra) -> None:
    if infrastructure.kafka_pid is None:
        pytest.skip("the broker was not started by scripts/infra.sh")
    admin = AIOKafkaAdminClient(**kafka_args(infrastructure.kafka_bootstrap_servers))
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


def test_the_committed_roles_sql_is_the_declaration() -> None:
    """deploy/postgres/roles.sql (run by infra.sh and compose's PostgreSQL) is rendered from
    devstack/pg_roles.py: `uv run devstack pg-roles-sql` after changing the declaration."""
    assert pg_roles.SQL_SCRIPT.read_text() == pg_roles.psql_script()


def test_the_roles_are_declared_for_every_service_and_its_schema() -> None:
    assert [role.service for role in pg_roles.ROLES] == list(SERVICES)
    for role in pg_roles.ROLES:
        settings = importlib.import_module(f"{role.service}.settings")
        declared = getattr(settings, f"{role.service.capitalize()}Settings").model_fields["db_schema"].default
        assert role.schema == declared, role.service
    # infra.sh provisions (and makes passwords for) the same services.
    (listed,) = re.findall(r'^PG_SERVICES="([^"]*)"$', (REPO_ROOT / "scripts" / "infra.sh").read_text(), re.M)
    assert listed.split() == list(SERVICES)


def test_compose_provisions_the_roles_at_init_with_each_service_password() -> None:
    postgres = COMPOSE["services"]["postgres"]
    mounts = dict(reversed(volume.split(":")[:2]) for volume in postgres["volumes"] if volume.startswith("./"))
    script = mounts["/docker-entrypoint-initdb.d/10-roles.sh"]
    assert mounts["/etc/alize/roles.sql"] == "./" + str(pg_roles.SQL_SCRIPT.relative_to(REPO_ROOT))
    init = (REPO_ROOT / script).read_text()
    assert "cat /etc/alize/roles.sql" in init and "ON_ERROR_STOP=1" in init
    (listed,) = re.findall(r"^\s*for service in ([a-z ]+); do$", init, re.M)
    assert listed.split() == list(SERVICES)
    assert sorted(postgres["secrets"]) == sorted(f"pg_{name}_password" for name in SERVICES)
    for name in SERVICES:
        source = COMPOSE["secrets"][f"pg_{name}_password"]["file"]
        assert source == f"./.local/credentials/{name}/postgres.password"


def test_each_compose_service_connects_as_its_own_role() -> None:
    postgres = COMPOSE["services"]["postgres"]["environment"]
    for name in SERVICES:
        service = COMPOSE["services"][name]
        url = urlsplit(service["environment"]["DATABASE_URL"])
        assert url.username == pg_roles.BY_SERVICE[name].role and url.password is None, name
        assert (url.hostname, url.path) == ("postgres", f"/{postgres['POSTGRES_DB']}"), name
        # Its own password, and no other's.
        assert service["secrets"] == [f"pg_{name}_password"], name
        assert service["environment"]["DATABASE_PASSWORD_FILE"] == f"/run/secrets/pg_{name}_password", name


def test_compose_runs_keycloak_with_the_committed_realm_and_the_services_trust_it() -> None:
    keycloak = COMPOSE["services"]["keycloak"]
    version = re.search(r"<keycloak.version>([^<]+)<", (REPO_ROOT / "deploy/keycloak/pom.xml").read_text())
    assert version and keycloak["image"] == f"quay.io/keycloak/keycloak:{version.group(1)}"  # as infra.sh runs
    assert keycloak["command"][0] == "start-dev" and "--import-realm" in keycloak["command"]
    assert "./deploy/keycloak/alize-realm.json:/opt/keycloak/data/import/alize-realm.json:ro" in keycloak["volumes"]
    assert not any("demo" in volume for volume in keycloak["volumes"])  # no demo user, no known password
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
