"""The unit of work and the command bus on PostgreSQL alone: raised events reach the
outbox at commit and never on a rollback, each with the trace context it was raised
in; an Idempotency-Key runs a command once, even when two requests race with it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import ClassVar
from uuid import uuid4

import asyncpg
import pytest
from alize_chassis import db
from alize_chassis.db import CHASSIS_MIGRATIONS
from alize_chassis.idempotency import KeyReused
from alize_chassis.telemetry import configure_tracing
from alize_chassis.unit_of_work import Command, CommandBus, PersonalData, UnitOfWork, unit_of_work
from alize_contracts import ApplicationSubmitted, Jobs
from opentelemetry import trace

SCHEMA = "uow_test"


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    await db.migrate(database_url, SCHEMA, [CHASSIS_MIGRATIONS])
    pool = await db.create_pool(database_url, SCHEMA, max_size=4)
    await pool.execute("CREATE TABLE things (name text PRIMARY KEY)")
    yield pool
    await pool.close()


def _event(headcount: int = 1) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        territory="indre",
        application_id=uuid4(),
        programme="self_employment",
        firm_id=None,
        submitted_at=datetime.now(UTC),
        jobs_planned=Jobs(created=1, maintained=0),
        baseline_headcount=headcount,
    )


async def _outbox(pool: asyncpg.Pool) -> list[asyncpg.Record]:
    return await pool.fetch("SELECT aggregateid, headers FROM outbox ORDER BY seq")


async def test_raised_events_are_written_at_commit_only(pool: asyncpg.Pool) -> None:
    first, second = _event(), _event()
    async with unit_of_work(pool, "test") as work:
        work.emit(first, second)
        assert await work.conn.fetchval("SELECT count(*) FROM outbox") == 0  # not before the commit
    assert [r["aggregateid"] for r in await _outbox(pool)] == [str(first.application_id), str(second.application_id)]

    with pytest.raises(RuntimeError):
        async with unit_of_work(pool, "test") as work:
            await work.conn.execute("INSERT INTO things VALUES ('lost')")
            work.emit(_event())
            raise RuntimeError("refused after raising an event")
    assert len(await _outbox(pool)) == 2
    assert await pool.fetchval("SELECT count(*) FROM things") == 0


async def test_each_event_keeps_the_trace_context_it_was_raised_in(pool: asyncpg.Pool) -> None:
    configure_tracing("uow-test")
    journey_started = _event()
    with trace.get_tracer(__name__).start_as_current_span("first request"):
        async with unit_of_work(pool, "test") as work:
            work.emit(journey_started)
    stored = (await _outbox(pool))[0]["headers"]
    with trace.get_tracer(__name__).start_as_current_span("later request") as request:
        async with unit_of_work(pool, "test") as work:
            work.emit(_event(2))  # in the request's own trace
            with work.journey("continue", stored):
                work.emit(_event(3))  # in the journey's trace
        request_trace = format(request.get_span_context().trace_id, "032x")
    journey_trace = stored["traceparent"].split("-")[1]
    traces = [r["headers"]["traceparent"].split("-")[1] for r in await _outbox(pool)]
    assert traces == [journey_trace, request_trace, journey_trace]
    assert journey_trace != request_trace


class AddThing(Command):
    name: str
    note: str | None = None


async def _add_thing(work: UnitOfWork, command: AddThing) -> dict[str, str]:
    await asyncio.sleep(0.2)  # long enough for a racing retry to arrive meanwhile
    await work.conn.execute("INSERT INTO things VALUES ($1)", command.name)
    work.emit(_event())
    return {"added": command.name, "at": datetime.now(UTC).isoformat()}  # jsonb would put "at" first


BUS = CommandBus("test", {AddThing: _add_thing})


async def test_an_idempotency_key_runs_a_command_once_even_when_retries_race(pool: asyncpg.Pool) -> None:
    responses = await asyncio.gather(
        *(BUS.respond(pool, AddThing(name="a"), idempotency_key="race-0001") for _ in range(3))
    )
    assert responses[0]["added"] == "a"
    assert len({json.dumps(r) for r in responses}) == 1  # the same bytes, keys in the first response's order
    assert await pool.fetchval("SELECT count(*) FROM things") == 1
    assert len(await _outbox(pool)) == 1
    with pytest.raises(KeyReused):
        await BUS.respond(pool, AddThing(name="b"), idempotency_key="race-0001")
    with pytest.raises(KeyReused):  # a null given is another request than a field left out
        await BUS.respond(pool, AddThing(name="a", note=None), idempotency_key="race-0001")
    assert await pool.fetchval("SELECT count(*) FROM things") == 1


async def test_a_failed_command_frees_its_key(pool: asyncpg.Pool) -> None:
    await pool.execute("INSERT INTO things VALUES ('taken')")
    with pytest.raises(asyncpg.UniqueViolationError):
        await BUS.respond(pool, AddThing(name="taken"), idempotency_key="fail-0001")
    await pool.execute("DELETE FROM things")
    assert (await BUS.respond(pool, AddThing(name="taken"), idempotency_key="fail-0001"))["added"] == "taken"
    assert len(await _outbox(pool)) == 1


def test_the_fingerprint_keeps_no_personal_data_only_whether_it_was_given() -> None:
    class Contact(PersonalData):
        email: str

    class Apply(Command):
        PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset({"note"})
        firm: str
        contact: Contact | None = None
        note: str | None = None

    first = Apply(firm="404833048", contact=Contact(email="ada@example.org"), note="Ada's firm").fingerprint_fields()
    assert "ada" not in json.dumps(first).lower()
    assert first == Apply(firm="404833048", contact=Contact(email="bo@example.org"), note="x").fingerprint_fields()
    assert first != Apply(firm="404833048", contact=None, note="x").fingerprint_fields()  # given as null
    assert first != Apply(firm="404833048", note="x").fingerprint_fields()  # left out
    assert first != Apply(firm="732829320", contact=Contact(email="a@b.c"), note="x").fingerprint_fields()
