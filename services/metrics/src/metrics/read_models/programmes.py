"""Which programme each application belongs to, so facts from events that do not
carry it (missions, jobs, advances) can be broken down by programme at query time,
whatever order the topics were read in."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from alize_chassis.wire import Received
from alize_contracts import EVENT_TYPES

from metrics.read_models import Projection

_CARRIERS = frozenset(e for e in EVENT_TYPES.values() if {"application_id", "programme"} <= set(e.model_fields))
"""The event types that name both an application and its programme."""


def programme_rows(received: Received) -> list[tuple[UUID, str]]:
    event: Any = received.event
    return [(event.application_id, event.programme)] if type(event) in _CARRIERS else []


PROGRAMMES = Projection("application_programmes", ("application_id", "programme"), programme_rows, first_wins=True)
