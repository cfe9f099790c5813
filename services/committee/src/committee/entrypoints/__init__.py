"""The committee's HTTP API. Writes build a command and hand it to the command bus; reads ask `views`."""

from alize_chassis.access import Caller
from alize_chassis.service import Bus, IdempotencyKey, Pool

__all__ = ["Bus", "Caller", "IdempotencyKey", "Pool"]
