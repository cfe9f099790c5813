# The two commands a newcomer needs (see README.md), and a few helpers.
.PHONY: demo test test-fast setup schemas asyncapi lint infra-up infra-down

# scripts/bootstrap.sh installs uv there when none is on PATH (stock Debian: PEP 668).
export PATH := $(CURDIR)/.local/uv/bin:$(PATH)

demo: ## Start Kafka, PostgreSQL and the four services locally, run the scenario, print the metrics
	bash scripts/bootstrap.sh
	uv run --frozen devstack demo

test: ## Unit, integration and end-to-end tests on real Kafka and PostgreSQL
	bash scripts/test.sh $(ARGS)

test-fast: ## The tiers without Kafka: pure domain, and handlers on PostgreSQL (well under a minute)
	bash scripts/test.sh --fast $(ARGS)

setup: ## Create the development environment only
	bash scripts/bootstrap.sh

schemas: ## Regenerate the committed JSON Schemas of the event contracts
	uv run --frozen python -m alize_contracts.schemas

asyncapi: ## Regenerate the committed AsyncAPI document of each service
	OTEL_SDK_DISABLED=true uv run --frozen devstack asyncapi

lint:
	uv run --frozen ruff check .
	uv run --frozen ruff format --check .
	uv run --frozen mypy

infra-up:
	bash scripts/infra.sh up

infra-down:
	bash scripts/infra.sh down
