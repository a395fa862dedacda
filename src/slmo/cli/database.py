"""`slmo db`: the database's schema."""

from __future__ import annotations

import typer

from slmo.bootstrap import check_database, upgrade_database
from slmo.cli.context import context

db_app = typer.Typer(help="The database schema: upgrade and check.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Bring the schema to the newest revision (run after upgrading slmo)."""
    c = context(ctx)
    revision = upgrade_database(c.settings)
    c.console.print(c.t("cli.db_at", revision=revision or "-"), highlight=False)


@db_app.command("check")
def check(ctx: typer.Context) -> None:
    """Fail unless the schema is at the newest revision and matches the models."""
    c = context(ctx)
    revision = check_database(c.settings)
    c.console.print(c.t("cli.db_ok", revision=revision or "-"), highlight=False)
