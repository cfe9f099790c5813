#!/usr/bin/env bash
# The test command (`make test`): unit, integration and end-to-end tests.
# Uses KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL when both are set; otherwise
# starts Kafka and PostgreSQL as local processes (scripts/infra.sh). Extra
# arguments go to pytest, e.g. `make test ARGS="-k committee"`.
#
# `--fast` (`make test-fast`): the tiers without Kafka only — pure tests and
# handlers on PostgreSQL (started alone when DATABASE_URL is not set); no lint.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [ "${1:-}" = "--fast" ]; then
  shift
  bash scripts/bootstrap.sh python  # no Kafka, no browser: PostgreSQL comes from up-postgres
  if [ -z "${DATABASE_URL:-}" ]; then
    infra_env=$(bash scripts/infra.sh up-postgres)
    eval "$infra_env"
  fi
  exec uv run --frozen pytest -m "not infra and not images" "$@"
fi
bash scripts/bootstrap.sh
if [ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ] || [ -z "${DATABASE_URL:-}" ]; then
  # An assignment, not eval "$(...)": a failing infra.sh must stop the run here.
  infra_env=$(bash scripts/infra.sh up)
  eval "$infra_env"
fi
uv run --frozen ruff check .
uv run --frozen mypy
uv run --frozen pytest "$@"
