"""`create_app()`: the intake service (uvicorn intake.app:create_app --factory)."""

from pathlib import Path

from alize_chassis.service import Periodic, Subscription, create_service_app
from alize_contracts import topics
from fastapi import FastAPI

from intake.entrypoints import router
from intake.service_layer import close_calls_past_their_deadline, handlers
from intake.settings import IntakeSettings


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or IntakeSettings(),
        title="Alize intake",
        migrations_dir=Path(__file__).parent / "migrations",
        routers=[router],
        subscription=Subscription(topics=[topics.PROJECTS], handlers=handlers),
        periodic=[Periodic("close calls past their deadline", 60, close_calls_past_their_deadline)],
    )
