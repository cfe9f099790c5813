"""Event contracts of the Alize platform (pydantic only, safe for any subscriber)."""

from alize_contracts import topics
from alize_contracts.base import Event, FirmId, Territory
from alize_contracts.events import (
    EVENT_TYPES,
    ApplicationSubmitted,
    JobDeclared,
    Jobs,
    MissionDayLogged,
    Programme,
    ProjectApproved,
    ProjectRejected,
)

SPECVERSION = "1.0"
"""CloudEvents version used on every topic (Kafka binary content mode)."""

__all__ = [
    "EVENT_TYPES",
    "SPECVERSION",
    "ApplicationSubmitted",
    "Event",
    "FirmId",
    "JobDeclared",
    "Jobs",
    "MissionDayLogged",
    "Programme",
    "ProjectApproved",
    "ProjectRejected",
    "Territory",
    "topics",
]
