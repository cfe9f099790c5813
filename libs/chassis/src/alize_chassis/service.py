"""The one way every service is assembled: FastAPI for commands and queries, a
FastStream Kafka broker for consumers and the outbox relay, an asyncpg pool on
the service's own schema, OpenTelemetry throughout."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import asyncpg
from alize_contracts.topics import dead_letter
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from faststream.kafka import KafkaBroker
from opentelemetry import trace

from alize_chassis import audit, db, kafka_acls
from alize_chassis.access import PUBLIC, Access, AccessPolicy, Caller, install_access
from alize_chassis.asyncapi import declare_publishers
from alize_chassis.consumer import Consumer, SchemaProvider
from alize_chassis.db import CHASSIS_MIGRATIONS
from alize_chassis.docs import serve_docs
from alize_chassis.guard import protect
from alize_chassis.idempotency import IdempotencyKeyHeader
from alize_chassis.identity import TokenVerifier, jwks_over_http
from alize_chassis.inbox import Handlers
from alize_chassis.kafka_client import kafka_security
from alize_chassis.outbox import OutboxRelay, purge_published
from alize_chassis.settings import ServiceSettings
from alize_chassis.telemetry import configure_tracing, instrument
from alize_chassis.topics import check_topics, ensure_topics
from alize_chassis.unit_of_work import Actor, Command, CommandBus, View


@dataclass
class Runtime:
    """What a running service holds; reachable from routes as `request.app.state.runtime`."""

    settings: ServiceSettings
    broker: KafkaBroker
    subscription: Subscription | None = None
    _pool: asyncpg.Pool | None = None
    consumers: list[Consumer] = field(default_factory=list)
    commands: CommandBus | None = None

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("the service has not started")
        return self._pool


def runtime(request: Request) -> Runtime:
    """FastAPI dependency: the service's runtime."""
    rt: Runtime = request.app.state.runtime
    return rt


def pool(request: Request) -> asyncpg.Pool:
    """FastAPI dependency: the service's connection pool (for reads)."""
    return runtime(request).pool


@dataclass(frozen=True)
class Commands:
    """What a route hands its command to: the service's command bus on its pool, for this caller."""

    bus: CommandBus
    pool: asyncpg.Pool
    actor: Actor

    async def execute(self, command: Command, *, idempotency_key: str | None = None, view: View | None = None) -> Any:
        return await self.bus.respond(self.pool, command, idempotency_key=idempotency_key, view=view, actor=self.actor)


def commands(request: Request, access: Caller) -> Commands:
    """FastAPI dependency: the service's command bus, acting for the route's caller."""
    rt = runtime(request)
    if rt.commands is None:
        raise RuntimeError(f"{rt.settings.service_name} takes no commands")
    return Commands(rt.commands, rt.pool, actor_of(request, access))


def actor_of(request: Request, access: Access) -> Actor:
    """Who acts, as the audit log records it: the caller, its grant, the route and the request's trace."""
    route = request.scope["route"]
    span = trace.get_current_span().get_span_context()
    return Actor(
        principal=access.caller,
        grant=access.grant,
        route=f"{request.method} {route.path}",
        territory=access.target.territory if access.target else None,
        target={name: str(value) for name, value in request.path_params.items()},
        trace_id=format(span.trace_id, "032x") if span.is_valid else None,
    )


async def _audit_personal_reads(request: Request, access: Caller) -> None:
    """Every route's second step, after the guard: a read of personal data (its rule says `personal_data()`)
    is written to the audit log before it is served; if it cannot be, it is not served."""
    policy: AccessPolicy = request.app.state.access_policy
    if policy.rule(request.method, request.scope["route"].path).personal and access.principal is not None:
        await audit.write(request.app.state.runtime.pool, actor_of(request, access), audit.READ)


Bus = Annotated[Commands, Depends(commands)]
"""A route's parameter: where it hands its command."""
Pool = Annotated[asyncpg.Pool, Depends(pool)]
"""A route's parameter: the pool its reads use."""
IdempotencyKey = Annotated[str | None, IdempotencyKeyHeader]
"""A write route's optional `Idempotency-Key` header."""


@dataclass(frozen=True)
class Periodic:
    """Work the service repeats in the background (e.g. closing calls past their deadline)."""

    name: str
    every_seconds: float
    run: Callable[[asyncpg.Pool], Awaitable[object]]


async def _repeat(task: Periodic, pool: asyncpg.Pool) -> None:
    log = logging.getLogger(__name__)
    while True:
        try:
            await task.run(pool)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("periodic task %s failed; next run in %.0f s", task.name, task.every_seconds)
        await asyncio.sleep(task.every_seconds)


@dataclass(frozen=True)
class Subscription:
    """A consumer the service runs: its topics and its handlers."""

    topics: Sequence[str]
    handlers: Handlers
    schema_provider: SchemaProvider | None = None


def kafka_broker(settings: ServiceSettings, middlewares: Sequence[Any] = ()) -> KafkaBroker:
    """The service's one Kafka client, for its consumers, its relay and its dead letters,
    authenticated as the service's own principal."""
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        security=kafka_security(settings),
        # Topics are created by their owner or by alize-kafka-provision, never by a subscriber.
        allow_auto_create_topics=False,
        middlewares=middlewares,
        client_id=f"alize-{settings.service_name}",
        # The relay marks a row published only once every in-sync replica has it.
        acks="all",
        enable_idempotence=True,
        # Sized to the largest record a topic accepts (a dead letter), not aiokafka's 1 MiB.
        max_request_size=settings.topic_policy.producer_max_request_bytes,
    )


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    migrations_dir: Path,
    routers: Sequence[APIRouter],
    access: AccessPolicy,
    commands: CommandBus | None = None,
    subscription: Subscription | None = None,
    publishes: bool = True,
    periodic: Sequence[Periodic] = (),
) -> FastAPI:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = FastAPI(
        title=title,
        lifespan=_lifespan,
        docs_url=None,
        redoc_url=None,
        swagger_ui_init_oauth={"clientId": settings.oidc_docs_client_id, "usePkceWithAuthorizationCodeGrant": True},
    )
    serve_docs(app)
    protect(app, max_body_bytes=settings.max_request_body_bytes, issuer=settings.oidc_issuer)
    verifier = TokenVerifier(
        issuer=settings.oidc_issuer,
        audience=settings.audience,
        fetch_jwks=jwks_over_http(settings.oidc_issuer, settings.oidc_jwks_url),
    )
    install_access(app, access, verifier)
    app.router.dependencies.append(Depends(_audit_personal_reads))
    provider = configure_tracing(f"alize-{settings.service_name}")
    broker = kafka_broker(settings, middlewares=instrument(app, provider))
    if publishes:
        declare_publishers(broker, settings.service_name)
    rt = Runtime(settings=settings, broker=broker, subscription=subscription, commands=commands)
    if subscription is not None:
        granted = kafka_acls.SUBSCRIPTIONS.get(settings.service_name, ())
        if ungranted := sorted(set(subscription.topics) - set(granted)):
            raise ValueError(
                f"{settings.service_name} subscribes to {ungranted}, which alize_chassis.kafka_acls does not grant"
            )
        rt.consumers.append(
            Consumer(
                broker,
                lambda: rt.pool,
                name=settings.service_name,
                group_id=settings.consumer_group,
                topics=subscription.topics,
                handlers=subscription.handlers,
                max_attempts=settings.consumer_max_attempts,
                schema_provider=subscription.schema_provider,
            )
        )
    app.state.runtime = rt
    app.state.migrations_dir = migrations_dir
    app.state.publishes = publishes
    if publishes:
        retention = timedelta(hours=settings.outbox_retention_hours)
        periodic = [*periodic, Periodic("purge the published outbox", 3600, lambda db: purge_published(db, retention))]
    app.state.periodic = periodic
    for router in routers:
        app.include_router(router)
    app.add_api_route(
        "/health",
        _health,
        methods=["GET"],
        tags=["operations"],
        responses={503: {"description": "The database or Kafka is unreachable; the body says which."}},
    )
    access = access.with_rules({"GET /health": PUBLIC})  # for probes; it shows no data
    if commands is not None:
        app.add_api_route(
            "/audit", audit.audit_log, methods=["GET"], tags=["operations"], response_model=list[audit.AuditEntry]
        )
        access = access.with_rules({"GET /audit": audit.RULE})
    app.state.access_policy = access
    access.check(app)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    rt: Runtime = app.state.runtime
    settings = rt.settings
    await db.migrate(settings.database_dsn, settings.db_schema, [CHASSIS_MIGRATIONS, app.state.migrations_dir])
    # The service creates (and corrects) only the topics it owns; the ones it reads and
    # dead-letters to belong to others: it checks they are there.
    await ensure_topics(settings, kafka_acls.owned_topics(settings.service_name), settings.topic_policy)
    if rt.subscription is not None:
        read = [*rt.subscription.topics, *(dead_letter(t) for t in rt.subscription.topics)]
        await check_topics(settings, read, settings.topic_policy)
    rt._pool = await db.create_pool(settings.database_dsn, settings.db_schema, max_size=settings.db_pool_max_size)
    relay = None
    try:
        await rt.broker.start()
        if app.state.publishes:
            relay = OutboxRelay(
                rt.pool,
                rt.broker,
                lock_name=f"alize.outbox.{settings.db_schema}",
                batch_size=settings.relay_batch_size,
                poll_seconds=settings.relay_poll_seconds,
            )
            await relay.start()
        background = [asyncio.create_task(_repeat(task, rt.pool), name=task.name) for task in app.state.periodic]
        try:
            yield
        finally:
            for running in background:
                running.cancel()
            await asyncio.gather(*background, return_exceptions=True)
    finally:
        if relay is not None:
            await relay.stop()
        await rt.broker.stop()
        await db.close_pool(rt.pool)
        rt._pool = None


async def _health(request: Request, response: Response) -> dict[str, str]:
    rt = runtime(request)
    checks = {"database": "ok", "kafka": "ok"}
    try:
        await rt.pool.fetchval("SELECT 1")
    except Exception as exc:
        checks["database"] = type(exc).__name__
    if not await rt.broker.ping(timeout=2):
        checks["kafka"] = "unreachable"
    if any(v != "ok" for v in checks.values()):
        response.status_code = 503
    return checks
