"""`create_app()`: the metrics service (uvicorn metrics.app:create_app --factory)."""

from pathlib import Path

from alize_chassis.service import Subscription, create_service_app
from alize_contracts import topics
from fastapi import FastAPI

from metrics.entrypoints import router
from metrics.read_models import handlers
from metrics.settings import MetricsSettings


def create_app(settings: MetricsSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or MetricsSettings(),
        title="Alize metrics",
        migrations_dir=Path(__file__).parent / "migrations",
        routers=[router],
        subscription=Subscription(topics=list(topics.ALL), handlers=handlers),
        publishes=False,
    )
