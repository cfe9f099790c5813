"""The committee's HTTP API. Writes build a command and hand it to the command bus; reads ask `views`."""

from alize_chassis.service import Bus, IdempotencyKey, Pool

__all__ = ["Bus", "IdempotencyKey", "Pool"]
