"""`create_app()`: the intake service (uvicorn intake.app:create_app --factory)."""

from pathlib import Path

from alize_chassis.service import Periodic, create_service_app
from fastapi import FastAPI

from intake.entrypoints import router
from intake.service_layer import close_calls_past_their_deadline
from intake.settings import IntakeSettings


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or IntakeSettings(),
        title="Alize intake",
        migrations_dir=Path(__file__).parent / "migrations",
        routers=[router],
        periodic=[Periodic("close calls past their deadline", 60, close_calls_past_their_deadline)],
    )
