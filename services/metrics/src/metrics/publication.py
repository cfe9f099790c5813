"""A territory's choice to publish its aggregate figures: its figures, dashboard page and
annual report are then served to anyone, signed in or not; never its lineage (which names
firms). The network's staff decides, as a command like any other (audited, retry-safe)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alize_chassis.access import Target
from alize_chassis.api import Strict
from alize_chassis.db import Conn
from alize_chassis.service import Bus, IdempotencyKey, Pool
from alize_chassis.unit_of_work import Command, CommandBus, UnitOfWork
from alize_contracts import Territory
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

router = APIRouter(tags=["publication"])


class Publication(Strict):
    public: bool = Field(description="true: anyone may read the territory's figures, dashboard and report.")


class SetPublication(Command):
    territory: Territory
    public: bool


class PublicationView(BaseModel):
    territory: str
    public: bool
    changed_at: datetime | None = Field(description="When the network last chose; null: never (not public).")


async def set_publication(uow: UnitOfWork, command: SetPublication) -> PublicationView:
    row = await uow.conn.fetchrow(
        """
        INSERT INTO metrics_control.publications (territory, public, changed_at) VALUES ($1, $2, $3)
        ON CONFLICT (territory) DO UPDATE SET public = $2, changed_at = $3
        RETURNING territory, public, changed_at
        """,
        command.territory,
        command.public,
        datetime.now(UTC),
    )
    return PublicationView.model_validate(dict(row))


COMMANDS = CommandBus("metrics", {SetPublication: set_publication})


async def publication(db: Conn, territory: str) -> PublicationView:
    row = await db.fetchrow(
        "SELECT territory, public, changed_at FROM metrics_control.publications WHERE territory = $1", territory
    )
    return (
        PublicationView.model_validate(dict(row))
        if row
        else PublicationView(territory=territory, public=False, changed_at=None)
    )


async def published(request: Request, target: Target) -> bool:
    """Whether the target's territory publishes its figures (a target with no territory never does)."""
    if target.territory is None:
        return False
    return (await publication(request.app.state.runtime.pool, target.territory)).public


async def _the_publication(_: Conn, view: PublicationView) -> PublicationView:
    return view


@router.put("/territories/{territory}/publication", response_model=PublicationView)
async def set_territory_publication(
    territory: Territory, body: Publication, bus: Bus, idempotency_key: IdempotencyKey = None
) -> Any:
    """Publish the territory's aggregate figures (or stop): its network's staff decides."""
    command = SetPublication(territory=territory, public=body.public)
    return await bus.execute(command, idempotency_key=idempotency_key, view=_the_publication)


@router.get("/territories/{territory}/publication")
async def territory_publication(territory: Territory, db: Pool) -> PublicationView:
    return await publication(db, territory)
