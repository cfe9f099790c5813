#!/usr/bin/env bash
# Creates the development environment on a fresh machine: uv, the locked Python
# dependencies (.venv from uv.lock), PostgreSQL from Debian's packages and the
# Kafka broker jars from Maven Central. Idempotent; safe to run every time.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if ! command -v uv >/dev/null 2>&1; then
  echo "[bootstrap] installing uv from PyPI" >&2
  python3 -m pip install --quiet --disable-pip-version-check uv
fi
uv sync --frozen --quiet
bash scripts/infra.sh install
