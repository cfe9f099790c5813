"""Who may do what: each service declares one table, route, role and scope (`AccessPolicy`), and the chassis
enforces it on every route before the route runs.

A rule names the route's *target* — the territory it acts in and, for one object (a mission, an
advance…), who owns it — and the roles allowed, each with a scope:

- `TERRITORY`: the caller holds the role in the target's territory (a role held everywhere — national
  coordinator, platform admin, service account — reaches every territory, and only it reaches a
  target with no territory);
- `OWN`: one object that is the caller's own (its firm's application, its partner company's mission, a
  session it sits in), wherever it is — a partner company lends its staff to firms of other territories;
  on a list, the caller's role in the list's territory, and the route shows only its own rows (`Access.own`).

No token: 401 with `WWW-Authenticate`. A verified caller outside its rights: 403. A route with no rule
cannot be served: the service refuses to start (`AccessPolicy.check`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from alize_contracts import Territory
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError

from alize_chassis.errors import PROBLEM_JSON, problem
from alize_chassis.identity import (
    Grant,
    IssuerUnavailable,
    Principal,
    Role,
    TokenVerifier,
    Unauthenticated,
    party_value,
)


class Scope(StrEnum):
    TERRITORY = "territory"
    OWN = "own"


@dataclass(frozen=True)
class Target:
    """What a request acts on: a territory (None: no one territory, e.g. national figures) and, for one
    object, who owns it: (claim, value) pairs compared with the caller's (`Principal.parties`)."""

    territory: str | None
    owners: frozenset[tuple[str, str]] = frozenset()
    is_object: bool = False

    @classmethod
    def of(cls, territory: str, **owners: Any) -> Target:
        """One object of `territory` owned by each named party that is set, e.g. `Target.of(t, partner_id=p)`;
        a list names several owners (`member_id=[…]`: each member sitting in a session)."""
        pairs = {
            (claim, party_value(claim, str(value)))
            for claim, given in owners.items()
            for value in (given if isinstance(given, list | tuple | set | frozenset) else [given])
            if value is not None and value != ""
        }
        return cls(territory, frozenset(pairs), is_object=True)


Lookup = Callable[[asyncpg.Pool, str], Awaitable[Target | None]]
"""Reads an object's target from the service's database by the identifier in the path; None: no such object."""


class Resolver:
    """Where a route's target comes from."""

    async def target(self, request: Request) -> Target:
        """The target, or NoSuchObject (404) / RequestValidationError (422) when the request names none."""
        raise NotImplementedError


@dataclass(frozen=True)
class Nowhere(Resolver):
    """A route with no one territory (national figures, the audit of every territory)."""

    async def target(self, request: Request) -> Target:
        return Target(None)


_TERRITORY = TypeAdapter(Territory)


def _territory(value: str, location: tuple[str, str]) -> str:
    """A territory named by the request, checked as its route would check it (422, not a 403 for a typo)."""
    try:
        return _TERRITORY.validate_python(value)
    except ValidationError:
        raise RequestValidationError(
            [{"type": "string_pattern_mismatch", "loc": location, "msg": "Not a territory slug"}]
        ) from None


@dataclass(frozen=True)
class InPath(Resolver):
    """A territory in the path; `everywhere` names the value that means every territory (e.g. 'national')."""

    name: str = "territory"
    everywhere: str | None = None

    async def target(self, request: Request) -> Target:
        territory = request.path_params[self.name]
        return Target(None if territory == self.everywhere else _territory(territory, ("path", self.name)))


@dataclass(frozen=True)
class InQuery(Resolver):
    """A list filtered by a territory in the query; without one it spans every territory."""

    name: str = "territory"

    async def target(self, request: Request) -> Target:
        territory = request.query_params.get(self.name)
        return Target(_territory(territory, ("query", self.name)) if territory is not None else None)


def _body_field(request_body: Any, name: str) -> str:
    value = request_body.get(name) if isinstance(request_body, dict) else None
    if not isinstance(value, str):
        # Refused before anything runs, as the body's own validation would refuse it.
        raise RequestValidationError([{"type": "missing", "loc": ("body", name), "msg": "Field required"}])
    return value


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
        raise RequestValidationError(
            [{"type": "json_invalid", "loc": ("body",), "msg": "Invalid JSON", "ctx": {"error": "cannot be parsed"}}]
        ) from None


def _uuid(value: str, location: tuple[str, str]) -> str:
    """An identifier the request names, checked as its route would check it (422)."""
    try:
        return str(UUID(value))
    except ValueError:
        raise RequestValidationError(
            [{"type": "uuid_parsing", "loc": location, "msg": "Input should be a valid UUID"}]
        ) from None


@dataclass(frozen=True)
class InBody(Resolver):
    """A command whose body names its territory."""

    name: str = "territory"

    async def target(self, request: Request) -> Target:
        return Target(_territory(_body_field(await _json(request), self.name), ("body", self.name)))


@dataclass(frozen=True)
class LookedUp(Resolver):
    """One object, by the identifier in the path (`param`), read from the service's database."""

    param: str
    lookup: Lookup
    uuid: bool = True
    """The identifier is a UUID (refused with 422 otherwise, as the route's own validation would)."""

    async def target(self, request: Request) -> Target:
        value = request.path_params[self.param]
        if self.uuid:
            value = _uuid(value, ("path", self.param))
        found = await self.lookup(request.app.state.runtime.pool, value)
        if found is None:
            raise NoSuchObject()
        return found


@dataclass(frozen=True)
class InBodyLookedUp(Resolver):
    """A command whose body names the object it acts on (e.g. an application's call)."""

    field: str
    lookup: Lookup

    async def target(self, request: Request) -> Target:
        value = _uuid(_body_field(await _json(request), self.field), ("body", self.field))
        found = await self.lookup(request.app.state.runtime.pool, value)
        if found is None:
            raise RequestValidationError(
                [{"type": "not_found", "loc": ("body", self.field), "msg": "Nothing with this identifier"}]
            )
        return found


@dataclass(frozen=True)
class Rule:
    target: Resolver
    allow: Mapping[Role, Scope]
    public: bool = False
    """Anyone, signed in or not (what the network publishes: open calls, eligibility rules)."""
    public_when: Callable[[Request, Target], Awaitable[bool]] | None = None
    """Anyone too when this says the target is public (a territory's figures, published by its choice)."""
    personal: bool = False
    """A read of personal data: each one allowed is written to the audit log before it is served."""

    def with_public(self, when: Callable[[Request, Target], Awaitable[bool]]) -> Rule:
        return replace(self, public_when=when)

    def personal_data(self) -> Rule:
        return replace(self, personal=True)


def allow(target: Resolver, **roles: Scope) -> Rule:
    """A rule: `allow(InPath(), staff=TERRITORY, funder=TERRITORY)`; role names as `ROLES` spells them."""
    return Rule(target, {ROLES[name]: scope for name, scope in roles.items()})


PUBLIC = Rule(Nowhere(), {}, public=True)

ROLES = {
    "staff": Role.STAFF,
    "member": Role.MEMBER,
    "partner": Role.PARTNER,
    "firm": Role.FIRM,
    "counsellor": Role.COUNSELLOR,
    "funder": Role.FUNDER,
    "national": Role.NATIONAL,
    "admin": Role.ADMIN,
    "service": Role.SERVICE,
}


class AccessPolicy:
    """A service's table: 'METHOD /path' → rule."""

    def __init__(self, rules: Mapping[str, Rule]) -> None:
        self.rules = dict(rules)

    def with_rules(self, extra: Mapping[str, Rule]) -> AccessPolicy:
        return AccessPolicy({**self.rules, **extra})

    def rule(self, method: str, path: str) -> Rule:
        return self.rules[f"{method} {path}"]

    def check(self, app: FastAPI) -> None:
        """Every route has a rule and every rule a route: a route added without one fails at start."""
        routes = set(api_routes(app))
        if missing := sorted(routes - self.rules.keys()):
            raise RuntimeError(f"routes with no access rule: {missing}")
        if stale := sorted(self.rules.keys() - routes):
            raise RuntimeError(f"access rules for no route: {stale}")


def api_routes(app: FastAPI) -> Iterable[str]:
    """Every route of `app` as 'METHOD /path', those of included routers too (FastAPI keeps them apart)."""
    pending: list[Any] = list(app.routes)
    while pending:
        route = pending.pop()
        if isinstance(route, APIRoute):
            yield from (f"{method} {route.path}" for method in sorted(route.methods or ()))
        elif hasattr(route, "original_router"):
            if route.include_context.prefix:
                raise RuntimeError("the guard matches a route by its own path: include routers without a prefix")
            pending.extend(route.original_router.routes)


@dataclass(frozen=True)
class Access:
    """What the guard established for one request."""

    principal: Principal | None
    target: Target | None = None
    grant: Grant | None = None
    own: frozenset[tuple[str, str]] | None = None
    """On a list under an `OWN` rule: only rows owned by one of these (claim, value) pairs. None: all rows."""

    @property
    def caller(self) -> Principal:
        if self.principal is None:
            raise RuntimeError("a public route has no caller")
        return self.principal

    def party(self, claim: str) -> str | None:
        return self.principal.party(claim) if self.principal else None

    def sees(self, row: Target) -> bool:
        """Whether a row of a list is shown: all rows, or under an `OWN` rule the caller's own."""
        return self.own is None or bool(row.owners & self.own)


class NotAllowed(Exception):
    """A known caller outside its rights (403)."""


class NoSuchObject(Exception):
    """The object the path names does not exist (404)."""


async def authorize(request: Request) -> Access:
    """The guard every route runs first (FastAPI caches it: a route asking for `Access` gets this one)."""
    route = request.scope["route"]
    policy: AccessPolicy = request.app.state.access_policy
    rule = policy.rule(request.method, route.path)
    required = not rule.public and rule.public_when is None
    principal = await _principal(request, request.headers.get("authorization"), required=required)
    if rule.public:
        return Access(principal)
    candidates = [(role, scope) for role, scope in rule.allow.items() if principal and principal.holds_anywhere(role)]
    if not candidates and rule.public_when is None:
        raise NotAllowed()
    target = await rule.target.target(request)
    if principal is not None and (granted := _granted(principal, candidates, target)):
        return granted
    # Checked only for a caller the rule does not let in: the figures of a territory that publishes them.
    if rule.public_when is not None and await rule.public_when(request, target):
        return Access(principal, target)
    if principal is None:
        raise Unauthenticated("This service needs a bearer token (OpenID Connect).", error=None)
    raise NotAllowed()


def _granted(principal: Principal, candidates: Iterable[tuple[Role, Scope]], target: Target) -> Access | None:
    """The first of the caller's grants that the rule's `candidates` (role, scope) let reach `target`."""
    for role, scope in candidates:
        for grant in principal.grants:
            if grant.role != role:
                continue
            if scope is Scope.OWN and target.is_object and target.owners & principal.parties:
                return Access(principal, target, grant)  # its own object, wherever it is (a partner lends afar)
            if grant.territory is not None and grant.territory != target.territory:
                continue
            if scope is Scope.TERRITORY:
                return Access(principal, target, grant)
            if target.is_object and target.owners & principal.parties:
                return Access(principal, target, grant)
            if not target.is_object:
                return Access(principal, target, grant, own=principal.parties)
    return None


async def _principal(request: Request, authorization: str | None, *, required: bool) -> Principal | None:
    if authorization is None:
        if required:
            raise Unauthenticated("This service needs a bearer token (OpenID Connect).", error=None)
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("The Authorization header is not 'Bearer <token>'.", error="invalid_request")
    verifier: TokenVerifier = request.app.state.token_verifier
    return await verifier.verify(token.strip())


Caller = Annotated[Access, Depends(authorize)]
"""A route's parameter: who calls, with what grant, on what target."""


# --- wiring ----------------------------------------------------------------------------------------


def install_access(app: FastAPI, policy: AccessPolicy, verifier: TokenVerifier, *, realm: str = "alize") -> None:
    """Guard every route of `app` by `policy` (call before adding routes; `policy.check(app)` once they are)."""
    app.state.access_policy = policy
    app.state.token_verifier = verifier
    app.router.dependencies.insert(0, Depends(authorize))
    challenge = f'Bearer realm="{realm}"'

    async def unauthenticated(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Unauthenticated)
        response = problem(401, str(exc))
        response.headers["WWW-Authenticate"] = challenge if exc.error is None else f'{challenge}, error="{exc.error}"'
        return response

    async def not_allowed(_: Request, exc: Exception) -> JSONResponse:
        return problem(403, "Your roles do not allow this, here or on this object.")

    async def no_such_object(_: Request, exc: Exception) -> JSONResponse:
        return problem(404, "Nothing with this identifier.")

    async def identity_unavailable(_: Request, exc: Exception) -> JSONResponse:
        response = problem(503, "Tokens cannot be checked now: the identity provider is unreachable.")
        response.headers["Retry-After"] = "10"
        return response

    app.add_exception_handler(Unauthenticated, unauthenticated)
    app.add_exception_handler(NotAllowed, not_allowed)
    app.add_exception_handler(NoSuchObject, no_such_object)
    app.add_exception_handler(IssuerUnavailable, identity_unavailable)
    document_security(app, f"{verifier.issuer.rstrip('/')}/.well-known/openid-configuration")


def document_security(app: FastAPI, discovery_url: str) -> None:
    """The OpenAPI document names the issuer (Swagger UI's "Authorize" signs in with PKCE) and, per route,
    whether a token is needed and which roles the table allows."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = build()
            policy: AccessPolicy = app.state.access_policy
            spec.setdefault("components", {})["securitySchemes"] = {
                "oidc": {"type": "openIdConnect", "openIdConnectUrl": discovery_url}
            }
            for path, operations in spec.get("paths", {}).items():
                for method, operation in operations.items():
                    rule = policy.rules.get(f"{method.upper()} {path}")
                    if rule is None or rule.public:
                        continue
                    operation["security"] = [{"oidc": []}]
                    allowed = ", ".join(f"{role} ({scope})" for role, scope in rule.allow.items())
                    if rule.public_when is not None:
                        allowed += "; anyone, for a territory that publishes it"
                    if rule.personal:
                        allowed += ". Personal data: each read is written to the audit log"
                    operation["description"] = f"{operation.get('description', '')}\n\nAllowed: {allowed}.".strip()
                    responses = operation.setdefault("responses", {})
                    content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}
                    refused = "No bearer token, or one that cannot be trusted."
                    responses["401"] = {"description": refused, "content": content}
                    responses["403"] = {"description": "The caller's roles do not allow this.", "content": content}
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
