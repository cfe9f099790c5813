"""Helpers for tests that run a service in-process against real infrastructure."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID, uuid4

import httpx
from aiokafka import AIOKafkaProducer
from alize_contracts import Event
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

T = TypeVar("T")


@contextlib.asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Start the app's lifespan (migrations, broker, relay) and give an HTTP client to it."""
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client


async def eventually(
    probe: Callable[[], Awaitable[T]], until: Callable[[T], bool], timeout: float = 30
) -> T:
    """Poll `probe` until `until(result)`; return the last result either way."""
    deadline = time.monotonic() + timeout
    while True:
        result = await probe()
        if until(result) or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.2)


async def publish_raw(
    bootstrap_servers: str, topic: str, value: bytes, *, key: bytes | None = None,
    headers: dict[str, bytes] | None = None,
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key, headers=list((headers or {}).items()))
    finally:
        await producer.stop()


async def publish_event(
    bootstrap_servers: str, event: Event, *, event_id: UUID | None = None, service: str = "test"
) -> UUID:
    """Publish `event` exactly as a service's relay would (CloudEvents binary mode)."""
    from alize_chassis.wire import to_kafka  # the services' mapping, not a copy of it

    event_id = event_id or uuid4()
    message = to_kafka(event, event_id=event_id, service=service, time=datetime.now(UTC))
    key = message.key.encode() if isinstance(message.key, str) else message.key
    await publish_raw(bootstrap_servers, event.TOPIC, message.value, key=key, headers=message.headers)
    return event_id
