"""The four container images start and answer /health.

No Docker engine here: scripts/images.sh builds the images with buildah
(`.ci/run` does it before `make test`). Each test opens one image's rootfs
(`buildah from` + `buildah mount`) and runs the image's own CMD, with the
image's own environment and user, by chroot into it: chroot shares the host's
network, so the service reaches the local Kafka and PostgreSQL on 127.0.0.1.
Only the port (UVICORN_PORT, which the image's CMD reads), the host, the
database, the consumer groups and telemetry are set by the test.

Missing buildah or images: skipped with the reason, a failure under CI=true.
Run just these with `make test ARGS="-m images"`; rebuild with
`bash scripts/images.sh` first to test today's sources.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
import pytest
from devstack import pg_roles
from devstack.infra import REPO_ROOT, Infra
from devstack.stack import SERVICES, free_port
from devstack.testing import SettingsFor, unavailable

pytestmark = [pytest.mark.images, pytest.mark.infra]

TAG = os.environ.get("ALIZE_IMAGE_TAG", "local")
STATE = Path(os.environ.get("ALIZE_STATE_DIR", REPO_ROOT / ".local")) / "images"
START_TIMEOUT = 120.0


def _missing(reason: str) -> None:
    unavailable(reason + " (build them with: bash scripts/images.sh)")


def _buildah(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if (STATE / "containers.conf").exists():
        env["CONTAINERS_CONF"] = str(STATE / "containers.conf")
    return subprocess.run(["buildah", *args], capture_output=True, text=True, check=check, env=env)


@dataclass(frozen=True)
class Rootfs:
    service: str
    image: str
    path: Path
    config: Mapping[str, Any]
    """The image's Docker config: Cmd, Env, User, Healthcheck…"""

    @property
    def env(self) -> dict[str, str]:
        return dict(item.split("=", 1) for item in self.config.get("Env") or [])

    @property
    def userspec(self) -> str:
        user = str(self.config.get("User") or "")
        assert user and user.split(":")[0] not in {"0", "root"}, f"{self.image} runs as root"
        return user if ":" in user else f"{user}:{user}"

    def command(self, argv: Sequence[str], env: Mapping[str, str]) -> list[str]:
        """argv run inside the image as its user, with exactly `env` (PATH from it too)."""
        assignments = [f"{name}={value}" for name, value in env.items()]
        return ["chroot", f"--userspec={self.userspec}", str(self.path), "env", "-i", *assignments, *argv]


@pytest.fixture(params=SERVICES)
def rootfs(request: pytest.FixtureRequest) -> Iterator[Rootfs]:
    image = f"localhost/alize-{request.param}:{TAG}"
    if shutil.which("buildah") is None:
        _missing("buildah is not installed, so the images cannot be opened")
    if os.geteuid() != 0:
        _missing("opening the images (root's buildah storage) and chroot need root")
    inspected = _buildah("inspect", "--type", "image", image, check=False)
    if inspected.returncode != 0:
        _missing(f"image {image} is not built")
    config = json.loads(inspected.stdout)["Docker"]["config"]
    container = _buildah("from", "--name", f"alize-test-{uuid.uuid4().hex[:10]}", image).stdout.strip()
    try:
        path = Path(_buildah("mount", container).stdout.strip())
        try:
            yield Rootfs(request.param, image, path, config)
        finally:
            _buildah("umount", container, check=False)
    finally:
        _buildah("rm", container, check=False)


def _wait_for_health(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the image's CMD exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text[:200]}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.5)
    pytest.fail(f"{url} did not answer 200 in {START_TIMEOUT:.0f} s ({last}):\n{log.read_text()[-4000:]}")


def _stop(process: subprocess.Popen[bytes]) -> int | None:
    """SIGTERM, as a container runtime sends; the exit status, or None when it had to be killed."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return None
    return process.returncode


def _kafka_env(infrastructure: Infra, service: str) -> dict[str, str]:
    """The service's Kafka principal, its password given in the environment: the image (uid 10001,
    in its own rootfs) cannot read the host's mode-0600 password file."""
    env = infrastructure.kafka_env(service)
    if password_file := env.pop("KAFKA_PASSWORD_FILE", None):
        env["KAFKA_PASSWORD"] = Path(password_file).read_text().strip()
    return env


def test_the_images_cmd_starts_and_answers_health(
    rootfs: Rootfs, infrastructure: Infra, database_url: str, service_databases: SettingsFor, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **rootfs.env,
        "UVICORN_HOST": "127.0.0.1",
        "UVICORN_PORT": str(port),
        **_kafka_env(infrastructure, rootfs.service),
        # The service's own role (the image's user may not read our password files: in the URL).
        "DATABASE_URL": pg_roles.role_url(database_url, rootfs.service, with_password=True),
        "CONSUMER_GROUP_SUFFIX": f"image-test-{uuid.uuid4().hex[:10]}",
        "OTEL_SERVICE_NAME": f"alize-{rootfs.service}",
        "OTEL_SDK_DISABLED": "true",
        "OTEL_TRACES_EXPORTER": "none",
    }
    cmd = rootfs.config["Cmd"]
    assert cmd and "--port" not in cmd, "the port must come from UVICORN_PORT"
    log = tmp_path / f"{rootfs.service}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            rootfs.command(cmd, env), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_for_health(process, f"http://127.0.0.1:{port}/health", log)
        # The image's own HEALTHCHECK, run inside it, agrees.
        kind, *check = rootfs.config["Healthcheck"]["Test"]
        assert kind == "CMD", f"HEALTHCHECK must not need a shell: {kind}"
        done = subprocess.run(rootfs.command(check, env), capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
    finally:
        code = _stop(process)
    # uvicorn shuts down, then re-raises the SIGTERM it caught (status -15).
    output = log.read_text()
    assert code in {0, -signal.SIGTERM} and "Application shutdown complete" in output, (
        f"no clean stop on SIGTERM (status {code}):\n{output[-4000:]}"
    )


def test_every_console_script_runs_inside_the_image(rootfs: Rootfs) -> None:
    """A venv moved after it was built keeps shebangs naming the old path: every
    script in the venv must name an interpreter that exists in the image, and the
    service's own console scripts (metrics-replay) answer --help."""
    bin_dir = rootfs.path / "app" / ".venv" / "bin"
    interpreters = set()
    for script in bin_dir.iterdir():
        if script.is_file() and not script.is_symlink():
            with script.open("rb") as f:
                first = f.readline()
            if first.startswith(b"#!"):
                interpreters.add(first[2:].decode().split()[0])
    assert interpreters, f"no console scripts in {bin_dir}"
    for interpreter in sorted(interpreters):
        done = subprocess.run(
            rootfs.command([interpreter, "-c", "import sys"], rootfs.env), capture_output=True, text=True
        )
        assert done.returncode == 0, f"shebang {interpreter} does not run in {rootfs.image}: {done.stderr}"

    site = next((rootfs.path / "app" / ".venv" / "lib").glob("python3*/site-packages"))
    (dist_info,) = site.glob(f"alize_{rootfs.service}-*.dist-info")
    scripts = [entry.name for entry in metadata.Distribution.at(dist_info).entry_points.select(group="console_scripts")]
    for script in scripts:
        done = subprocess.run(
            rootfs.command([script, "--help"], rootfs.env), capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0 and "Usage" in done.stdout, f"{script} --help in {rootfs.image}: {done.stderr}"
    if rootfs.service == "metrics":
        assert "metrics-replay" in scripts
