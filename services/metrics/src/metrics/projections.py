"""Which read models each event goes to: the one table that the live consumer
subscribes (app.py, through the chassis' `Handlers.of`) and that the replay
applies batch by batch (bulk.py).

Every contract event goes to both read models, each taking what it needs: the
facts ledger adds the facts the event contributes to the indicators (none for,
say, a call opened), the programmes table the programme of the application the
event names, if it names both. So every event type is consumed (and recorded as
processed), as the AsyncAPI document says.
"""

from __future__ import annotations

from alize_contracts import EVENT_TYPES, Event

from metrics.read_models import Projection
from metrics.read_models.facts import FACTS
from metrics.read_models.programmes import PROGRAMMES

PROJECTIONS: dict[type[Event], list[Projection]] = {event: [FACTS, PROGRAMMES] for event in EVENT_TYPES.values()}

READ_MODELS: tuple[Projection, ...] = tuple(dict.fromkeys(p for ps in PROJECTIONS.values() for p in ps))
"""Each read model once, in the table's order."""
