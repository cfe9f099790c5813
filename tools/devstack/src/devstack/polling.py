"""The one polling helper: wait for another part of the system to catch up
(eventual consistency). Tests and the scenario's driver both use it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]],
    until: Callable[[T], bool],
    timeout: float = 30,
    *,
    waiting_for: str | None = None,
    interval: float = 0.2,
) -> T:
    """Poll `probe` every `interval` s until `until(result)`, and return that result.

    After `timeout` s, return the last result (for the caller to assert on), or,
    when `waiting_for` names what was awaited, raise TimeoutError saying so."""
    deadline = time.monotonic() + timeout
    while True:
        result = await probe()
        if until(result):
            return result
        if time.monotonic() > deadline:
            if waiting_for is not None:
                raise TimeoutError(f"timed out waiting for {waiting_for}")
            return result
        await asyncio.sleep(interval)
