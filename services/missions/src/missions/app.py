"""`create_app()`: the missions service (uvicorn missions.app:create_app --factory)."""

from pathlib import Path

from alize_chassis.service import Subscription, create_service_app
from alize_contracts import topics
from fastapi import FastAPI

from missions.entrypoints import advances, guidance, jobs, missions
from missions.service_layer import handlers
from missions.settings import MissionsSettings


def create_app(settings: MissionsSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or MissionsSettings(),
        title="Alize missions",
        migrations_dir=Path(__file__).parent / "migrations",
        routers=[missions.router, jobs.router, advances.router, guidance.router],
        subscription=Subscription(topics=[topics.PROJECTS], handlers=handlers),
    )
