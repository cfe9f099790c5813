"""HTTP API of metrics: indicators per territory and nationally, by year and
programme; their documentation; the lineage of any figure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Any

import asyncpg
from alize_chassis.errors import NotFound
from alize_chassis.service import pool
from alize_contracts import Territory, dates
from fastapi import APIRouter, Depends, Path, Query, Request

from metrics import queries
from metrics.catalogue import CATALOGUE
from metrics.queries import LineageEvent, Programme, TerritoryMetrics

router = APIRouter(tags=["metrics"])


async def _reader(request: Request) -> AsyncIterator[asyncpg.Connection]:
    """A connection on the live schema (it changes when a replay switches)."""
    schema = await request.app.state.active_schema.current()
    async with pool(request).acquire() as conn:
        await conn.execute("SELECT set_config('search_path', $1, false)", schema)
        yield conn


LiveReadModels = Annotated[asyncpg.Connection, Depends(_reader)]
FIRST_YEAR, LAST_YEAR = dates.EARLIEST.year, date.max.year
"""Years a figure can be asked for: no service accepts a date before 1900; 9999 is the last
year a date can have (figures beyond today's planning horizon are simply empty)."""
Year = Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="Only the facts of this year.")]
ProgrammeFilter = Annotated[Programme | None, Query(description="Only this programme.")]


@router.get("/metrics/territories", response_model=list[TerritoryMetrics])
async def all_territories(
    db: LiveReadModels, year: Year = None, programme: ProgrammeFilter = None
) -> list[TerritoryMetrics]:
    return await queries.by_territory(db, None, year, programme)


@router.get("/metrics/territories/{territory}", response_model=TerritoryMetrics)
async def one_territory(
    territory: Territory, db: LiveReadModels, year: Year = None, programme: ProgrammeFilter = None
) -> TerritoryMetrics:
    found = await queries.by_territory(db, territory, year, programme)
    if not found:
        raise NotFound("no event has been seen yet for this territory")
    return found[0]


@router.get("/metrics/national", response_model=TerritoryMetrics)
async def national(db: LiveReadModels, year: Year = None, programme: ProgrammeFilter = None) -> TerritoryMetrics:
    return await queries.national(db, year, programme)


@router.get("/indicators")
async def indicators() -> list[dict[str, Any]]:
    """Each indicator documented once: definition, source events, aggregation, unit, reference."""
    return [i.documentation() for i in CATALOGUE.values()]


@router.get("/lineage/{indicator}")
async def lineage(
    indicator: Annotated[str, Path(max_length=64)],
    db: LiveReadModels,
    territory: Territory | None = None,
    year: Year = None,
    programme: ProgrammeFilter = None,
) -> dict[str, Any]:
    """The events that make up one figure (type, id, time, territory, value)."""
    if indicator not in CATALOGUE:
        raise NotFound("no such indicator; see GET /indicators")
    events: list[LineageEvent] = await queries.lineage(db, indicator, territory, year, programme)
    return {
        "indicator": CATALOGUE[indicator].documentation(),
        "territory": territory or "national",
        "year": year,
        "programme": programme,
        "value": sum(e.value for e in events),
        "events": events,
    }
