"""Counters per territory: the application funnel (received, screened, decided,
withdrawn), sessions held, skill days contracted and delivered (confirmed),
planned jobs, advances through their lifecycle, guidance outcomes."""

from __future__ import annotations

from decimal import Decimal

import asyncpg
from alize_chassis.wire import Received
from alize_contracts import ApplicationSubmitted, ProjectApproved, ProjectRejected
from alize_contracts.events import (
    AdvanceDisbursed,
    AdvanceRepaymentReceived,
    AdvanceWrittenOff,
    ApplicationScreened,
    ApplicationWithdrawn,
    CommitteeSessionHeld,
    MissionClosed,
    MissionDayConfirmed,
    ParticipantOutcomeRecorded,
    ProjectAmended,
    ProjectDeferred,
)

from metrics.read_models import handlers


async def _add(conn: asyncpg.Connection, territory: str, **increments: int | Decimal) -> None:
    columns = list(increments)
    values = list(increments.values())
    placeholders = ", ".join(f"${i + 2}" for i in range(len(columns)))
    updates = ", ".join(f"{c} = territory_activity.{c} + EXCLUDED.{c}" for c in columns)
    await conn.execute(
        f"""
        INSERT INTO territory_activity (territory, {", ".join(columns)})
        VALUES ($1, {placeholders})
        ON CONFLICT (territory) DO UPDATE SET {updates}
        """,
        territory,
        *values,
    )


@handlers.on(ApplicationSubmitted)
async def on_submitted(conn: asyncpg.Connection, event: ApplicationSubmitted, _: Received) -> None:
    await _add(conn, event.territory, applications=1)


@handlers.on(ProjectApproved)
async def on_approved(conn: asyncpg.Connection, event: ProjectApproved, _: Received) -> None:
    await _add(
        conn,
        event.territory,
        approved=1,
        days_contracted=Decimal(str(event.skill_days_contracted)),
        jobs_planned_created=event.jobs_planned.created,
        jobs_planned_maintained=event.jobs_planned.maintained,
        advances_granted=1 if event.advance_amount_cents else 0,
        advances_granted_cents=event.advance_amount_cents or 0,
    )


@handlers.on(ProjectRejected)
async def on_rejected(conn: asyncpg.Connection, event: ProjectRejected, _: Received) -> None:
    await _add(conn, event.territory, rejected=1)


@handlers.on(ProjectAmended)
async def on_amended(conn: asyncpg.Connection, event: ProjectAmended, _: Received) -> None:
    await _add(conn, event.territory, days_contracted=Decimal(str(event.additional_skill_days)))


@handlers.on(MissionDayConfirmed)
async def on_day_confirmed(conn: asyncpg.Connection, event: MissionDayConfirmed, _: Received) -> None:
    """Only days the host firm confirms count as delivered."""
    await _add(conn, event.territory, days_delivered=Decimal(str(event.days)))


@handlers.on(MissionClosed)
async def on_mission_closed(conn: asyncpg.Connection, event: MissionClosed, _: Received) -> None:
    await _add(conn, event.territory, missions_closed=1)


@handlers.on(AdvanceDisbursed)
async def on_disbursed(conn: asyncpg.Connection, event: AdvanceDisbursed, _: Received) -> None:
    await _add(conn, event.territory, advances_disbursed_cents=event.amount_cents)


@handlers.on(AdvanceRepaymentReceived)
async def on_repaid(conn: asyncpg.Connection, event: AdvanceRepaymentReceived, _: Received) -> None:
    await _add(conn, event.territory, advances_repaid_cents=event.amount_cents)


@handlers.on(AdvanceWrittenOff)
async def on_written_off(conn: asyncpg.Connection, event: AdvanceWrittenOff, _: Received) -> None:
    await _add(conn, event.territory, advances_written_off_cents=event.amount_cents)


@handlers.on(ParticipantOutcomeRecorded)
async def on_outcome(conn: asyncpg.Connection, event: ParticipantOutcomeRecorded, _: Received) -> None:
    column = {
        "firm_created": "firms_created",
        "employment": "oriented_to_employment",
        "left_programme": "left_programme",
    }[event.outcome]
    await _add(conn, event.territory, **{column: 1})


@handlers.on(ApplicationScreened)
async def on_screened(conn: asyncpg.Connection, event: ApplicationScreened, _: Received) -> None:
    if event.eligible:
        await _add(conn, event.territory, screened_eligible=1)
    else:
        await _add(conn, event.territory, screened_ineligible=1)


@handlers.on(ProjectDeferred)
async def on_deferred(conn: asyncpg.Connection, event: ProjectDeferred, _: Received) -> None:
    await _add(conn, event.territory, deferred=1)


@handlers.on(ApplicationWithdrawn)
async def on_withdrawn(conn: asyncpg.Connection, event: ApplicationWithdrawn, _: Received) -> None:
    await _add(conn, event.territory, withdrawn=1)


@handlers.on(CommitteeSessionHeld)
async def on_session_held(conn: asyncpg.Connection, event: CommitteeSessionHeld, _: Received) -> None:
    await _add(conn, event.territory, sessions_held=1)
