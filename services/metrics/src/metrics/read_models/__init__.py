"""One module per read model. Each registers its idempotent upserts on `handlers`;
the consumer runs them in the transaction that marks the event processed."""

from alize_chassis.consumer import Handlers

handlers = Handlers()

# Importing the modules registers their projections.
from metrics.read_models import firms_supported, guidance, jobs_declared, territory_activity  # noqa: E402

__all__ = ["firms_supported", "guidance", "handlers", "jobs_declared", "territory_activity"]
