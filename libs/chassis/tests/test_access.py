"""The guard on a small app, with tokens signed here (a unit test of the verifier and of the table's
semantics; the services' tests get their tokens from the real Keycloak): 401 with a challenge for no
token or one that cannot be trusted, 403 outside the caller's rights, territory and object scopes, key
rotation, and a route without a rule refused at start."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import httpx
import jwt
import pytest
from alize_chassis.access import (
    PUBLIC,
    AccessPolicy,
    Caller,
    InPath,
    InQuery,
    LookedUp,
    Nowhere,
    Scope,
    Target,
    allow,
    install_access,
)
from alize_chassis.guard import protect
from alize_chassis.identity import IssuerUnavailable, TokenVerifier, principal_of
from alize_chassis.limits import RateLimit
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from fastapi import FastAPI
from jwt.algorithms import RSAAlgorithm
from starlette.exceptions import HTTPException

ISSUER = "http://issuer.test/realms/alize"
AUDIENCE = "alize-test"
MISSION_OF = {"m-indre-p1": Target.of("indre", partner_id="p1", firm_id="404833048")}


class Issuer:
    """Signs tokens with its current key and publishes its keys; `rotate` starts a new key."""

    def __init__(self) -> None:
        self.keys: list[tuple[str, Any]] = []
        self.fetches = 0
        self.rotate()

    def rotate(self) -> None:
        self.keys.append((f"k{len(self.keys)}", rsa.generate_private_key(public_exponent=65537, key_size=2048)))

    async def jwks(self) -> dict[str, Any]:
        self.fetches += 1
        published = []
        for kid, key in self.keys:
            jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
            published.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return {"keys": published}

    def token(self, *, groups: list[str] = (), kid: str | None = None, **claims: Any) -> str:  # type: ignore[assignment]
        now = int(time.time())
        body = {"iss": ISSUER, "aud": [AUDIENCE, "other"], "sub": "user-1", "iat": now, "exp": now + 300}
        body |= {"groups": list(groups), **claims}
        current_kid, key = self.keys[-1]
        return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid or current_kid})


def hmac_token(issuer: Issuer) -> str:
    """A token signed with HMAC keyed by the issuer's public key (PyJWT refuses to make one)."""
    kid, key = issuer.keys[0]

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = part(json.dumps({"alg": "HS256", "kid": kid}).encode())
    body = part(json.dumps({"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "iat": 0, "exp": 2**31}).encode())
    public = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    signature = part(hmac.new(public, f"{header}.{body}".encode(), hashlib.sha256).digest())
    return f"{header}.{body}.{signature}"


async def _mission(_: Any, mission_id: str) -> Target | None:
    return MISSION_OF.get(mission_id)


POLICY = AccessPolicy(
    {
        "GET /open": PUBLIC,
        "POST /territories/{territory}/things": allow(InPath(), staff=Scope.TERRITORY),
        "GET /missions": allow(InQuery(), staff=Scope.TERRITORY, partner=Scope.OWN),
        "GET /missions/{mission_id}": allow(LookedUp("mission_id", _mission, uuid=False), partner=Scope.OWN),
        "GET /national": allow(Nowhere(), national=Scope.TERRITORY, funder=Scope.TERRITORY),
    }
)


def make_app(issuer: Issuer) -> FastAPI:
    app = FastAPI()
    protect(app, max_body_bytes=1024, issuer=ISSUER)
    app.swagger_ui_init_oauth = {"clientId": "alize-docs", "usePkceWithAuthorizationCodeGrant": True}
    install_access(app, POLICY, TokenVerifier(ISSUER, AUDIENCE, issuer.jwks, min_refresh_seconds=0.2))
    app.state.access_policy = POLICY
    app.state.runtime = SimpleNamespace(pool=None)

    @app.get("/open")
    async def open_() -> str:
        return "open"

    @app.post("/territories/{territory}/things")
    async def things(territory: str, access: Caller) -> dict[str, str | None]:
        return {"subject": access.caller.subject, "grant": str(access.grant)}

    @app.get("/missions")
    async def missions(access: Caller, territory: str | None = None) -> list[str]:
        return [m for m, target in MISSION_OF.items() if target.territory == territory and access.sees(target)]

    @app.get("/missions/{mission_id}")
    async def mission(mission_id: str) -> str:
        return mission_id

    @app.get("/national")
    async def national() -> str:
        return "all"

    POLICY.check(app)
    return app


@pytest.fixture
def issuer() -> Issuer:
    return Issuer()


@pytest.fixture
async def client(issuer: Issuer) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(issuer))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_refused(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


async def test_no_token_is_401_with_a_challenge(client: httpx.AsyncClient) -> None:
    response = await client.post("/territories/indre/things")
    assert_refused(response, 401)
    assert response.headers["www-authenticate"] == 'Bearer realm="alize"'
    assert (await client.get("/open")).status_code == 200


@pytest.mark.parametrize(
    "make",
    [
        lambda i: "not-a-jwt",
        lambda i: i.token(exp=int(time.time()) - 3600),
        lambda i: i.token(aud="alize-other"),
        lambda i: i.token(iss="http://elsewhere/realms/alize"),
        lambda i: i.token(kid="unknown-key"),
        lambda i: i.token()[:-4] + "AAAA",  # signature altered
        lambda i: jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "exp": 2**31}, key=None, algorithm="none"),
        # An HMAC token keyed with the issuer's public key: the classic algorithm confusion.
        lambda i: hmac_token(i),
    ],
    ids=["garbage", "expired", "audience", "issuer", "unknown-key", "signature", "alg-none", "hmac-confusion"],
)
async def test_a_token_that_cannot_be_trusted_is_401(client: httpx.AsyncClient, issuer: Issuer, make: Any) -> None:
    response = await client.post("/territories/indre/things", headers=bearer(make(issuer)))
    assert_refused(response, 401)
    assert response.headers["www-authenticate"] == 'Bearer realm="alize", error="invalid_token"'
    # Even where no token is needed, one that cannot be trusted is refused.
    assert_refused(await client.get("/open", headers=bearer(make(issuer))), 401)


async def test_staff_acts_in_its_own_territory_only(client: httpx.AsyncClient, issuer: Issuer) -> None:
    token = issuer.token(groups=["/territories/indre/network-staff"])
    allowed = await client.post("/territories/indre/things", headers=bearer(token))
    assert allowed.status_code == 200, allowed.text
    assert allowed.json() == {"subject": "user-1", "grant": "network-staff@indre"}
    assert_refused(await client.post("/territories/gard/things", headers=bearer(token)), 403)
    funder = issuer.token(groups=["/territories/indre/funder"])
    assert_refused(await client.post("/territories/indre/things", headers=bearer(funder)), 403)
    # A group that only looks like a grant grants nothing.
    forged = issuer.token(groups=["/territories/indre/network-staff/extra", "/territories/indre/root"])
    assert_refused(await client.post("/territories/indre/things", headers=bearer(forged)), 403)


async def test_a_partner_sees_its_own_missions_only(client: httpx.AsyncClient, issuer: Issuer) -> None:
    own = issuer.token(groups=["/territories/indre/partner"], partner_id="P1")
    other = issuer.token(groups=["/territories/indre/partner"], partner_id="p2")
    elsewhere = issuer.token(groups=["/territories/gard/partner"], partner_id="p1")
    assert (await client.get("/missions/m-indre-p1", headers=bearer(own))).status_code == 200
    assert_refused(await client.get("/missions/m-indre-p1", headers=bearer(other)), 403)
    # Its own mission in another territory (a partner lends its staff afar); not that territory's list.
    assert (await client.get("/missions/m-indre-p1", headers=bearer(elsewhere))).status_code == 200
    assert_refused(await client.get("/missions?territory=indre", headers=bearer(elsewhere)), 403)
    assert_refused(await client.get("/missions/nothing", headers=bearer(own)), 404)
    assert (await client.get("/missions?territory=indre", headers=bearer(own))).json() == ["m-indre-p1"]
    assert (await client.get("/missions?territory=indre", headers=bearer(other))).json() == []
    staff = issuer.token(groups=["/territories/indre/network-staff"])
    assert (await client.get("/missions?territory=indre", headers=bearer(staff))).json() == ["m-indre-p1"]
    # A list without a territory spans every territory: a territory's grant does not reach it.
    assert_refused(await client.get("/missions", headers=bearer(staff)), 403)


async def test_only_a_role_held_everywhere_reaches_what_has_no_territory(
    client: httpx.AsyncClient, issuer: Issuer
) -> None:
    national = issuer.token(groups=["/national/coordinator"])
    funder = issuer.token(groups=["/territories/indre/funder"])
    assert (await client.get("/national", headers=bearer(national))).status_code == 200
    assert_refused(await client.get("/national", headers=bearer(funder)), 403)


async def test_keys_are_cached_and_a_rotated_key_is_fetched(client: httpx.AsyncClient, issuer: Issuer) -> None:
    staff = ["/territories/indre/network-staff"]
    for _ in range(3):
        assert (await client.post("/territories/indre/things", headers=bearer(issuer.token(groups=staff)))).is_success
    assert issuer.fetches == 1
    issuer.rotate()
    await asyncio.sleep(0.25)  # tokens naming unknown keys make the service fetch at most every min_refresh_seconds
    assert (await client.post("/territories/indre/things", headers=bearer(issuer.token(groups=staff)))).is_success
    assert issuer.fetches == 2
    for _ in range(5):
        bogus = issuer.token(groups=staff, kid="made-up")
        assert_refused(await client.post("/territories/indre/things", headers=bearer(bogus)), 401)
    assert issuer.fetches <= 3


def test_a_route_without_a_rule_stops_the_service_from_starting(issuer: Issuer) -> None:
    app = make_app(issuer)

    @app.get("/forgotten")
    async def forgotten() -> None: ...

    with pytest.raises(RuntimeError, match="no access rule"):
        POLICY.check(app)


def test_claims_are_read_as_grants_and_parties() -> None:
    principal = principal_of(
        {
            "sub": "s-1",
            "groups": ["/territories/indre/committee-member", "/national/coordinator", "/elsewhere/admin"],
            "firm_id": ["404 833 048 00022"],  # a SIRET's account acts for its firm
            "partner_id": "3F0C",
        }
    )
    assert {str(g) for g in principal.grants} == {"committee-member@indre", "national-coordinator"}
    assert principal.party("firm_id") == "404833048"
    assert principal.party("partner_id") == "3f0c"
    assert principal.party("subject") == "s-1"


async def test_docs_sign_in_at_the_issuer_and_say_what_each_route_needs(client: httpx.AsyncClient) -> None:
    docs = await client.get("/docs")
    assert "connect-src 'self' http://issuer.test" in docs.headers["content-security-policy"]  # the code exchange
    spec = (await client.get("/openapi.json")).json()
    discovery = f"{ISSUER}/.well-known/openid-configuration"
    assert spec["components"]["securitySchemes"] == {"oidc": {"type": "openIdConnect", "openIdConnectUrl": discovery}}
    things = spec["paths"]["/territories/{territory}/things"]["post"]
    assert things["security"] == [{"oidc": []}] and "network-staff (territory)" in things["description"]
    assert {"401", "403"} <= things["responses"].keys()
    assert "security" not in spec["paths"]["/open"]["get"]


def test_a_rate_limit_refuses_past_its_burst_and_says_when_to_come_back() -> None:
    limit = RateLimit(per_minute=6, burst=2)
    limit.check("a")
    limit.check("a")
    with pytest.raises(HTTPException) as refused:
        limit.check("a")
    assert refused.value.status_code == 429 and refused.value.headers == {"Retry-After": "10"}
    limit.check("b")  # each caller has its own bucket


async def test_an_issuer_that_is_down_is_asked_once_per_interval_and_known_keys_keep_serving(
    issuer: Issuer,
) -> None:
    verifier = TokenVerifier(ISSUER, AUDIENCE, issuer.jwks, refresh_seconds=0, min_refresh_seconds=60)
    token = issuer.token(groups=["/territories/indre/network-staff"])
    assert (await verifier.verify(token)).subject == "user-1"

    async def down() -> dict[str, Any]:
        calls.append(1)
        raise httpx.ConnectError("the issuer is down")

    calls: list[int] = []
    verifier.fetch_jwks, verifier.min_refresh_seconds = down, 0.2
    await asyncio.sleep(0.25)
    results = await asyncio.gather(*(verifier.verify(token) for _ in range(10)))
    assert {p.subject for p in results} == {"user-1"} and len(calls) == 1
    fresh = TokenVerifier(ISSUER, AUDIENCE, down)
    with pytest.raises(IssuerUnavailable):
        await fresh.verify(token)
    assert len(calls) == 2
