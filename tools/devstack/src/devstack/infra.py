"""Where Kafka and PostgreSQL come from: given by the environment, throwaway
containers where a Docker engine answers, or local processes started by
scripts/infra.sh (PostgreSQL from Debian's packages, Kafka from Maven Central)."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(os.environ.get("ALIZE_REPO_ROOT", Path(__file__).resolve().parents[4]))


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap_servers: str
    database_url: str
    """A URL on which the user may CREATE DATABASE (tests make one per test)."""
    kafka_pid: int | None = None
    pg_data: str | None = None


def from_env() -> Infra | None:
    kafka, db = os.environ.get("KAFKA_BOOTSTRAP_SERVERS"), os.environ.get("DATABASE_URL")
    if kafka and db:
        pid = os.environ.get("ALIZE_KAFKA_PID")
        return Infra(kafka, db, int(pid) if pid else None, os.environ.get("ALIZE_PG_DATA"))
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
    pid = env.get("ALIZE_KAFKA_PID")
    return Infra(
        env["KAFKA_BOOTSTRAP_SERVERS"],
        env["DATABASE_URL"],
        int(pid) if pid else None,
        env.get("ALIZE_PG_DATA"),
    )


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
