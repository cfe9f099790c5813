"""HTTP API of missions: one router per area."""

from typing import Annotated

import asyncpg
from alize_chassis.service import pool
from fastapi import Depends, Header

from missions.domain.parties import Party

Pool = Annotated[asyncpg.Pool, Depends(pool)]


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
