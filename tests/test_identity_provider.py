"""The identity provider: the real Keycloak and its realm `alize` give the tokens the
services verify (the claims contract: issuer, audiences, groups, link attributes)."""

from __future__ import annotations

import dataclasses
import json
import uuid
from typing import Any

import httpx
import pytest
from alize_chassis.identity import PARTY_CLAIMS
from devstack.identity import (
    DEMO_PASSWORD,
    SERVICE_AUDIENCES,
    IdentityError,
    IdentityProvider,
    claims,
)
from devstack.infra import REPO_ROOT

KEYCLOAK = REPO_ROOT / "deploy" / "keycloak"
REALM = json.loads((KEYCLOAK / "alize-realm.json").read_text())
DEMO_USERS = json.loads((KEYCLOAK / "demo" / "alize-users-0.json").read_text())
"""Imported by scripts/infra.sh beside the realm (local runs and CI), never by compose."""
USER_IDS = {user["username"]: user["id"] for user in REALM["users"] + DEMO_USERS["users"]}


async def test_discovery_names_the_pinned_issuer(identity_provider: IdentityProvider) -> None:
    discovery = await identity_provider.discovery()
    assert discovery["issuer"] == identity_provider.config.issuer
    assert discovery["jwks_uri"] == f"{identity_provider.config.issuer}/protocol/openid-connect/certs"
    # Whatever Host header reaches it, the issuer stays the same (--hostname).
    async with httpx.AsyncClient() as http:
        url = f"{identity_provider.config.issuer}/.well-known/openid-configuration"
        other = (await http.get(url, headers={"Host": "keycloak.example:8080"})).json()
    assert other["issuer"] == identity_provider.config.issuer


@pytest.mark.parametrize(
    ("username", "group", "links"),
    [
        ("staff.indre", "/territories/indre/network-staff", {}),
        ("member.gard-cevennes", "/territories/gard-cevennes/committee-member", {}),
        ("firm.indre", "/territories/indre/firm", {"firm_id": "404833048"}),
        ("coordinator", "/national/coordinator", {}),
        ("admin", "/platform/admin", {}),
    ],
)
async def test_a_demo_users_token_carries_the_contracts_claims(
    identity_provider: IdentityProvider, username: str, group: str, links: dict[str, str]
) -> None:
    token = claims(await identity_provider.token(username, DEMO_PASSWORD))
    assert token["iss"] == identity_provider.config.issuer
    assert set(SERVICE_AUDIENCES) <= set(token["aud"])
    assert token["sub"] == USER_IDS[username]  # fixed ids in the realm import
    assert token["groups"] == [group]
    assert {name: token[name] for name in PARTY_CLAIMS if name in token} == links
    assert token["azp"] == "alize-cli" and token["exp"] - token["iat"] <= 600


async def test_a_wrong_password_is_refused(identity_provider: IdentityProvider) -> None:
    with pytest.raises(IdentityError, match="401"):
        await identity_provider.token("staff.indre", "not-the-password")


async def test_an_account_made_on_the_fly_gets_its_groups_and_links_in_its_token(
    identity_provider: IdentityProvider, territory: str
) -> None:
    partner_id, member_id = str(uuid.uuid4()), str(uuid.uuid4())
    groups = [f"/territories/{territory}/partner", f"/territories/{territory}/committee-member"]
    account = await identity_provider.account(groups=groups, attributes={"partner_id": partner_id})
    token = account.claims
    assert token["sub"] == account.subject
    assert token["iss"] == identity_provider.config.issuer
    assert set(SERVICE_AUDIENCES) <= set(token["aud"])
    assert sorted(token["groups"]) == sorted(groups)
    assert token["partner_id"] == partner_id and "member_id" not in token
    assert account.headers == {"Authorization": f"Bearer {account.token}"}

    # A long-lived client's `auth`: each request carries the token as it is then, renewed once expired;
    # a request naming its own caller keeps it.
    seen: list[str | None] = []
    transport = httpx.MockTransport(lambda r: (seen.append(r.headers.get("authorization")), httpx.Response(204))[1])
    async with httpx.AsyncClient(transport=transport, auth=account.auth) as client:
        await client.get("http://service/")
        account._tokens = dataclasses.replace(account._tokens, expires_at=0)  # as if five minutes had passed
        await client.get("http://service/")
        await client.get("http://service/", headers={"Authorization": "Bearer another-caller"})
    assert seen[0] != seen[1] and seen[1] == f"Bearer {account.token}" and seen[2] == "Bearer another-caller"

    # An administrator links the account to something else later (the demo links partner.indre).
    await identity_provider.set_attributes(account.subject, {"member_id": member_id, "firm_id": "55210055400013"})
    renewed = claims(account.renew())
    assert (renewed["partner_id"], renewed["member_id"], renewed["firm_id"]) == (
        partner_id,
        member_id,
        "55210055400013",
    )


async def test_a_user_cannot_set_their_own_links_through_the_account_api(
    identity_provider: IdentityProvider, territory: str
) -> None:
    partner_id = str(uuid.uuid4())
    account = await identity_provider.account(
        groups=[f"/territories/{territory}/firm"], attributes={"partner_id": partner_id}
    )
    url = f"{identity_provider.config.issuer}/account"
    async with httpx.AsyncClient(headers={**account.headers, "Accept": "application/json"}) as http:
        mine = await http.get(url)
        assert mine.status_code == 200, mine.text
        me = mine.json()
        me["attributes"] = {**(me.get("attributes") or {}), "partner_id": [str(uuid.uuid4())], "firm_id": ["404833048"]}
        attempt = await http.post(url, json=me)
    # The realm's user profile lets only administrators edit the links: a 400 naming them read-only.
    assert attempt.status_code == 400, attempt.text
    refused = {error["field"]: error["errorMessage"] for error in attempt.json()["errors"]}
    assert refused == {"partner_id": "error-user-attribute-read-only", "firm_id": "error-user-attribute-read-only"}
    token = claims(account.renew())
    assert token["partner_id"] == partner_id and "firm_id" not in token


async def test_a_service_accounts_token_names_its_service(identity_provider: IdentityProvider) -> None:
    token = claims(await identity_provider.service_token("committee"))
    assert token["groups"] == ["/services/committee"]
    assert set(SERVICE_AUDIENCES) <= set(token["aud"]) and token["azp"] == "alize-committee"


# --- the committed realm, read as a file (no Keycloak needed) -------------------


def _by(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


def _group_paths(groups: list[dict[str, Any]], parent: str = "") -> set[str]:
    paths = set()
    for group in groups:
        path = f"{parent}/{group['name']}"
        paths |= {path} | _group_paths(group.get("subGroups", []), path)
    return paths


def test_the_realm_has_one_confidential_client_per_service_and_the_public_cli_and_docs() -> None:
    clients = _by(REALM["clients"], "clientId")
    for audience in SERVICE_AUDIENCES:
        client = clients[audience]
        assert not client["publicClient"] and client["serviceAccountsEnabled"]
        assert not (
            client["standardFlowEnabled"] or client["directAccessGrantsEnabled"] or client["implicitFlowEnabled"]
        )
    cli, docs = clients["alize-cli"], clients["alize-docs"]
    assert cli["publicClient"] and cli["directAccessGrantsEnabled"] and not cli["standardFlowEnabled"]
    assert docs["publicClient"] and docs["standardFlowEnabled"] and not docs["directAccessGrantsEnabled"]
    assert docs["attributes"]["pkce.code.challenge.method"] == "S256"
    assert set(docs["redirectUris"]) == {
        f"http://{host}:800{port}/docs/oauth2-redirect" for port in range(1, 5) for host in ("127.0.0.1", "localhost")
    }


def test_every_token_of_the_realms_clients_names_the_four_services_and_carries_groups_and_links() -> None:
    scopes = _by(REALM["clientScopes"], "name")
    audiences = scopes["alize-audiences"]["protocolMappers"]
    assert {m["config"]["included.client.audience"] for m in audiences} == set(SERVICE_AUDIENCES)
    identity = _by(scopes["alize-identity"]["protocolMappers"], "name")
    assert identity["groups"]["protocolMapper"] == "oidc-group-membership-mapper"
    assert identity["groups"]["config"]["full.path"] == "true"
    for name in PARTY_CLAIMS:
        assert identity[name]["config"]["user.attribute"] == identity[name]["config"]["claim.name"] == name
        assert identity[name]["config"]["access.token.claim"] == "true"
    for client in REALM["clients"]:
        assert {"basic", "alize-audiences", "alize-identity"} <= set(client["defaultClientScopes"]), client["clientId"]


def test_only_administrators_may_edit_the_link_attributes() -> None:
    (component,) = REALM["components"]["org.keycloak.userprofile.UserProfileProvider"]
    profile = json.loads(component["config"]["kc.user.profile.config"][0])
    attributes = _by(profile["attributes"], "name")
    for name in PARTY_CLAIMS:
        assert attributes[name]["permissions"]["edit"] == ["admin"], name
    assert "unmanagedAttributePolicy" not in profile  # no attribute outside the profile


def test_the_realm_has_the_contracts_groups_and_a_demo_user_per_role_and_territory() -> None:
    roles = ("network-staff", "committee-member", "partner", "firm", "counsellor", "funder")
    territories = ("indre", "gard-cevennes")
    expected = {f"/territories/{t}/{r}" for t in territories for r in roles}
    expected |= {"/national/coordinator", "/platform/admin"}
    expected |= {f"/services/{a.removeprefix('alize-')}" for a in SERVICE_AUDIENCES}
    leaves = {path for path in _group_paths(REALM["groups"]) if path.count("/") >= 2}
    assert expected == {p for p in leaves if not any(q.startswith(p + "/") for q in leaves)}
    users = _by(REALM["users"] + DEMO_USERS["users"], "username")
    members = {group for user in users.values() for group in user.get("groups", [])}
    assert expected == members  # every role has its demo user (and every service account its group)
    for audience in SERVICE_AUDIENCES:
        assert users[f"service-account-{audience}"]["serviceAccountClientId"] == audience
    assert all(user.get("id") for user in users.values())  # fixed ids: the same `sub` on every machine
    # The realm compose imports has no people: only the service accounts, none with a password.
    assert {u["username"] for u in REALM["users"]} == {f"service-account-{a}" for a in SERVICE_AUDIENCES}
    assert not any(u.get("credentials") for u in REALM["users"])
    assert DEMO_USERS["realm"] == REALM["realm"] and all(u.get("credentials") for u in DEMO_USERS["users"])
    assert "hashIterations(210000)" in REALM["passwordPolicy"]
