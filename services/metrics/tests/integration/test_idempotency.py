"""The metrics service's one write route honours the Idempotency-Key: the same key twice → one
effect and the same response; the same key on another request → 422."""

from __future__ import annotations

from devstack.commands_testing import assert_retry_safe, write_routes
from devstack.testing import Accounts, SettingsFor, running
from metrics.app import create_app
from metrics.settings import MetricsSettings

ROUTES = {"PUT /territories/{territory}/publication"}


def test_every_write_route_is_covered_here() -> None:
    assert write_routes(create_app(MetricsSettings())) == ROUTES


async def test_a_territorys_publication(
    service_settings: SettingsFor, accounts: Accounts, database_url: str, territory: str
) -> None:
    staff = await accounts.staff(territory)
    async with running(create_app(MetricsSettings(**service_settings("metrics"))), staff) as client:  # type: ignore[arg-type]
        url = f"/territories/{territory}/publication"
        # The choice is kept beside the read models (a replay leaves it be): that schema is its state.
        await assert_retry_safe(
            client, database_url, "metrics_control", "PUT", url, {"public": True}, other=(url, {"public": False})
        )
        assert (await client.get(url)).json()["public"] is True
