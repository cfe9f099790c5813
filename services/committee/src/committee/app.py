"""`create_app()`: the committee service (uvicorn committee.app:create_app --factory)."""

from pathlib import Path

from alize_chassis.service import Subscription, create_service_app
from alize_contracts import topics
from fastapi import FastAPI

from committee.entrypoints import router
from committee.service_layer import handlers
from committee.settings import CommitteeSettings


def create_app(settings: CommitteeSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or CommitteeSettings(),
        title="Alize committee",
        migrations_dir=Path(__file__).parent / "migrations",
        routers=[router],
        subscription=Subscription(topics=[topics.CALLS, topics.APPLICATIONS, topics.ADVANCES], handlers=handlers),
    )
