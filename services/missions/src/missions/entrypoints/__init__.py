"""Missions' HTTP API, one router per area. Writes build a command and hand it to the command
bus; reads ask `views`."""

from typing import Annotated

from alize_chassis.access import Caller
from alize_chassis.service import Bus, IdempotencyKey, Pool
from fastapi import Depends

from missions.domain.parties import Party

__all__ = ["ActingFirm", "ActingPartner", "Bus", "Caller", "IdempotencyKey", "Pool"]


def acting_partner(access: Caller) -> Party:
    """The partner company the caller's account acts for (the guard has checked the mission is its own)."""
    return Party("partner", access.party("partner_id") or "")


def acting_firm(access: Caller) -> Party:
    """The host firm the caller's account acts for (the guard has checked the mission is its own)."""
    return Party("firm", access.party("firm_id") or "")


ActingPartner = Annotated[Party, Depends(acting_partner)]
ActingFirm = Annotated[Party, Depends(acting_firm)]
