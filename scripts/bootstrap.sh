#!/usr/bin/env bash
# Creates the development environment on a fresh machine: uv, the locked Python
# dependencies (.venv from uv.lock), PostgreSQL from Debian's packages and the
# Kafka broker jars from Maven Central. Idempotent; safe to run every time.
#
# uv: the one on PATH if any, else one installed from PyPI into a private venv,
# .local/uv/ (Debian's python3 refuses `pip install` outside a venv, PEP 668;
# python3-venv comes from apt if missing). Makefile and scripts/test.sh put
# .local/uv/bin on PATH. `scripts/bootstrap.sh uv` does only this part;
# `scripts/bootstrap.sh python` adds the venv but installs no infrastructure.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
UV_VENV=$ROOT/.local/uv

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_uv() {
  echo "[bootstrap] installing uv from PyPI into $UV_VENV" >&2
  rm -rf "$UV_VENV"
  if ! python3 -m venv "$UV_VENV" >/dev/null 2>&1; then
    # Debian ships venv's ensurepip separately.
    rm -rf "$UV_VENV"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$UV_VENV"
  fi
  "$UV_VENV/bin/python" -m pip install --quiet --disable-pip-version-check uv
}

export PATH=$UV_VENV/bin:$PATH
if ! command -v uv >/dev/null 2>&1; then
  install_uv
fi
[ "${1:-}" = uv ] && { uv --version; exit 0; }
uv sync --frozen --quiet
[ "${1:-}" = python ] && exit 0
bash scripts/infra.sh install
