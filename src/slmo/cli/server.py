"""`slmo serve` (the API in one process) and `slmo token create|list|revoke`."""

from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Annotated

import typer
from rich.table import Table

from slmo.cli.context import context
from slmo.cli.worker import LeaseOption
from slmo.core.model.auth import Role
from slmo.services.scheduler import LEASE_SECONDS

logger = logging.getLogger(__name__)

token_app = typer.Typer(help="API tokens: create (shown once), list, revoke.", no_args_is_help=True)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    scheduler: Annotated[
        bool, typer.Option("--scheduler/--no-scheduler", help="Run the scheduled jobs in this process too.")
    ] = True,
    lease: LeaseOption = LEASE_SECONDS,
) -> None:
    """Run the REST API, the web UI and the scheduler in one process until SIGTERM or Ctrl-C."""
    import uvicorn

    c = context(ctx)
    # The app is named, not imported (the command line and the API are independent entry
    # points); it reads its settings from the environment, so hand it ours.
    os.environ["SLMO_DATABASE_URL"] = c.settings.database_url
    os.environ["SLMO_LANG"] = c.settings.lang
    os.environ["SLMO_SCHEDULER"] = "true" if scheduler else "false"
    os.environ["SLMO_LEASE_SECONDS"] = str(lease)
    # uvicorn handles SIGTERM and SIGINT itself: it stops accepting connections, lets the
    # requests in flight finish, runs the app's shutdown (which closes the database) and returns.
    uvicorn.run(
        "slmo.api.app:from_environment",
        factory=True,
        host=host,
        port=port,
        log_level="info",
        access_log=False,
        server_header=False,
    )


@token_app.command("create")
def create(
    ctx: typer.Context,
    role: Annotated[str, typer.Option("--role", help=f"One of {', '.join(r.value for r in Role)}.")],
    party: Annotated[
        str | None, typer.Option("--party", help="The party of a customer or owner token (required for them).")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Shown as the actor in the audit log.")] = None,
    days: Annotated[int | None, typer.Option("--days", min=1, help="Expire after this many days.")] = None,
) -> None:
    """Create a token; it is printed once, alone on the last line, and only its hash is kept."""
    c = context(ctx)
    expires = None if days is None else c.slmo.time.now() + dt.timedelta(days=days)
    token, secret = c.slmo.auth.create(role, c.actor, name=name, party=party, expires_at=expires)
    c.err.print(c.t("cli.token_created", id=token.id, name=token.name, role=token.role.value), highlight=False)
    # Plain print, no markup or wrapping, so `| tail -1` gives exactly the token.
    print(secret)


@token_app.command("list")
def list_tokens(ctx: typer.Context) -> None:
    """Every token: id, name, role, party, created, expires, revoked (never the secret)."""
    c = context(ctx)
    table = Table(header_style="bold")
    for header in ("id", "name", "role", "party", "created", "expires", "revoked"):
        table.add_column(c.t(f"column.token_{header}"))
    for t in c.slmo.auth.list():
        table.add_row(
            t.id,
            t.name,
            t.role.value,
            t.party or "",
            t.created_at.isoformat(timespec="seconds"),
            "" if t.expires_at is None else t.expires_at.isoformat(timespec="seconds"),
            "" if t.revoked_at is None else t.revoked_at.isoformat(timespec="seconds"),
        )
    c.console.print(table)


@token_app.command("revoke")
def revoke(ctx: typer.Context, token_id: Annotated[str, typer.Argument(help="The id from `slmo token list`.")]) -> None:
    """Revoke a token at once; it is kept, so the audit log's actors keep their meaning."""
    c = context(ctx)
    token = c.slmo.auth.revoke(token_id, c.actor)
    c.console.print(c.t("cli.token_revoked", id=token.id, name=token.name), highlight=False)
