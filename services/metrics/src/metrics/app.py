"""`create_app()`: the metrics service (uvicorn metrics.app:create_app --factory).

It consumes every contract topic and applies to each event the read models that
`PROJECTIONS` lists for its type (metrics/projections.py; the replay applies the
same table)."""

from alize_chassis.access import PUBLIC, AccessPolicy, InPath, InQuery, Nowhere, Resolver, Rule, Scope, allow
from alize_chassis.inbox import Handlers
from alize_chassis.limits import RateLimit
from alize_chassis.service import Subscription, create_service_app
from alize_contracts import topics
from fastapi import FastAPI

from metrics import MIGRATIONS, dashboard, publication, reports
from metrics.active_schema import ActiveSchema
from metrics.entrypoints import router
from metrics.projections import PROJECTIONS
from metrics.settings import MetricsSettings

T = Scope.TERRITORY
READERS = {"staff": T, "funder": T, "national": T}
"""The figures of a territory: its network's staff, its funders and the national coordinator."""


def figures(target: Resolver) -> Rule:
    """Aggregate figures of a territory: its readers, and anyone once the territory publishes them."""
    return allow(target, **READERS).with_public(publication.published)


ACCESS = AccessPolicy(
    {
        "GET /metrics/territories": allow(Nowhere(), national=T),
        "GET /metrics/territories/{territory}": figures(InPath()),
        "GET /metrics/national": allow(Nowhere(), national=T),
        "GET /indicators": PUBLIC,
        # Lineage names the firms behind a figure (a sole trader's SIREN identifies a person).
        "GET /lineage/{indicator}": allow(InQuery(), **READERS),
        "GET /dashboard": allow(Nowhere(), national=T),
        "GET /dashboard/{territory}": figures(InPath()),
        "GET /reports/{scope}/{year}": figures(InPath("scope", everywhere="national")),
        "PUT /territories/{territory}/publication": allow(InPath(), staff=T),
        "GET /territories/{territory}/publication": allow(InPath(), **READERS),
    }
)
"""Who may call each route (alize_chassis.access): every route has its rule."""


def create_app(settings: MetricsSettings | None = None) -> FastAPI:
    settings = settings or MetricsSettings()
    active = ActiveSchema(settings.db_schema)
    app = create_service_app(
        settings,
        title="Alize metrics",
        migrations_dir=MIGRATIONS,
        routers=[router, dashboard.router, reports.router, publication.router],
        access=ACCESS,
        commands=publication.COMMANDS,
        subscription=Subscription(
            topics=list(topics.ALL), handlers=Handlers.of(PROJECTIONS), schema_provider=active.current
        ),
        publishes=False,
    )
    active.bind(lambda: app.state.runtime.pool)
    app.state.active_schema = active
    app.state.pdf_limit = RateLimit(settings.pdf_per_minute, settings.pdf_burst)
    return app
