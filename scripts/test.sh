#!/usr/bin/env bash
# The test command (`make test`): unit, integration and end-to-end tests.
# Uses KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL when both are set; otherwise
# starts Kafka and PostgreSQL as local processes (scripts/infra.sh). Extra
# arguments go to pytest, e.g. `make test ARGS="-k committee"`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

bash scripts/bootstrap.sh
if [ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ] || [ -z "${DATABASE_URL:-}" ]; then
  # An assignment, not eval "$(...)": a failing infra.sh must stop the run here.
  infra_env=$(bash scripts/infra.sh up)
  eval "$infra_env"
fi
uv run --frozen ruff check .
uv run --frozen mypy
uv run --frozen pytest "$@"
