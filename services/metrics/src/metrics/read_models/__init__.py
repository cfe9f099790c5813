"""Read models of the metrics service. Each module registers its idempotent
writes on `handlers`; the consumer runs them in the transaction that marks the
event processed, so a redelivered event changes nothing."""

from alize_chassis.inbox import Handlers

handlers = Handlers()

# Importing the modules registers their projections.
from metrics.read_models import facts, programmes  # noqa: E402

__all__ = ["facts", "handlers", "programmes"]
