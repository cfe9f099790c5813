"""The one path of every change a service makes: a command from HTTP, or an event
from Kafka, runs in a unit of work.

The unit of work owns the connection and its transaction; the domain raises
events and the unit of work writes them to the outbox at commit, with the trace
context of the work that raised them. For commands it also honours the
Idempotency-Key and continues an application's journey. Routes build a command
and hand it to the service's `CommandBus`; they never open a transaction, and no
service code writes to the outbox.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from alize_contracts import Event
from fastapi.encoders import jsonable_encoder
from opentelemetry.trace import Span
from pydantic import BaseModel, ConfigDict
from pydantic_core import to_jsonable_python

from alize_chassis import audit, idempotency, journey, outbox
from alize_chassis.api import Strict
from alize_chassis.identity import Grant, Principal, Role
from alize_chassis.inbox import Handler, Handlers
from alize_chassis.wire import Received


@dataclass(frozen=True)
class Actor:
    """Who runs a command, and from which request: written to the audit log with the command."""

    principal: Principal
    grant: Grant | None = None
    """The grant the guard accepted (network staff of Indre…)."""
    route: str | None = None
    territory: str | None = None
    target: Mapping[str, str] = field(default_factory=dict)
    """The identifiers of the request's path."""
    trace_id: str | None = None

    @property
    def subject(self) -> str:
        return self.principal.subject

    def acts_as(self, role: Role) -> bool:
        return self.grant is not None and self.grant.role == role


class UnitOfWork:
    """One transaction's work: `conn` to read and write, `emit` for the events raised, `actor` for who
    asked (None for the service's own work: its consumers and periodic tasks)."""

    def __init__(self, conn: asyncpg.Connection, service: str, actor: Actor | None = None) -> None:
        self.conn = conn
        self.service = service
        self.actor = actor
        self._raised: list[outbox.Raised] = []

    @property
    def actor_id(self) -> str | None:
        """Who asked, as events name them (`decided_by`, `recorded_by`): the caller's opaque subject."""
        return self.actor.subject if self.actor else None

    def emit(self, *events: Event) -> None:
        """Events the domain raised: they reach the outbox when the work commits, not before."""
        context = journey.current_context()
        self._raised.extend((event, context) for event in events)

    def journey(self, name: str, stored: Mapping[str, str] | None) -> contextlib.AbstractContextManager[Span]:
        """Continue the journey of the aggregate this work is about (its stored trace
        context): the events emitted inside join that application's trace."""
        return journey.continue_journey(name, stored)

    async def _write_outbox(self) -> None:
        raised, self._raised = self._raised, []
        await outbox.record(self.conn, raised, service=self.service)


@contextlib.asynccontextmanager
async def unit_of_work(pool: asyncpg.Pool, service: str, actor: Actor | None = None) -> AsyncIterator[UnitOfWork]:
    """A transaction on a connection of `pool`; commits (with the raised events) if the block
    ends normally, rolls everything back if it raises."""
    async with pool.acquire() as conn, conn.transaction():
        work = UnitOfWork(conn, service, actor)
        yield work
        await work._write_outbox()


class Command(Strict):
    """A typed request to change something; its fields are all its handler gets. Strict, so a
    command whose fields are exactly a request's body can be that body."""

    model_config = ConfigDict(frozen=True)  # merged with Strict's

    def fingerprint_fields(self) -> dict[str, Any]:
        """What makes two commands the same request (for the Idempotency-Key): the type and
        the fields given, at every depth (a null given is not a field left out). Personal data
        (`PersonalData` models, `PERSONAL_FIELDS`) counts only as given or not: the idempotency
        store keeps no fingerprint of it, and a retry differing only there gets the first response."""
        return {"command": type(self).__name__, "fields": _fingerprinted(self)}


class PersonalData(Strict):
    """A request's part that is personal data (a contact, an expert): never fingerprinted."""


PERSONAL = "<personal data>"


def _fingerprinted(value: Any) -> Any:
    if isinstance(value, PersonalData):
        return PERSONAL
    if isinstance(value, BaseModel):
        personal: frozenset[str] = getattr(type(value), "PERSONAL_FIELDS", frozenset())
        return {
            name: PERSONAL
            if name in personal and getattr(value, name) is not None
            else _fingerprinted(getattr(value, name))
            for name in sorted(value.model_fields_set)
        }
    if isinstance(value, list | tuple):
        return [_fingerprinted(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _fingerprinted(item) for key, item in value.items()}
    return to_jsonable_python(value)


CommandHandler = Callable[[UnitOfWork, Any], Awaitable[Any]]
View = Callable[[asyncpg.Connection, Any], Awaitable[Any]]
"""Reads what a route shows of a handler's result, in the same transaction."""


class CommandBus:
    """A service's commands and their handlers, listed once (in its app.py)."""

    def __init__(self, service: str, handlers: Mapping[type[Command], CommandHandler]) -> None:
        self.service = service
        self._handlers = dict(handlers)

    def _handler(self, command: Command) -> CommandHandler:
        handler = self._handlers.get(type(command))
        if handler is None:
            raise LookupError(f"{self.service} has no handler for {type(command).__name__}")
        return handler

    async def handle(self, pool: asyncpg.Pool, command: Command, actor: Actor | None = None) -> Any:
        """Run `command`'s handler in one unit of work; return its result (a domain object). With an
        `actor`, the command is written to the audit log in the same transaction."""
        async with unit_of_work(pool, self.service, actor) as work:
            result = await self._handler(command)(work, command)
            if actor is not None:
                await audit.write(work.conn, actor, type(command).__name__)
            return result

    async def respond(
        self,
        pool: asyncpg.Pool,
        command: Command,
        *,
        idempotency_key: str | None = None,
        view: View | None = None,
        actor: Actor | None = None,
    ) -> Any:
        """Run `command` for a caller (an HTTP route) and return what `view` makes of its result
        (the result itself without a view) as JSON-compatible data, read in the same unit of work.

        With an `idempotency_key`, the command runs at most once per key: a retry of the
        same command returns the first response, changing nothing; the same key with a
        different command (another type, other fields) is refused (KeyReused, 422). Keys
        belong to the caller and the service: one key names one request of one caller (another
        caller's key is another key, and never replays someone else's response).

        With an `actor`, the command is written to the audit log in the same transaction."""
        handler = self._handler(command)
        scope = self.service if actor is None else f"{self.service}:{actor.subject}"
        async with unit_of_work(pool, self.service, actor) as work:
            if idempotency_key is not None:
                stored = await idempotency.claim(
                    work.conn, scope=scope, key=idempotency_key, request=command.fingerprint_fields()
                )
                if stored is not idempotency.NOT_YET:
                    return stored
            result = await handler(work, command)
            if actor is not None:
                await audit.write(work.conn, actor, type(command).__name__)
            response = jsonable_encoder(await view(work.conn, result) if view else result)
            if idempotency_key is not None:
                await idempotency.remember(work.conn, scope=scope, key=idempotency_key, response=response)
            return response


Policy = Callable[[UnitOfWork, Any, Received], Awaitable[None]]
"""What a service does when an event arrives: (its unit of work, the contract event, metadata)."""


def policies(service: str, table: Mapping[type[Event], Sequence[Policy]]) -> Handlers:
    """A consumer's handlers from a service's subscription table: each policy runs in a
    unit of work on the consumer's transaction (the one that marks the event processed),
    so the events it raises commit with it."""

    def in_unit_of_work(policy: Policy) -> Handler:
        async def handle(conn: asyncpg.Connection, event: Any, received: Received) -> None:
            work = UnitOfWork(conn, service)
            await policy(work, event, received)
            await work._write_outbox()

        return handle

    return Handlers.of({event: [in_unit_of_work(p) for p in effects] for event, effects in table.items()})
