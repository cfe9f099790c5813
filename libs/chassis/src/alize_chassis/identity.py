"""Who calls: an OpenID Connect bearer token, verified against its issuer's keys, read as a `Principal`.

The token is a JWT signed by the issuer (Keycloak locally; any OpenID Connect provider through
`OIDC_ISSUER`). PyJWT checks the signature, the issuer, the audience (the service's own client id) and
the expiry; the issuer's keys (JWKS) are cached and fetched again when a token names a key not seen yet,
so the issuer can rotate its keys, at most once every `min_refresh_seconds` so that tokens naming made-up
keys cannot make the service hammer the issuer.

Roles come from the `groups` claim, one group per role and territory:
`/territories/<territory>/<role>`, `/national/coordinator`, `/platform/admin`, `/services/<service>`.
What an account acts for (its firm, partner company, committee membership, counsellor record) comes
from the claims `firm_id`, `partner_id`, `member_id` and `counsellor_id`, set by the issuer's administrators.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx
import jwt

from alize_chassis.errors import Rejected
from alize_chassis.identifiers import firm_of, normalise_firm_id


class Role(StrEnum):
    STAFF = "network-staff"
    MEMBER = "committee-member"
    PARTNER = "partner"
    FIRM = "firm"
    COUNSELLOR = "counsellor"
    FUNDER = "funder"
    NATIONAL = "national-coordinator"
    ADMIN = "platform-admin"
    SERVICE = "service"


TERRITORIAL = frozenset({Role.STAFF, Role.MEMBER, Role.PARTNER, Role.FIRM, Role.COUNSELLOR, Role.FUNDER})
"""Roles held in one territory; the others (national coordinator, platform admin, service) hold everywhere."""

PARTY_CLAIMS = ("firm_id", "partner_id", "member_id", "counsellor_id")
"""Claims naming what the account acts for; an object carrying the same pair is the caller's own."""

# Asymmetric algorithms only: an HMAC algorithm would let the public key sign tokens, and `none` nothing.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")


@dataclass(frozen=True)
class Grant:
    role: Role
    territory: str | None
    """None: everywhere (national coordinator, platform admin, service account)."""

    def __str__(self) -> str:
        return self.role if self.territory is None else f"{self.role}@{self.territory}"


@dataclass(frozen=True)
class Principal:
    """A verified caller: its opaque subject, its grants and what it acts for."""

    subject: str
    grants: frozenset[Grant] = frozenset()
    parties: frozenset[tuple[str, str]] = frozenset()
    """(claim, value) pairs, e.g. ("partner_id", "3f0c…"), ("firm_id", "404833048")."""

    def holds_anywhere(self, role: Role) -> bool:
        return any(g.role == role for g in self.grants)

    def party(self, claim: str) -> str | None:
        return next((value for name, value in self.parties if name == claim), None)


def principal_of(claims: Mapping[str, Any]) -> Principal:
    """The `Principal` a verified token's claims describe; groups and claims it does not know are ignored.
    A subject that is not 1 to 255 printable ASCII characters without spaces is refused (ValueError): it
    is written to the audit log and carried by events."""
    subject = claims.get("sub")
    if not (isinstance(subject, str) and 0 < len(subject) <= 255 and all("!" <= c <= "~" for c in subject)):
        raise ValueError("the token's subject is not an opaque identifier")
    grants = set()
    groups = claims.get("groups")
    for group in groups if isinstance(groups, list) else ():
        grant = _grant(group) if isinstance(group, str) else None
        if grant is not None:
            grants.add(grant)
    parties = {("subject", subject)}  # what the account itself created (e.g. its application)
    for name in PARTY_CLAIMS:
        value = claims.get(name)
        if isinstance(value, list) and len(value) == 1:  # a multivalued attribute mapper's one value
            value = value[0]
        if isinstance(value, str) and 0 < len(value) <= 64 and value.isprintable():
            parties.add((name, party_value(name, value)))
    return Principal(subject=subject, grants=frozenset(grants), parties=frozenset(parties))


def _grant(path: str) -> Grant | None:
    parts = path.strip("/").split("/")
    match parts:
        case ["territories", territory, role] if role in TERRITORIAL:
            return Grant(Role(role), territory)
        case ["national", "coordinator"]:
            return Grant(Role.NATIONAL, None)
        case ["platform", "admin"]:
            return Grant(Role.ADMIN, None)
        case ["services", _]:
            return Grant(Role.SERVICE, None)
    return None


def party_value(claim: str, value: str) -> str:
    """A party's identifier as the caller's claims and the services' objects both give it: a firm's SIREN
    (or Belgian number), a UUID in lower case, a subject as the issuer wrote it."""
    if claim == "subject":
        return value
    if claim != "firm_id":
        return value.lower()
    try:
        return firm_of(normalise_firm_id(value))  # a SIRET's account acts for its whole firm
    except Rejected:
        return value


class Unauthenticated(Exception):
    """No token, or one that cannot be trusted; the message says which without quoting the token."""

    def __init__(self, message: str, *, error: str | None = "invalid_token") -> None:
        super().__init__(message)
        self.error = error
        """RFC 6750's error code for `WWW-Authenticate`; None when no token was given."""


class IssuerUnavailable(Exception):
    """The issuer's keys cannot be fetched and none are known: no token can be checked (503)."""


JwksFetcher = Callable[[], Awaitable[Mapping[str, Any]]]


@dataclass
class TokenVerifier:
    """Verifies bearer tokens for one audience against one issuer's keys."""

    issuer: str
    audience: str
    fetch_jwks: JwksFetcher
    leeway_seconds: float = 30
    refresh_seconds: float = 300
    min_refresh_seconds: float = 10
    _keys: dict[str, jwt.PyJWK] = field(default_factory=dict)
    _fetched_at: float = float("-inf")
    _attempted_at: float = float("-inf")
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthenticated("the bearer token is not a JWT") from None
        kid, alg = header.get("kid"), header.get("alg")
        if alg not in ALGORITHMS:
            raise Unauthenticated("the bearer token is not signed with an accepted algorithm")
        key = await self._key(kid if isinstance(kid, str) else None)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_seconds,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the bearer token has expired") from None
        except jwt.InvalidAudienceError:
            raise Unauthenticated("the bearer token is not meant for this service") from None
        except jwt.InvalidIssuerError:
            raise Unauthenticated("the bearer token comes from another issuer") from None
        except jwt.PyJWTError:
            raise Unauthenticated("the bearer token is not valid") from None
        try:
            return principal_of(claims)
        except ValueError as exc:
            raise Unauthenticated(str(exc)) from None

    async def _key(self, kid: str | None) -> jwt.PyJWK:
        now = time.monotonic()
        stale = now - self._fetched_at > self.refresh_seconds or kid not in self._keys
        # At most one attempt every min_refresh_seconds, failed or not: an issuer that is down, or tokens
        # naming made-up keys, cost one fetch per interval, and the keys known so far keep serving.
        if stale and now - self._attempted_at > self.min_refresh_seconds:
            async with self._lock:
                if time.monotonic() - self._attempted_at > self.min_refresh_seconds:
                    await self._refresh()
        if not self._keys:
            raise IssuerUnavailable("the issuer's keys have not been fetched yet")
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        found = self._keys.get(kid) if kid is not None else None
        if found is None:
            raise Unauthenticated("the bearer token is signed with a key the issuer does not publish")
        return found

    async def _refresh(self) -> None:
        self._attempted_at = time.monotonic()
        try:
            document = await self.fetch_jwks()
            keys = jwt.PyJWKSet.from_dict(dict(document)).keys
        except (httpx.HTTPError, jwt.PyJWTError, ValueError, KeyError, TypeError) as exc:
            if not self._keys:
                raise IssuerUnavailable(f"the issuer's keys cannot be fetched ({type(exc).__name__})") from exc
            return  # keep the keys known so far; try again after min_refresh_seconds
        self._keys = {k.key_id: k for k in keys if k.key_id and k.public_key_use in (None, "sig")}
        self._fetched_at = time.monotonic()


def jwks_over_http(issuer: str, jwks_url: str | None, *, timeout: float = 5) -> JwksFetcher:
    """Fetches the issuer's keys from `jwks_url`, or from the `jwks_uri` of its discovery document."""

    async def fetch() -> Mapping[str, Any]:
        async with httpx.AsyncClient(timeout=timeout) as http:
            url = jwks_url
            if url is None:
                discovery = await http.get(f"{issuer.rstrip('/')}/.well-known/openid-configuration")
                discovery.raise_for_status()
                url = discovery.json()["jwks_uri"]
            response = await http.get(url)
            response.raise_for_status()
            document: Mapping[str, Any] = response.json()
            return document

    return fetch
