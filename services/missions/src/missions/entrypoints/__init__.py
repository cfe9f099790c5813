"""Missions' HTTP API, one router per area. Writes build a command and hand it to the command
bus; reads ask `views`."""

from typing import Annotated

from alize_chassis.service import Bus, IdempotencyKey, Pool
from fastapi import Depends, Header

from missions.domain.parties import Party

__all__ = ["ActingParty", "Bus", "IdempotencyKey", "Pool"]


def acting_party(
    alize_party: Annotated[
        str,
        Header(
            max_length=100,
            description="Who acts: 'partner:<partner id>' (the lending company) or 'firm:<firm id>' (the host firm).",
        ),
    ],
) -> Party:
    return Party.parse(alize_party)


ActingParty = Annotated[Party, Depends(acting_party)]
