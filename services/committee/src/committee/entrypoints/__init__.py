"""The committee's HTTP API. Writes build a command and hand it to the command bus; reads ask `views`."""

from typing import Annotated

import asyncpg
from alize_chassis.idempotency import IdempotencyKeyHeader
from alize_chassis.service import Commands, commands, pool
from fastapi import Depends

Bus = Annotated[Commands, Depends(commands)]
Pool = Annotated[asyncpg.Pool, Depends(pool)]
IdempotencyKey = Annotated[str | None, IdempotencyKeyHeader]
