"""Tokens from the identity provider: Keycloak, realm `alize` (deploy/keycloak/alize-realm.json).

`IdentityProvider.token(username, password)` is the password grant of the public
client `alize-cli` (a demo user's token with one command: `devstack token staff.indre`).
With the master realm's admin credentials it also makes accounts for tests:

    idp = IdentityProvider(IdentityConfig.from_env())
    staff = await idp.account(groups=["/territories/test-abc/network-staff"])
    partner = await idp.account(groups=[...], attributes={"partner_id": str(partner_id)})
    client.post(..., headers=staff.headers)  # Authorization: Bearer <access token>, renewed when expired
    await idp.set_attributes(user_id, {"partner_id": ...})  # link an existing account

Password hashing is what an account costs: the realm hashes with PBKDF2-SHA512 at
210,000 iterations (its committed password policy), once when a password is set and
once per password grant. Accounts made here carry a credential hashed in this process
with the realm's own policy, read from the realm — one hash per `IdentityProvider`
(the password is random, shared by the accounts it makes) instead of one per account
— so Keycloak hashes only at the account's first token, and renews tokens with the
refresh token. The realm's policy is never changed.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import http.server
import json
import os
import re
import secrets
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt

REALM = "alize"
CLI_CLIENT = "alize-cli"
SERVICE_AUDIENCES = ("alize-intake", "alize-committee", "alize-missions", "alize-metrics")
DEMO_PASSWORD = "alize-demo"
"""The password of every demo user of the committed realm (a demo realm: not a secret)."""
DEFAULT_PORT = 58080
_EARLY = 15.0  # renew a token this many seconds before it expires
_HASHING = 4  # password grants in flight at once: each is a PBKDF2 hash on Keycloak's few cores
_TIMEOUT = 60.0


class IdentityError(RuntimeError):
    """Keycloak refused or failed a request (the message never carries a password)."""


@dataclass(frozen=True)
class IdentityConfig:
    url: str
    """Keycloak's base URL, e.g. http://127.0.0.1:58080 (the issuer is <url>/realms/alize)."""
    realm: str = REALM
    admin_user: str | None = None
    admin_password: str | None = field(default=None, repr=False)

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{self.realm}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> IdentityConfig:
        """From infra.sh's exports: ALIZE_KEYCLOAK_URL or OIDC_ISSUER, ALIZE_KEYCLOAK_ADMIN and
        ALIZE_KEYCLOAK_ADMIN_PASSWORD_FILE (or ALIZE_KEYCLOAK_ADMIN_PASSWORD); by default the
        local Keycloak on ALIZE_KEYCLOAK_PORT (58080)."""
        env = os.environ if env is None else env
        url = env.get("ALIZE_KEYCLOAK_URL")
        issuer = env.get("OIDC_ISSUER")
        realm = REALM
        if not url and issuer:
            url, _, realm = issuer.rstrip("/").rpartition("/realms/")
        if not url:
            url = f"http://127.0.0.1:{env.get('ALIZE_KEYCLOAK_PORT', DEFAULT_PORT)}"
        password = env.get("ALIZE_KEYCLOAK_ADMIN_PASSWORD")
        password_file = env.get("ALIZE_KEYCLOAK_ADMIN_PASSWORD_FILE")
        if not password and password_file and Path(password_file).is_file():
            password = Path(password_file).read_text().strip()
        return cls(url.rstrip("/"), realm or REALM, env.get("ALIZE_KEYCLOAK_ADMIN"), password)


@dataclass
class _Tokens:
    access: str
    refresh: str | None
    expires_at: float

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> _Tokens:
        expires_at = time.monotonic() + float(body.get("expires_in", 60))
        return cls(body["access_token"], body.get("refresh_token"), expires_at)

    @property
    def fresh(self) -> bool:
        return time.monotonic() < self.expires_at - _EARLY


def claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified (for tests and display; services verify signatures)."""
    decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return decoded


def _refused(response: httpx.Response, what: str) -> IdentityError:
    try:
        body = response.json()
        reason = body.get("error_description") or body.get("errorMessage") or body.get("error") or ""
    except ValueError:
        reason = ""
    return IdentityError(f"{what}: HTTP {response.status_code} {reason}".rstrip())


class Account:
    """An account made for a test: its id (the tokens' `sub`), and a token renewed when expired."""

    def __init__(self, config: IdentityConfig, user_id: str, username: str, password: str, tokens: _Tokens) -> None:
        self.subject = user_id
        self.username = username
        self.password = password
        self._config = config
        self._tokens = tokens

    @property
    def token(self) -> str:
        """The access token, renewed (refresh token, else password) when it is about to expire."""
        if not self._tokens.fresh:
            self._tokens = self._renew()
        return self._tokens.access

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def auth(self) -> Bearer:
        """For a client's `auth=`: unlike its `headers=`, each request gets the token as it is then."""
        return Bearer(self)

    @property
    def claims(self) -> dict[str, Any]:
        return claims(self.token)

    def renew(self) -> str:
        """A new access token now (e.g. after `set_attributes`: claims are read when a token is issued)."""
        self._tokens = self._renew()
        return self._tokens.access

    def _renew(self) -> _Tokens:
        url = f"{self._config.issuer}/protocol/openid-connect/token"
        with httpx.Client(timeout=_TIMEOUT) as http:
            if self._tokens.refresh:
                grant = {"grant_type": "refresh_token", "refresh_token": self._tokens.refresh, "client_id": CLI_CLIENT}
                response = http.post(url, data=grant)
                if response.status_code == 200:
                    return _Tokens.parse(response.json())
            grant = {"grant_type": "password", "username": self.username, "password": self.password}
            response = http.post(url, data={**grant, "client_id": CLI_CLIENT})
        if response.status_code != 200:
            raise _refused(response, f"token for {self.username}")
        return _Tokens.parse(response.json())

    def __repr__(self) -> str:
        return f"Account(subject={self.subject!r}, username={self.username!r})"


class Bearer(httpx.Auth):
    """An account's token on each request of a long-lived client (a scenario, a test of minutes), renewed
    when about to expire; a request that names its own Authorization (another caller) keeps it."""

    def __init__(self, account: Account) -> None:
        self._account = account

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if "authorization" not in request.headers:
            request.headers["Authorization"] = f"Bearer {self._account.token}"
        yield request


class IdentityProvider:
    """An async client of the real Keycloak: tokens, and (with admin credentials) test accounts."""

    def __init__(self, config: IdentityConfig, http: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self._given_http = http
        self._own_http: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._admin: _Tokens | None = None
        self._groups: dict[str, str] = {}
        self._credential: tuple[str, dict[str, Any]] | None = None
        self._admin_lock, self._credential_lock = asyncio.Lock(), asyncio.Lock()
        self._hashing = asyncio.Semaphore(_HASHING)

    def _bind(self) -> None:
        """One HTTP client and set of locks per event loop, so a session-wide provider serves tests
        that each run in their own loop (what it caches — admin token, groups, credential — is loop-free)."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop = loop
            self._admin_lock, self._credential_lock = asyncio.Lock(), asyncio.Lock()
            self._hashing = asyncio.Semaphore(_HASHING)
            if self._given_http is None:
                self._own_http = httpx.AsyncClient(timeout=_TIMEOUT)

    @property
    def _http(self) -> httpx.AsyncClient:
        self._bind()
        http = self._given_http or self._own_http
        assert http is not None
        return http

    async def __aenter__(self) -> IdentityProvider:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._own_http is not None and self._loop is asyncio.get_running_loop():
            await self._own_http.aclose()
        self._own_http = None

    # --- tokens -----------------------------------------------------------

    async def _grant(self, form: Mapping[str, str], what: str) -> _Tokens:
        response = await self._http.post(f"{self.config.issuer}/protocol/openid-connect/token", data=dict(form))
        if response.status_code != 200:
            raise _refused(response, what)
        return _Tokens.parse(response.json())

    async def token(self, username: str, password: str = DEMO_PASSWORD, client_id: str = CLI_CLIENT) -> str:
        """An access token for an account (password grant; alize-cli allows it)."""
        grant = {"grant_type": "password", "client_id": client_id, "username": username, "password": password}
        return (await self._grant(grant, f"token for {username}")).access

    async def service_token(self, service: str) -> str:
        """A service account's token (client credentials of alize-<service>; its secret read through the admin API)."""
        client_id = f"alize-{service}"
        found = await self._admin_request("GET", "/clients", params={"clientId": client_id})
        if found.status_code != 200 or not found.json():
            raise IdentityError(f"no client {client_id} in realm {self.config.realm}")
        secret = await self._admin_request("GET", f"/clients/{found.json()[0]['id']}/client-secret")
        if secret.status_code != 200:
            raise _refused(secret, f"secret of {client_id}")
        grant = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret.json()["value"]}
        return (await self._grant(grant, f"token for {client_id}")).access

    async def discovery(self) -> dict[str, Any]:
        response = await self._http.get(f"{self.config.issuer}/.well-known/openid-configuration")
        response.raise_for_status()
        found: dict[str, Any] = response.json()
        return found

    # --- admin ------------------------------------------------------------

    async def _admin_token(self) -> str:
        self._bind()
        async with self._admin_lock:
            if self._admin is None or not self._admin.fresh:
                if not (self.config.admin_user and self.config.admin_password):
                    raise IdentityError("no Keycloak admin credentials (ALIZE_KEYCLOAK_ADMIN, _PASSWORD_FILE)")
                grant = {"grant_type": "password", "client_id": "admin-cli"}
                grant |= {"username": self.config.admin_user, "password": self.config.admin_password}
                master = f"{self.config.url}/realms/master/protocol/openid-connect/token"
                response = await self._http.post(master, data=grant)
                if response.status_code != 200:
                    raise _refused(response, "Keycloak admin token")
                self._admin = _Tokens.parse(response.json())
            return self._admin.access

    async def _admin_request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = f"{self.config.url}/admin/realms/{self.config.realm}{path}"
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {await self._admin_token()}"}
            response = await self._http.request(method, url, headers=headers, **kwargs)
            if response.status_code != 401 or attempt == 2:
                return response
            self._admin = None
        raise AssertionError("unreachable")

    async def group_id(self, path: str) -> str:
        """The id of the group at `path` (e.g. /territories/test-abc/network-staff), made if missing."""
        if not re.fullmatch(r"(/[^/]+)+", path):
            raise ValueError(f"not a group path: {path!r}")
        if path in self._groups:
            return self._groups[path]
        found = await self._admin_request("GET", f"/group-by-path{path}")
        if found.status_code == 200:
            self._groups[path] = found.json()["id"]
            return self._groups[path]
        parent, _, name = path.rpartition("/")
        where = f"/groups/{await self.group_id(parent)}/children" if parent else "/groups"
        made = await self._admin_request("POST", where, json={"name": name})
        if made.status_code == 409:  # made meanwhile by another test
            return await self.group_id(path)
        if made.status_code != 201:
            raise _refused(made, f"creating group {path}")
        self._groups[path] = made.headers["Location"].rsplit("/", 1)[1]
        return self._groups[path]

    async def _test_credential(self) -> tuple[str, dict[str, Any]]:
        """A random password and its credential hashed here with the realm's own policy."""
        self._bind()
        async with self._credential_lock:
            if self._credential is None:
                password = secrets.token_urlsafe(18)
                realm = await self._admin_request("GET", "")
                policy = (realm.json().get("passwordPolicy") or "") if realm.status_code == 200 else ""
                algorithm = re.search(r"hashAlgorithm\(([^)]+)\)", policy)
                iterations = re.search(r"hashIterations\((\d+)\)", policy)
                digests = {"pbkdf2-sha512": ("sha512", 64), "pbkdf2-sha256": ("sha256", 32)}
                if algorithm and iterations and algorithm.group(1) in digests:
                    digest, size = digests[algorithm.group(1)]
                    count, salt = int(iterations.group(1)), os.urandom(16)
                    hashed = await asyncio.to_thread(hashlib.pbkdf2_hmac, digest, password.encode(), salt, count, size)
                    secret = {"value": base64.b64encode(hashed).decode(), "salt": base64.b64encode(salt).decode()}
                    data = {"hashIterations": count, "algorithm": algorithm.group(1)}
                    credential: dict[str, Any] = {
                        "type": "password",
                        "secretData": json.dumps({**secret, "additionalParameters": {}}),
                        "credentialData": json.dumps({**data, "additionalParameters": {}}),
                    }
                else:  # a policy this cannot reproduce: Keycloak hashes each account's password
                    credential = {"type": "password", "value": password, "temporary": False}
                self._credential = (password, credential)
            return self._credential

    async def account(
        self,
        groups: Iterable[str] = (),
        attributes: Mapping[str, str] | None = None,
        username: str | None = None,
    ) -> Account:
        """A new enabled account in those groups (made if missing) with those attributes, and its token."""
        groups = list(groups)
        for path in groups:
            await self.group_id(path)
        password, credential = await self._test_credential()
        username = username or f"test-{uuid.uuid4().hex[:16]}"
        user = {
            "username": username,
            "enabled": True,
            "email": f"{username}@test.alize.test",
            "emailVerified": True,
            "firstName": "Test",
            "lastName": "Account",
            "groups": groups,
            "attributes": {name: [value] for name, value in (attributes or {}).items()},
            "credentials": [credential],
        }
        made = await self._admin_request("POST", "/users", json=user)
        if made.status_code != 201:
            raise _refused(made, f"creating account {username}")
        user_id = made.headers["Location"].rsplit("/", 1)[1]
        grant = {"grant_type": "password", "client_id": CLI_CLIENT, "username": username, "password": password}
        async with self._hashing:  # many accounts at once queue here, not in Keycloak until a timeout
            tokens = await self._grant(grant, f"token for {username}")
        return Account(self.config, user_id, username, password, tokens)

    async def set_attributes(self, user_id: str, attributes: Mapping[str, str | None]) -> None:
        """Set (or, with None, remove) attributes of an account, e.g. link partner.indre to its partner."""
        found = await self._admin_request("GET", f"/users/{user_id}")
        if found.status_code != 200:
            raise _refused(found, f"reading account {user_id}")
        user = found.json()
        merged = dict(user.get("attributes") or {})
        for name, value in attributes.items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = [value]
        user["attributes"] = merged
        updated = await self._admin_request("PUT", f"/users/{user_id}", json=user)
        if updated.status_code != 204:
            raise _refused(updated, f"updating account {user_id}")

    @contextlib.asynccontextmanager
    async def redirect_allowed(self, client_id: str, redirect_uri: str) -> AsyncIterator[None]:
        """Let public client `client_id` redirect to `redirect_uri` (and its origin fetch tokens: a web origin)
        while the block runs, e.g. a test's /docs on a free port, when the realm allows only fixed ones;
        the two entries are removed after, whatever else changed the client meanwhile."""
        parts = urlsplit(redirect_uri)
        origin = f"{parts.scheme}://{parts.netloc}"
        found = await self._admin_request("GET", "/clients", params={"clientId": client_id})
        if found.status_code != 200 or not found.json():
            raise IdentityError(f"no client {client_id} in realm {self.config.realm}")
        path = f"/clients/{found.json()[0]['id']}"

        async def change(uris: Callable[[list[str]], list[str]], origins: Callable[[list[str]], list[str]]) -> None:
            client = (await self._admin_request("GET", path)).json()
            client["redirectUris"] = uris(client.get("redirectUris") or [])
            client["webOrigins"] = origins(client.get("webOrigins") or [])
            updated = await self._admin_request("PUT", path, json=client)
            if updated.status_code != 204:
                raise _refused(updated, f"updating client {client_id}")

        await change(lambda uris: [*uris, redirect_uri], lambda origins: [*origins, origin])
        try:
            yield
        finally:
            await change(
                lambda uris: [u for u in uris if u != redirect_uri], lambda origins: [o for o in origins if o != origin]
            )


class Accounts:
    """Callers for tests: accounts at the real identity provider, one per role, territory and party,
    created on first use (a test's own territory gets its own accounts), each giving the headers that
    carry its token."""

    def __init__(self, idp: IdentityProvider) -> None:
        self.idp = idp
        self._made: dict[tuple[str, tuple[tuple[str, str], ...]], Account] = {}

    async def account(self, role: str, territory: str | None = None, **parties: object) -> Account:
        """The account holding `role` in `territory` (every territory for the national coordinator, the
        platform admin and a service), acting for `parties` (firm_id=…, partner_id=…), made on first use."""
        everywhere = {"national-coordinator": "/national/coordinator", "platform-admin": "/platform/admin"}
        if role in everywhere:
            group = everywhere[role]
        elif role == "service":
            group = f"/services/{territory or 'test'}"
        else:
            assert territory is not None, f"a {role} acts in a territory"
            group = f"/territories/{territory}/{role}"
        attributes = {name: str(value) for name, value in parties.items()}
        key = (group, tuple(sorted(attributes.items())))
        if key not in self._made:
            self._made[key] = await self.idp.account(groups=[group], attributes=attributes)
        return self._made[key]

    async def headers(self, role: str, territory: str | None = None, **parties: object) -> dict[str, str]:
        """The headers of `account(role, territory, **parties)`, its token as it is now (renewed when about to
        expire: ask again, or use the account's `auth`, on a client that lives for minutes)."""
        return (await self.account(role, territory, **parties)).headers

    async def staff(self, territory: str) -> dict[str, str]:
        return await self.headers("network-staff", territory)

    async def member(self, territory: str, member_id: object) -> dict[str, str]:
        return await self.headers("committee-member", territory, member_id=member_id)

    async def partner(self, territory: str, partner_id: object) -> dict[str, str]:
        return await self.headers("partner", territory, partner_id=partner_id)

    async def firm(self, territory: str, firm_id: object | None = None) -> dict[str, str]:
        return await self.headers("firm", territory, **({"firm_id": firm_id} if firm_id else {}))

    async def funder(self, territory: str) -> dict[str, str]:
        return await self.headers("funder", territory)

    async def national(self) -> dict[str, str]:
        return await self.headers("national-coordinator")


@contextlib.contextmanager
def signed_in(
    upstream: str, headers: Mapping[str, str] | Callable[[], Mapping[str, str]], port: int = 0
) -> Iterator[str]:
    """A local proxy to `upstream` that adds `headers` (a bearer token; a callable is asked at each request,
    e.g. an `Account`'s renewed headers) to each GET: its address. A browser
    cannot send a bearer token on a page visit: the demo and the browser tests look at the dashboard
    through this, as an authenticating proxy in front of the service would."""

    class Forward(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            sent = headers() if callable(headers) else headers
            answer = httpx.get(f"{upstream}{self.path}", headers=dict(sent), timeout=60)
            self.send_response(answer.status_code)
            for name in ("content-type", "content-security-policy", "cache-control"):
                if name in answer.headers:
                    self.send_header(name, answer.headers[name])
            self.send_header("content-length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Forward)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
