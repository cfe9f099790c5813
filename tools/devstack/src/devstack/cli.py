"""`devstack demo`: start Kafka, PostgreSQL and the four services as local
processes, drive the demo scenario through the HTTP APIs, print the metrics."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx
import psutil
import typer
from rich.console import Console
from rich.table import Table

from devstack import identity, infra, pg_roles
from devstack.identity import Accounts
from devstack.scenario import cases, driver, oracle
from devstack.stack import Stack, services_env

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console(width=None if sys.stdout.isatty() else 120)


@app.callback()
def main() -> None:
    """Local development stack of the Alize platform."""


def _mib(n: float) -> str:
    return f"{n / 2**20:.0f} MiB"


def _infra_memory(found: infra.Infra) -> dict[str, int]:
    memory = {}
    if found.kafka_pid and psutil.pid_exists(found.kafka_pid):
        memory["kafka (JVM)"] = psutil.Process(found.kafka_pid).memory_info().rss
    if found.keycloak_pid and psutil.pid_exists(found.keycloak_pid):
        memory["keycloak (JVM)"] = psutil.Process(found.keycloak_pid).memory_info().rss
    if found.pg_data:
        # PostgreSQL's processes share their buffers: sum proportional set sizes.
        pss = 0
        for proc in psutil.process_iter(["name", "cmdline"]):
            try:
                if proc.info["name"] == "postgres":
                    pss += proc.memory_full_info().pss
            except (psutil.Error, AttributeError):
                continue
        memory["postgresql (all processes, PSS)"] = pss
    return memory


@app.command()
def demo(
    fresh: bool = typer.Option(True, help="Wipe the local Kafka and PostgreSQL data first."),
    keep_running: bool = typer.Option(False, help="Leave the services running until Ctrl+C."),
) -> None:
    """Start everything locally, run the demo scenario and print per-territory metrics."""
    started = time.monotonic()
    console.print("[bold]Starting PostgreSQL and Kafka (KRaft) as local processes…[/bold]")
    found = infra.start_local("reset" if fresh else "up")
    console.print(f"  Kafka {found.kafka_bootstrap_servers}, PostgreSQL {found.database_url}")
    if found.oidc_issuer:
        console.print(
            f"  Identity provider {found.oidc_issuer} (a demo user's token: uv run devstack token staff.indre)"
        )
    infra_ready = time.monotonic()

    stack = Stack(
        kafka_bootstrap_servers=found.kafka_bootstrap_servers,
        database_url=found.database_url,
        log_dir=infra.REPO_ROOT / ".local" / "logs",
        # scripts/infra.sh provisioned the roles and principals: each service connects as its own.
        service_env=services_env(found, found.database_url),
    )
    console.print("[bold]Starting intake, committee, missions, metrics…[/bold]")
    with stack:
        services_ready = time.monotonic()
        for name in stack.processes:
            console.print(f"  {name:<10} {stack.url(name)}  (logs: {stack.log_dir / (name + '.log')})")
        scenario = cases.cases()
        console.print(
            f"[bold]Driving the scenario: in 2 territories, calls, a partner company and a committee each; "
            f"{len(scenario)} applications screened; one committee session per territory; missions with conventions "
            f"and confirmed days; job declarations; advances disbursed and repaid in part; guidance tracks…[/bold]"
        )
        idp = identity.IdentityProvider(identity.IdentityConfig.from_env(found.identity_env()))
        accounts = Accounts(idp)
        outcome = asyncio.run(driver.run(stack.urls, scenario, accounts))
        for refusal in outcome.refusals:
            console.print(f"  refused as expected: {refusal}")
        expected = oracle.expected_metrics(scenario)
        shown = asyncio.run(driver.wait_for_metrics(stack.url("metrics"), expected, asyncio.run(accounts.national())))
        done = time.monotonic()
        _print_metrics(shown)
        if shown != expected:
            console.print("[red]The metrics differ from what the scenario expects.[/red]")
            raise typer.Exit(1)
        console.print("[green]Metrics match the scenario exactly.[/green]")
        _print_access(asyncio.run(who_sees_what(stack.urls, idp, outcome)))
        console.print(
            f"Timings: infrastructure {infra_ready - started:.1f} s, services "
            f"{services_ready - infra_ready:.1f} s, scenario to metrics {done - services_ready:.1f} s, "
            f"total {done - started:.1f} s"
        )
        memory = {**stack.rss_bytes(), **_infra_memory(found)}
        console.print(
            "Memory: "
            + ", ".join(f"{k} {_mib(v)}" for k, v in memory.items())
            + f"; total {_mib(sum(memory.values()))}"
        )
        year = time.gmtime().tm_year
        if not keep_running:
            console.print(
                f"Dashboard and annual reports: {stack.url('metrics')}/dashboard, /reports/national/{year} "
                "(bearer token needed) — run `uv run devstack demo --keep-running` to browse them"
            )
            return
        # A browser sends no bearer token: a local proxy signed in as the national coordinator does.
        coordinator = asyncio.run(idp.account(groups=["/national/coordinator"]))
        with identity.signed_in(stack.url("metrics"), lambda: coordinator.headers, port=DASHBOARD_PORT) as shown_at:
            console.print(
                f"Dashboard, signed in as the national coordinator: {shown_at}/dashboard — annual reports: "
                f"{shown_at}/reports/national/{year} (add ?format=pdf)"
            )
            console.print(
                f"APIs: {stack.url('intake')}/docs … {stack.url('metrics')}/docs (Authorize: a demo user, "
                f"password {identity.DEMO_PASSWORD!r}) — Ctrl+C to stop."
            )
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass


@app.command()
def asyncapi() -> None:
    """Regenerate the committed AsyncAPI document of each service."""
    from devstack.asyncapi_docs import write_all

    for path in write_all():
        console.print(str(path.relative_to(infra.REPO_ROOT)))


DASHBOARD_PORT = 8090
"""Where `demo --keep-running` shows the dashboard, signed in."""

DEMO_USERS = ("staff.indre", "funder.indre", "member.indre", "firm.indre", "staff.gard-cevennes", "coordinator")


async def who_sees_what(
    urls: dict[str, str], idp: identity.IdentityProvider, outcome: driver.Outcome
) -> dict[str, dict[str, int]]:
    """The status each demo user of the committed realm (and an anonymous caller) gets for a few reads."""
    application = outcome.application_ids[0]  # one of Indre's
    reads = {
        "metrics of indre": f"{urls['metrics']}/metrics/territories/indre",
        "national metrics": f"{urls['metrics']}/metrics/national",
        "lineage (firm ids)": f"{urls['metrics']}/lineage/firms_supported?territory=indre",
        "an Indre application": f"{urls['intake']}/applications/{application}",
        "Indre's docket": f"{urls['committee']}/docket?territory=indre",
        "Indre's audit log": f"{urls['intake']}/audit?territory=indre",
    }
    seen: dict[str, dict[str, int]] = {}
    async with httpx.AsyncClient(timeout=10) as http:
        for user in ("anonymous", *DEMO_USERS):
            headers = {} if user == "anonymous" else {"Authorization": f"Bearer {await idp.token(user)}"}
            seen[user] = {what: (await http.get(url, headers=headers)).status_code for what, url in reads.items()}
    return seen


def _print_access(seen: dict[str, dict[str, int]]) -> None:
    table = Table(
        title=f"Who sees what: HTTP status per demo user (password {identity.DEMO_PASSWORD!r}: devstack token <user>)"
    )
    reads = next(iter(seen.values()))
    table.add_column("user")
    for what in reads:
        table.add_column(what, justify="right")
    for user, statuses in seen.items():
        table.add_row(user, *(str(statuses[what]) for what in reads))
    console.print(table)


@app.command()
def token(
    username: str = typer.Argument(..., help="An account of realm alize, e.g. staff.indre (see README)."),
    password: str = typer.Option(identity.DEMO_PASSWORD, help="Its password (default: the demo users' one)."),
    client_id: str = typer.Option(identity.CLI_CLIENT, help="The public client with the password grant."),
    show_claims: bool = typer.Option(False, "--claims", help="Print the token's claims (JSON) instead."),
) -> None:
    """Print an access token for an account of the local identity provider (Keycloak, realm alize):
    `curl -H "Authorization: Bearer $(uv run devstack token staff.indre)" …`. The issuer comes from
    OIDC_ISSUER, else the local Keycloak on ALIZE_KEYCLOAK_PORT (58080; `scripts/infra.sh up-keycloak`)."""
    config = identity.IdentityConfig.from_env()

    async def fetch() -> str:
        async with identity.IdentityProvider(config) as idp:
            return await idp.token(username, password, client_id)

    try:
        access = asyncio.run(fetch())
    except identity.IdentityError as exc:
        typer.echo(f"refused: {exc}", err=True)
        raise typer.Exit(1) from None
    except httpx.HTTPError as exc:
        typer.echo(
            f"no identity provider at {config.issuer} ({exc}); start it: bash scripts/infra.sh up-keycloak", err=True
        )
        raise typer.Exit(2) from None
    typer.echo(json.dumps(identity.claims(access), indent=2) if show_claims else access)


@app.command("pg-roles-sql")
def pg_roles_sql() -> None:
    """Regenerate deploy/postgres/roles.sql from the declaration of the services' PostgreSQL roles."""

    pg_roles.SQL_SCRIPT.parent.mkdir(parents=True, exist_ok=True)
    pg_roles.SQL_SCRIPT.write_text(pg_roles.psql_script())
    console.print(str(pg_roles.SQL_SCRIPT.relative_to(infra.REPO_ROOT)))


def _print_metrics(shown: dict[str, dict[str, Any]]) -> None:
    table = Table(title="Metrics per territory (from the metrics service)")
    rows: list[tuple[str, Callable[[dict[str, Any]], object]]] = [
        ("applications received", lambda m: m["applications"]),
        ("screened eligible", lambda m: m["screened_eligible"]),
        ("screened ineligible", lambda m: m["screened_ineligible"]),
        ("withdrawn", lambda m: m["withdrawn"]),
        ("committee sessions held", lambda m: m["sessions_held"]),
        ("approved", lambda m: m["approved"]),
        ("rejected", lambda m: m["rejected"]),
        ("deferred", lambda m: m["deferred"]),
        ("firms supported (CO01)", lambda m: m["firms_supported"]),
        ("skill days contracted", lambda m: m["days_contracted"]),
        ("skill days delivered (confirmed)", lambda m: m["days_delivered"]),
        ("missions closed", lambda m: m["missions_closed"]),
        ("jobs planned: created", lambda m: m["jobs_planned"]["created"]),
        ("jobs planned: maintained", lambda m: m["jobs_planned"]["maintained"]),
        ("jobs declared: created", lambda m: m["jobs_declared"]["created"]),
        ("jobs declared: maintained", lambda m: m["jobs_declared"]["maintained"]),
        ("advances granted", lambda m: m["advances_granted"]),
        ("advances granted (€)", lambda m: f"{m['advances_granted_cents'] / 100:,.0f}"),
        ("advances repaid (€)", lambda m: f"{m['advances_repaid_cents'] / 100:,.0f}"),
        ("advances written off (€)", lambda m: f"{m['advances_written_off_cents'] / 100:,.0f}"),
        ("advances outstanding (€)", lambda m: f"{m['advances_outstanding_cents'] / 100:,.0f}"),
        ("people guided", lambda m: m["people_guided"]),
        ("firms created", lambda m: m["firms_created"]),
        ("oriented to employment", lambda m: m["oriented_to_employment"]),
        ("3-year survival (active / checked)", lambda m: f"{m['active_3y']} / {m['survival_checks_3y']}"),
        ("3-year survival rate", lambda m: "—" if m["survival_rate_3y"] is None else f"{m['survival_rate_3y']:.0%}"),
    ]
    table.add_column("indicator")
    for territory in shown:
        table.add_column(territory, justify="right")
    for label, value in rows:
        table.add_row(label, *(str(value(m)) for m in shown.values()))
    console.print(table)


if __name__ == "__main__":
    app()
