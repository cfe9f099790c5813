"""Missions' HTTP API, one router per area. Writes build a command and hand it to the command
bus; reads ask `views`."""

from typing import Annotated

import asyncpg
from alize_chassis.idempotency import IdempotencyKeyHeader
from alize_chassis.service import Commands, commands, pool
from fastapi import Depends, Header

from missions.domain.parties import Party

Bus = Annotated[Commands, Depends(commands)]
Pool = Annotated[asyncpg.Pool, Depends(pool)]
IdempotencyKey = Annotated[str | None, IdempotencyKeyHeader]


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
