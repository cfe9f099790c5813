"""Generates the committed AsyncAPI document of each service (`make asyncapi`)."""

from __future__ import annotations

import importlib
from importlib.metadata import version
from pathlib import Path

from alize_chassis.asyncapi import document, render

from devstack.infra import REPO_ROOT
from devstack.stack import SERVICES

DOCUMENTED_BROKER = "kafka:9092"  # as in docker-compose.yml, so the document does not depend on the machine


def path(service: str) -> Path:
    return REPO_ROOT / "services" / service / "asyncapi.json"


def generate(service: str) -> str:
    settings_module = importlib.import_module(f"{service}.settings")
    settings = getattr(settings_module, f"{service.title()}Settings")(kafka_bootstrap_servers=DOCUMENTED_BROKER)
    app = importlib.import_module(f"{service}.app").create_app(settings)
    runtime = app.state.runtime
    consumed = runtime.subscription.handlers.types if runtime.subscription else ()
    spec = document(runtime.broker, title=f"Alize {service}", version=version(f"alize-{service}"), consumed=consumed)
    spec["info"]["description"] = (
        f"Events the {service} service publishes and consumes (contracts {version('alize-contracts')})."
    )
    return render(spec)


def write_all() -> list[Path]:
    written = []
    for service in SERVICES:
        path(service).write_text(generate(service), encoding="utf-8")
        written.append(path(service))
    return written
