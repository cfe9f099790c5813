"""The inbox alone, on PostgreSQL: an effect that is not idempotent by itself (a
counter) runs once for an event delivered twice, and an id that comes back with
another body is refused. Nothing else here could hide a missing inbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from alize_chassis import db
from alize_chassis.db import CHASSIS_MIGRATIONS
from alize_chassis.inbox import EventIdConflict, apply_once
from alize_chassis.wire import Received, from_kafka, to_kafka
from alize_contracts import ApplicationSubmitted, Jobs

pytestmark = pytest.mark.infra


APPLICATION_ID = uuid4()


def _received(event_id: str, headcount: int) -> Received:
    event = ApplicationSubmitted(
        territory="indre",
        application_id=APPLICATION_ID,
        programme="self_employment",
        firm_id=None,
        submitted_at=datetime(2026, 3, 2, tzinfo=UTC),
        jobs_planned=Jobs(created=1, maintained=0),
        baseline_headcount=headcount,
    )
    message = to_kafka(event, event_id=event_id, service="test", time=datetime.now(UTC))  # type: ignore[arg-type]
    return from_kafka(message.headers, None, message.value)


async def test_an_event_delivered_twice_has_one_effect_and_another_body_under_its_id_is_refused(
    database_url: str,
) -> None:
    await db.migrate(database_url, "inbox_test", [CHASSIS_MIGRATIONS])
    pool = await db.create_pool(database_url, "inbox_test")
    try:
        await pool.execute("CREATE TABLE counter (n integer NOT NULL); INSERT INTO counter VALUES (0)")

        async def count(conn: asyncpg.Connection, event: Any, received: Received) -> None:
            await conn.execute("UPDATE counter SET n = n + 1")  # not idempotent on its own

        event_id = str(uuid4())
        first, again, forged = _received(event_id, 3), _received(event_id, 3), _received(event_id, 4)
        results = []
        for delivery in (first, again):
            async with pool.acquire() as conn, conn.transaction():
                results.append(await apply_once(conn, "counting", delivery, count))
        assert results == [True, False]
        assert await pool.fetchval("SELECT n FROM counter") == 1

        with pytest.raises(EventIdConflict):
            async with pool.acquire() as conn, conn.transaction():
                await apply_once(conn, "counting", forged, count)
        assert await pool.fetchval("SELECT n FROM counter") == 1

        # Another consumer of the same event has an effect of its own.
        async with pool.acquire() as conn, conn.transaction():
            assert await apply_once(conn, "another", again, count)
        assert await pool.fetchval("SELECT n FROM counter") == 2
    finally:
        await pool.close()
