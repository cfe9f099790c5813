"""Intake's handlers on PostgreSQL alone (no Kafka): commands through the command bus,
incoming events through the subscription table, each in its unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from alize_chassis.errors import Conflict, Rejected
from alize_chassis.idempotency import KeyReused
from alize_chassis.unit_of_work import policies
from alize_chassis.wire import Received
from alize_contracts import ProjectApproved
from devstack.commands_testing import service_database
from intake import app
from intake.domain import commands as c

TODAY = datetime.now(UTC).date()
MIGRATIONS = Path(app.__file__).parent / "migrations"


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    async with service_database(database_url, "intake", MIGRATIONS) as pool:
        yield pool


def _open_call(closes_on: date = TODAY + timedelta(days=30)) -> c.OpenCall:
    return c.OpenCall(
        territory="indre",
        programme="skill_sponsorship",
        opens_on=TODAY - timedelta(days=30),
        closes_on=closes_on,
        skill_days_budget=60,
        advances_budget_cents=1_000_000,
    )


def _application(call_id: Any, **changes: Any) -> c.CreateApplication:
    values: dict[str, Any] = {
        "call_id": call_id,
        "firm_id": "404 833 048",
        "sector": "C25.62",
        "project_kind": "development",
        "project_summary": "A second line.",
        "jobs_planned": {"created": 3, "maintained": 12},
        "baseline_headcount": 12,
        "skills_needed": ["sales"],
    }
    return c.CreateApplication.model_validate({**values, **changes})


async def _outbox(pool: asyncpg.Pool) -> list[str]:
    return [r["type"].split(".")[-2] for r in await pool.fetch("SELECT type FROM outbox ORDER BY seq")]


async def test_a_submitted_application_is_screened_and_its_events_written_at_commit(pool: asyncpg.Pool) -> None:
    call = await app.COMMANDS.handle(pool, _open_call())
    draft = await app.COMMANDS.handle(pool, _application(call.id))
    assert (draft.status, draft.firm_id, draft.firm_size) == ("draft", "404833048", "small")
    assert await _outbox(pool) == ["opened"]
    submitted = await app.COMMANDS.handle(pool, c.SubmitApplication(application_id=draft.id))
    assert (submitted.status, submitted.screening_reasons) == ("submitted", [])
    assert await _outbox(pool) == ["opened", "submitted", "screened"]
    row = await pool.fetchrow("SELECT screened_eligible, screened_at, submitted_at FROM applications")
    assert row["screened_eligible"] is True and row["screened_at"] == row["submitted_at"]


async def test_a_refused_command_leaves_no_state_and_no_event(pool: asyncpg.Pool) -> None:
    call = await app.COMMANDS.handle(pool, _open_call())
    with pytest.raises(Rejected, match="cannot exceed baseline_headcount"):
        await app.COMMANDS.handle(pool, _application(call.id, jobs_planned={"created": 1, "maintained": 99}))
    with pytest.raises(Rejected, match="in the past"):
        await app.COMMANDS.handle(pool, _open_call(closes_on=TODAY - timedelta(days=1)))
    draft = await app.COMMANDS.handle(pool, _application(call.id, submit=True))
    with pytest.raises(Conflict, match="already submitted"):
        await app.COMMANDS.handle(pool, c.SubmitApplication(application_id=draft.id))
    assert await pool.fetchval("SELECT count(*) FROM applications") == 1
    assert await _outbox(pool) == ["opened", "submitted", "screened"]


async def test_the_same_key_runs_a_command_once(pool: asyncpg.Pool) -> None:
    first = await app.COMMANDS.respond(pool, _open_call(), idempotency_key="key-00001")
    again = await app.COMMANDS.respond(pool, _open_call(), idempotency_key="key-00001")
    assert again == first and first["territory"] == "indre"
    with pytest.raises(KeyReused):
        await app.COMMANDS.respond(pool, _open_call(TODAY + timedelta(days=31)), idempotency_key="key-00001")
    with pytest.raises(KeyReused):  # another command under the same key
        await app.COMMANDS.respond(pool, c.CloseCall(call_id=uuid4()), idempotency_key="key-00001")
    assert await pool.fetchval("SELECT count(*) FROM calls") == 1
    assert await _outbox(pool) == ["opened"]


async def test_a_decided_application_can_no_longer_be_withdrawn(pool: asyncpg.Pool) -> None:
    call = await app.COMMANDS.handle(pool, _open_call())
    application = await app.COMMANDS.handle(pool, _application(call.id, submit=True))
    approved = ProjectApproved(
        territory="indre",
        application_id=application.id,
        programme="skill_sponsorship",
        session_id=uuid4(),
        decided_at=datetime.now(UTC),
        firm_id="404833048",
        skill_days_contracted=10,
        jobs_planned={"created": 3, "maintained": 12},
    )
    handle = policies("intake", app.SUBSCRIPTIONS).get(approved.TYPE)
    assert handle is not None
    async with pool.acquire() as conn, conn.transaction():
        received = Received(str(uuid4()), approved.TYPE, "test", None, approved, b"")
        await handle(conn, approved, received)
    with pytest.raises(Conflict, match="was approved by the committee"):
        await app.COMMANDS.handle(pool, c.WithdrawApplication(application_id=application.id))
    assert await _outbox(pool) == ["opened", "submitted", "screened"]


async def test_calls_past_their_deadline_are_closed_once(pool: asyncpg.Pool) -> None:
    from intake.service_layer.calls import close_calls_past_their_deadline

    call = await app.COMMANDS.handle(pool, _open_call())
    await pool.execute(
        "UPDATE calls SET closes_on = $1, opens_on = $1 WHERE id = $2", TODAY - timedelta(days=2), call.id
    )
    assert await close_calls_past_their_deadline(pool, app.COMMANDS) == 1
    assert await close_calls_past_their_deadline(pool, app.COMMANDS) == 0
    closed = await pool.fetchval("SELECT payload->>'reason' FROM outbox WHERE type LIKE '%closed%'")
    assert closed == "deadline"
