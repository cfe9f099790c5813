"""The identity provider: the real Keycloak and its realm `alize` give the tokens the
services verify (the claims contract: issuer, audiences, groups, link attributes)."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from devstack.identity import (
    DEMO_PASSWORD,
    LINK_ATTRIBUTES,
    SERVICE_AUDIENCES,
    IdentityError,
    IdentityProvider,
    claims,
)
from devstack.infra import REPO_ROOT

REALM = json.loads((REPO_ROOT / "deploy" / "keycloak" / "alize-realm.json").read_text())
USER_IDS = {user["username"]: user["id"] for user in REALM["users"]}


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
    assert {name: token[name] for name in LINK_ATTRIBUTES if name in token} == links
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
