"""`slmo import openslo|sloth`: documents of other tools into the catalogue."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from slmo.cli.catalogue import print_changes
from slmo.cli.context import context
from slmo.cli.errors import render_problem

import_app = typer.Typer(help="Import documents of other tools (OpenSLO, Sloth).", no_args_is_help=True)

PathsArg = Annotated[list[str], typer.Argument(help="Files or directories.", show_default=False)]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")]


def _import(ctx: typer.Context, format_name: str, paths: list[str], dry_run: bool) -> None:
    c = context(ctx)
    result = c.slmo.interchange.import_paths(format_name, paths, c.actor, dry_run=dry_run)
    for problem in result.unrepresented:
        c.err.print(escape(render_problem(problem, c.lang)), style="yellow", highlight=False, soft_wrap=True)
    if result.unrepresented:
        c.err.print(c.t("cli.unrepresented", count=len(result.unrepresented)), style="yellow", highlight=False)
    print_changes(ctx, result.changes, dry_run=dry_run)


@import_app.command("openslo")
def import_openslo(ctx: typer.Context, paths: PathsArg, dry_run: DryRun = False) -> None:
    """Import OpenSLO v1 and v1alpha documents (Service, SLO, SLI, DataSource, alerting)."""
    _import(ctx, "openslo", paths, dry_run)


@import_app.command("sloth")
def import_sloth(ctx: typer.Context, paths: PathsArg, dry_run: DryRun = False) -> None:
    """Import Sloth prometheus/v1 SLO specs."""
    _import(ctx, "sloth", paths, dry_run)
