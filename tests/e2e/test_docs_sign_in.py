"""A service's Swagger UI (`/docs`) in a real headless browser (Debian's Chromium, driven by Playwright):
"Authorize" signs in at the real Keycloak with the authorization code flow and PKCE (client `alize-docs`),
and "Try it out" then calls a protected route with the token: 200, where the same call without signing
in is a 401. Nothing along the way (the discovery document, Keycloak's login page, the code exchange)
is refused by a Content Security Policy.

The services run on free ports while the realm lets `alize-docs` redirect to ports 8001 to 8004 only: the test
registers its own redirect URI (and its origin, for the code exchange's CORS) through the admin API for
its duration, and removes them after. A screenshot lands in .local/screenshots/ for a person to look at."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from devstack.identity import Account, IdentityProvider, claims
from devstack.infra import REPO_ROOT
from devstack.stack import Stack
from devstack.testing import unavailable
from playwright.async_api import Browser, ConsoleMessage, Page, Request, async_playwright

pytestmark = pytest.mark.infra

CHROMIUM = Path("/usr/bin/chromium")  # Debian's (scripts/infra.sh install puts it there): no browser download
SERVICE = "committee"
OPERATION = "#operations-partners-partners_partners_get"  # GET /partners?territory=…, for the territory's staff
SCREENSHOTS = REPO_ROOT / ".local" / "screenshots"
# Every page of the flow reports what a Content Security Policy refused (Chromium also logs it).
REPORT_CSP = """document.addEventListener('securitypolicyviolation', (e) =>
    console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} on ${location.origin}`));"""


@pytest.fixture
def chromium() -> str:
    if not CHROMIUM.exists():
        unavailable(f"no Chromium at {CHROMIUM} (scripts/infra.sh install puts Debian's there)")
    return str(CHROMIUM)


@pytest.fixture
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            await launched.close()


async def _execute(page: Page) -> tuple[str, Request]:
    """Execute the operation as Swagger UI shows it; the status Swagger UI shows and the request it sent."""
    operation = page.locator(OPERATION)
    clear = operation.get_by_role("button", name="Clear")
    if await clear.count():  # the previous response goes, so the one read below is this call's
        await clear.click()
    async with page.expect_request(lambda r: "/partners?" in r.url) as sent:
        await operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status")
    await status.wait_for()
    return (await status.inner_text()).strip(), await sent.value


async def test_swagger_ui_signs_in_with_pkce_and_its_calls_carry_the_token(
    stack: Stack, identity_provider: IdentityProvider, territory: str, browser: Browser
) -> None:
    base = stack.url(SERVICE)
    staff = await identity_provider.account(groups=[f"/territories/{territory}/network-staff"])
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if "the server responded with a status of 401" in message.text:
            return  # Chromium's line for the call made before signing in, which must be refused
        if message.type == "error" or "Content Security Policy" in message.text:
            problems.append(f"console {message.type}: {message.text}")

    context = await browser.new_context()
    await context.add_init_script(REPORT_CSP)
    context.on("console", console)
    context.on("weberror", lambda error: problems.append(f"page error: {error.error}"))
    context.on("requestfailed", lambda r: problems.append(f"failed: {r.method} {r.url} {r.failure}"))
    started = time.monotonic()
    try:
        async with identity_provider.redirect_allowed("alize-docs", f"{base}/docs/oauth2-redirect"):
            page = await context.new_page()
            await page.goto(f"{base}/docs")
            await _sign_in_and_call(page, identity_provider.config.issuer, staff, territory)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SCREENSHOTS / "docs-signed-in.png"))
    finally:
        await context.close()
        print("\n".join(["what the browser reported:", *problems]) if problems else "the browser reported nothing")
    print(f"signed in and called through Swagger UI in {time.monotonic() - started:.1f} s")
    assert problems == []


async def _sign_in_and_call(page: Page, issuer: str, staff: Account, territory: str) -> None:
    # Not signed in: the call goes out without a token and Swagger UI shows the 401.
    operation = page.locator(OPERATION)
    await operation.locator(".opblock-summary").click()
    await operation.get_by_role("button", name="Try it out").click()
    await operation.locator("input[placeholder='territory']").fill(territory)
    status, request = await _execute(page)
    assert (status, await request.header_value("authorization")) == ("401", None)

    # Authorize: the openIdConnect scheme's flows come from the discovery document; pick the code flow.
    await page.get_by_role("button", name="Authorize").first.click()
    flow = page.locator(".auth-container").filter(has_text="Flow: authorization_code with PKCE")
    assert await flow.locator("input[data-name='clientId']").input_value() == "alize-docs"
    async with page.expect_popup() as popped:
        await flow.get_by_role("button", name="Apply given OAuth2 credentials").click()
    login = await popped.value
    await login.wait_for_load_state()
    assert login.url.startswith(f"{issuer}/protocol/openid-connect/auth?")
    assert "code_challenge_method=S256" in login.url
    await login.fill("#username", staff.username)
    await login.fill("#password", staff.password)
    async with page.expect_response(lambda r: r.url.endswith("/protocol/openid-connect/token")) as exchanged:
        await login.click("#kc-login")  # Keycloak redirects to /docs/oauth2-redirect, which hands back the code
    assert (await exchanged.value).status == 200
    await flow.locator("button", has_text="Logout").wait_for()  # Swagger UI holds a token now
    assert await flow.get_by_text("Authorized", exact=True).count() == 1
    await flow.get_by_role("button", name="Close").click()

    # Signed in: the same call carries the token of the code flow (azp alize-docs) and is answered.
    status, request = await _execute(page)
    authorization = await request.header_value("authorization") or ""
    assert authorization.startswith("Bearer ")
    token = claims(authorization.removeprefix("Bearer "))
    assert (token["azp"], token["sub"]) == ("alize-docs", staff.subject)
    assert status == "200"
    body = operation.locator(".live-responses-table .response-col_description pre")
    assert (await body.first.inner_text()).strip() == "[]"  # the test's own territory has no partner yet
