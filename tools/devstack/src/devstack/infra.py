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

    def identity_env(self) -> dict[str, str]:
        """The variables devstack.identity.IdentityConfig.from_env reads."""
        found = {
            "OIDC_ISSUER": self.oidc_issuer,
            "ALIZE_KEYCLOAK_URL": self.keycloak_url,
            "ALIZE_KEYCLOAK_ADMIN": self.keycloak_admin,
            "ALIZE_KEYCLOAK_ADMIN_PASSWORD_FILE": self.keycloak_admin_password_file,
        }
        return {name: value for name, value in found.items() if value}


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


def from_env() -> Infra | None:
    kafka, db = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("DATABASE_URL")
    if kafka and db:
        pid = os.environ.get("ALIZE_KAFKA_PID")
        return Infra(kafka, db, _pid(pid), os.environ.get("ALIZE_PG_DATA"), **_identity_fields(os.environ))
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
    env = _parse_exports(done.stdout)
    return Infra(
        env["KAFKA_BOOTSTRAP_SERVERS"],
        env["DATABASE_URL"],
        _pid(env.get("ALIZE_KAFKA_PID")),
        env.get("ALIZE_PG_DATA"),
        **_identity_fields(env),
    )


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
