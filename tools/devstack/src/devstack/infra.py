"""Where Kafka and PostgreSQL come from: given by the environment, throwaway
containers where a Docker engine answers, or local processes started by
scripts/infra.sh (PostgreSQL from Debian's packages, Kafka from Maven Central).
The identity provider (Keycloak, realm alize) comes from the environment
(OIDC_ISSUER and the admin variables) or from infra.sh too."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(os.environ.get("ALIZE_REPO_ROOT", Path(__file__).resolve().parents[4]))


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap_servers: str
    database_url: str
    """A URL on which the user may CREATE DATABASE (tests make one per test)."""
    kafka_pid: int | None = None
    pg_data: str | None = None
    oidc_issuer: str | None = None
    """The identity provider's issuer (Keycloak's realm alize), when one runs."""
    keycloak_url: str | None = None
    keycloak_admin: str | None = None
    keycloak_admin_password_file: str | None = None
    keycloak_pid: int | None = None

    kafka_security_protocol: str = "PLAINTEXT"
    """SASL_PLAINTEXT on the local broker (scripts/infra.sh); PLAINTEXT on a throwaway container."""
    kafka_sasl_mechanism: str = "SCRAM-SHA-512"
    kafka_credentials: str | None = None
    """A directory with each service's password in <service>/kafka.password (user alize-<service>)."""
    kafka_admin_username: str | None = None
    kafka_admin_password_file: str | None = None

    def identity_env(self) -> dict[str, str]:
        """The variables devstack.identity.IdentityConfig.from_env reads."""
        found = {
            "OIDC_ISSUER": self.oidc_issuer,
            "ALIZE_KEYCLOAK_URL": self.keycloak_url,
            "ALIZE_KEYCLOAK_ADMIN": self.keycloak_admin,
            "ALIZE_KEYCLOAK_ADMIN_PASSWORD_FILE": self.keycloak_admin_password_file,
        }
        return {name: value for name, value in found.items() if value}

    def kafka_settings(self, service: str | None = None) -> dict[str, Any]:
        """The Kafka client settings (KafkaClientSettings' fields) of `service`'s principal,
        or of the admin principal (None): the tests' own producers and consumers use it."""
        found: dict[str, Any] = {"kafka_bootstrap_servers": self.kafka_bootstrap_servers}
        if self.kafka_security_protocol == "PLAINTEXT":
            return found
        found |= {
            "kafka_security_protocol": self.kafka_security_protocol,
            "kafka_sasl_mechanism": self.kafka_sasl_mechanism,
        }
        if service is None:
            return found | {
                "kafka_username": self.kafka_admin_username,
                "kafka_password_file": self.kafka_admin_password_file,
            }
        return found | {
            "kafka_username": f"alize-{service}",
            "kafka_password_file": str(Path(self.kafka_credentials or ".") / service / "kafka.password"),
        }

    def kafka_env(self, service: str | None = None) -> dict[str, str]:
        """The same as environment variables (KAFKA_*), for a service run as a process."""
        return {k.upper(): str(v) for k, v in self.kafka_settings(service).items() if v is not None}

    def kafka_admin(self) -> Any:
        """The admin principal's `KafkaClientSettings`."""
        from alize_chassis.kafka_client import KafkaClientSettings

        return KafkaClientSettings(**self.kafka_settings())

    def exports(self) -> dict[str, str]:
        """The variables scripts/infra.sh prints (and `from_env` reads)."""
        found = {
            **self.identity_env(),
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap_servers,
            "DATABASE_URL": self.database_url,
            "ALIZE_KAFKA_SECURITY_PROTOCOL": self.kafka_security_protocol,
            "ALIZE_KAFKA_SASL_MECHANISM": self.kafka_sasl_mechanism,
            "ALIZE_KAFKA_CREDENTIALS": self.kafka_credentials,
            "ALIZE_KAFKA_ADMIN_USERNAME": self.kafka_admin_username,
            "ALIZE_KAFKA_ADMIN_PASSWORD_FILE": self.kafka_admin_password_file,
        }
        return {k: v for k, v in found.items() if v is not None}


def _pid(value: str | None) -> int | None:
    return int(value) if value else None


def _identity_fields(env: Mapping[str, str]) -> dict[str, Any]:
    return {
        "oidc_issuer": env.get("OIDC_ISSUER") or None,
        "keycloak_url": env.get("ALIZE_KEYCLOAK_URL") or None,
        "keycloak_admin": env.get("ALIZE_KEYCLOAK_ADMIN") or None,
        "keycloak_admin_password_file": env.get("ALIZE_KEYCLOAK_ADMIN_PASSWORD_FILE") or None,
        "keycloak_pid": _pid(env.get("ALIZE_KEYCLOAK_PID")),
    }


def from_exports(env: dict[str, str]) -> Infra:
    pid = env.get("ALIZE_KAFKA_PID")
    return Infra(
        env["KAFKA_BOOTSTRAP_SERVERS"],
        env["DATABASE_URL"],
        _pid(pid),
        env.get("ALIZE_PG_DATA"),
        kafka_security_protocol=env.get("ALIZE_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT"),
        kafka_sasl_mechanism=env.get("ALIZE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
        kafka_credentials=env.get("ALIZE_KAFKA_CREDENTIALS"),
        kafka_admin_username=env.get("ALIZE_KAFKA_ADMIN_USERNAME"),
        kafka_admin_password_file=env.get("ALIZE_KAFKA_ADMIN_PASSWORD_FILE"),
        **_identity_fields(env),
    )


def admin_kafka(bootstrap_servers: str) -> Any:
    """The admin principal's `KafkaClientSettings` for this broker, from the ALIZE_KAFKA_*
    variables (scripts/infra.sh prints them; the `infrastructure` fixture sets them): PLAINTEXT
    when there are none."""
    return from_exports({**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers, "DATABASE_URL": ""}).kafka_admin()


def from_env() -> Infra | None:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS") and os.environ.get("DATABASE_URL"):
        return from_exports(dict(os.environ))
    return None


def _parse_exports(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        if line.startswith("export ") and "=" in line:
            name, _, value = line.removeprefix("export ").partition("=")
            found[name] = value
    return found


def start_local(action: str = "up") -> Infra:
    """Run scripts/infra.sh (`up` or `reset`) and return what it started."""
    done = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "infra.sh"), action],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return from_exports(_parse_exports(done.stdout))


def start_local_keycloak() -> dict[str, str]:
    """Run `scripts/infra.sh up-keycloak` (Keycloak alone) and return its exports
    (OIDC_ISSUER, ALIZE_KEYCLOAK_URL, ALIZE_KEYCLOAK_ADMIN, ALIZE_KEYCLOAK_ADMIN_PASSWORD_FILE…)."""
    done = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "infra.sh"), "up-keycloak"],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return _parse_exports(done.stdout)


def start_local_postgres() -> str:
    """Run `scripts/infra.sh up-postgres` (no Kafka) and return its DATABASE_URL."""
    done = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "infra.sh"), "up-postgres"],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return _parse_exports(done.stdout)["DATABASE_URL"]


def docker_engine_available() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False
