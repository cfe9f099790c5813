"""HTTP API of metrics: the read models per territory and nationally."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from alize_chassis.errors import NotFound
from alize_chassis.service import pool
from fastapi import APIRouter, Depends

from metrics import queries
from metrics.queries import TerritoryMetrics

router = APIRouter(tags=["metrics"])
Pool = Annotated[asyncpg.Pool, Depends(pool)]


@router.get("/metrics/territories", response_model=list[TerritoryMetrics])
async def all_territories(db: Pool) -> list[TerritoryMetrics]:
    return await queries.by_territory(db)


@router.get("/metrics/territories/{territory}", response_model=TerritoryMetrics)
async def one_territory(territory: str, db: Pool) -> TerritoryMetrics:
    found = await queries.by_territory(db, territory)
    if not found:
        raise NotFound(f"no event has been seen yet for territory {territory!r}")
    return found[0]


@router.get("/metrics/national", response_model=TerritoryMetrics)
async def national(db: Pool) -> TerritoryMetrics:
    return await queries.national(db)
