"""Rate limits for expensive routes (a PDF rendered on demand): a token bucket per caller, in the
service's process (each replica counts its own callers)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from starlette.exceptions import HTTPException


@dataclass
class RateLimit:
    """At most `burst` requests at once, refilled at `per_minute`, per key (a caller's subject)."""

    per_minute: float
    burst: int
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    """key → (tokens left, when counted)."""

    def check(self, key: str) -> None:
        """Take one request for `key`, or refuse it: 429 with `Retry-After`."""
        now = time.monotonic()
        rate = self.per_minute / 60
        tokens, then = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * rate)
        if tokens < 1:
            wait = math.ceil((1 - tokens) / rate)
            raise HTTPException(429, f"Too many requests: try again in {wait} s.", headers={"Retry-After": str(wait)})
        self._buckets[key] = (tokens - 1, now)
        if len(self._buckets) > 10_000:  # forget callers whose bucket is full again
            full = now - self.burst / rate
            self._buckets = {k: v for k, v in self._buckets.items() if v[1] > full}
