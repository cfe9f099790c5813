"""What every event contract shares: its wire identity and common fields."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# A territory is a local network ("bassin"), named by a stable lowercase slug:
# "indre", "marseille-metropole", "gard-cevennes", "basse-meuse".
Territory = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=2, max_length=63)]

# Firm identifiers are public business registry numbers, normalised without
# separators: a French SIREN (9 digits) or SIRET (14 digits), or a Belgian
# enterprise number (10 digits, "BE" prefix).
FirmId = Annotated[str, StringConstraints(pattern=r"^(\d{9}|\d{14}|BE\d{10})$")]


class Event(BaseModel):
    """Base of every event's data (the CloudEvent's JSON value).

    Readers ignore fields they do not know (additive changes stay compatible);
    a breaking change is a new event type with a new `.vN` suffix.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    # Wire identity: literals, never derived from class names, so a rename in
    # code cannot change what subscribers see.
    TYPE: ClassVar[str]
    TOPIC: ClassVar[str]
    KEY_FIELD: ClassVar[str]

    territory: Territory = Field(description="Slug of the local network the fact belongs to.")

    def key(self) -> str:
        """Kafka message key: the aggregate id, so one aggregate's events stay in order."""
        return str(getattr(self, self.KEY_FIELD))

    def subject(self) -> str:
        """CloudEvents `subject`: the aggregate id too (opaque, never personal data)."""
        return self.key()
