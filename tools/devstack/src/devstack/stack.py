"""The four services as separate OS processes (uvicorn), on given infrastructure."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx
import psutil

from devstack import pg_roles
from devstack.infra import Infra

SERVICES = ("intake", "committee", "missions", "metrics")
DEFAULT_PORTS = {"intake": 8001, "committee": 8002, "missions": 8003, "metrics": 8004}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before it runs the service: SIGTERM when the process that started it dies (Linux), so
    a test run killed midway leaves no service behind holding its port and the CPU. (libc is loaded in
    the parent: the child, forked from a process with threads, imports nothing.)"""
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def services_env(found: Infra, database_url: str) -> dict[str, dict[str, str]]:
    """Each service's own variables on `database_url`'s (provisioned) database and `found`'s broker:
    its PostgreSQL role and its Kafka principal, with their password files."""
    databases = pg_roles.stack_database_env(database_url)
    return {name: {**databases[name], **found.kafka_env(name)} for name in SERVICES}


class Stack:
    def __init__(
        self,
        *,
        kafka_bootstrap_servers: str,
        database_url: str,
        log_dir: Path,
        ports: Mapping[str, int] | None = None,
        env: Mapping[str, str] | None = None,
        service_env: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """`service_env`: each service's own variables on top of `env`: its database role
        (`pg_roles.stack_database_env`) and its Kafka principal (`Infra.kafka_env(service)`);
        test-side reads use `database_url`."""
        self.ports = dict(ports or DEFAULT_PORTS)
        self.log_dir = log_dir
        self._env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
            "DATABASE_URL": database_url,
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self._service_env = {name: dict(service_env.get(name, {})) for name in SERVICES} if service_env else {}
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    @property
    def urls(self) -> dict[str, str]:
        return {name: self.url(name) for name in SERVICES}

    @property
    def database_url(self) -> str:
        return self._env["DATABASE_URL"]

    def start(self, timeout: float = 90) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for name in SERVICES:
            log = open(self.log_dir / f"{name}.log", "wb")
            self.processes[name] = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    f"{name}.app:create_app",
                    "--factory",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.ports[name]),
                    "--no-access-log",
                ],
                env={**self._env, **self._service_env.get(name, {}), "OTEL_SERVICE_NAME": f"alize-{name}"},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
            log.close()
        self.wait_healthy(timeout)

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = set(SERVICES)
        while pending:
            for name in sorted(pending):
                proc = self.processes[name]
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.tail(name)}")
                try:
                    if httpx.get(f"{self.url(name)}/health", timeout=2).status_code == 200:
                        pending.discard(name)
                except httpx.HTTPError:
                    pass
            if pending and time.monotonic() > deadline:
                raise TimeoutError(f"not healthy after {timeout:.0f} s: {sorted(pending)}")
            time.sleep(0.3)

    def tail(self, name: str, lines: int = 40) -> str:
        path = self.log_dir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def rss_bytes(self) -> dict[str, int]:
        return {
            name: psutil.Process(proc.pid).memory_info().rss
            for name, proc in self.processes.items()
            if proc.poll() is None
        }

    def stop(self) -> None:
        for proc in self.processes.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.processes.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def __enter__(self) -> Stack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
