"""The `slmo` command: global options, logging, and the mapping of errors to exit codes."""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer

from slmo.cli import catalogue, evaluation, reports
from slmo.cli.actions import action_app, actions
from slmo.cli.agreements import agreement_app
from slmo.cli.alerts import alerts_app
from slmo.cli.audit import audit_app
from slmo.cli.claims import claim_app, claims
from slmo.cli.clock import clock_app
from slmo.cli.context import CliContext
from slmo.cli.costs import costs_app
from slmo.cli.credits import credits_app
from slmo.cli.database import db_app
from slmo.cli.demand import demand
from slmo.cli.errors import report
from slmo.cli.export import export_app
from slmo.cli.forecast import forecast
from slmo.cli.impact import impact
from slmo.cli.ingest import ingest_app
from slmo.cli.interchange import import_app
from slmo.cli.opportunities import opportunities
from slmo.cli.periods import periods_app
from slmo.cli.proposals import proposal_app, proposals, propose
from slmo.cli.pull import pull
from slmo.cli.reviews import review_app, reviews
from slmo.cli.server import serve, token_app
from slmo.cli.targets import targets
from slmo.cli.tickets import tickets_app
from slmo.cli.trends import trends
from slmo.cli.users import user_app
from slmo.cli.worker import jobs, worker
from slmo.errors import SlmoError
from slmo.settings import load_settings

app = typer.Typer(
    name="slmo",
    help="Service level management: agreements as code, measurements, error budgets, credits and reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Database URL or SQLite file; else SLMO_DATABASE_URL; else the per-user SQLite file."
        ),
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="en or ar; else SLMO_LANG.")] = None,
    verbose: Annotated[int, typer.Option("-v", "--verbose", count=True, help="More log output (-vv for debug).")] = 0,
) -> None:
    logging.basicConfig(
        level=logging.WARNING - 10 * min(verbose, 2), format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    ctx.obj = CliContext(settings=load_settings(database_url=db, lang=lang))
    ctx.call_on_close(ctx.obj.close)


app.command()(catalogue.validate)
app.command()(catalogue.apply)
app.command()(catalogue.get)
app.add_typer(export_app, name="export")
app.command()(catalogue.schema)
app.command()(catalogue.delete)
app.add_typer(audit_app, name="audit")
app.command("reviews")(reviews)
app.add_typer(review_app, name="review")
app.command("actions")(actions)
app.command("opportunities")(opportunities)
app.add_typer(action_app, name="action")
app.add_typer(periods_app, name="periods")
app.command()(evaluation.status)
app.command()(evaluation.evaluate)
app.command()(evaluation.history)
app.command("targets")(targets)
app.command()(forecast)
app.command("demand")(demand)
app.command("trends")(trends)
app.add_typer(ingest_app, name="ingest")
app.add_typer(import_app, name="import")
app.add_typer(clock_app, name="clock")
app.add_typer(tickets_app, name="tickets")
app.add_typer(db_app, name="db")
app.command()(serve)
app.add_typer(token_app, name="token")
app.add_typer(user_app, name="user")
app.command()(worker)
app.command()(jobs)
app.command()(pull)
app.add_typer(alerts_app, name="alerts")
app.command("report")(reports.report)
app.add_typer(credits_app, name="credits")
app.add_typer(costs_app, name="costs")
app.command("claims")(claims)
app.add_typer(claim_app, name="claim")
app.command("impact")(impact)
app.add_typer(agreement_app, name="agreement")
app.command("propose")(propose)
app.command("proposals")(proposals)
app.add_typer(proposal_app, name="proposal")


def execute(args: list[str] | None = None) -> int:
    """Run one command line and return its exit code; slmo's errors become messages here."""
    try:
        app(args=args, standalone_mode=False)
    except SlmoError as error:
        from rich.console import Console

        return report(error, Console(stderr=True), _lang_from(args if args is not None else sys.argv[1:]))
    except typer.Abort:
        return 130
    except typer.Exit as exit_:
        return exit_.exit_code
    except typer.TyperException as error:
        # Usage errors (bad options, bad parameters) from the command-line parser.
        show = getattr(error, "show", None)
        if callable(show):
            show()
        return int(getattr(error, "exit_code", 2))
    return 0


def run() -> None:
    """The console script."""
    sys.exit(execute())


def _lang_from(argv: list[str]) -> str:
    import os

    from slmo.i18n import normalise_lang

    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return normalise_lang(argv[i + 1])
        if arg.startswith("--lang="):
            return normalise_lang(arg.split("=", 1)[1])
    return normalise_lang(os.environ.get("SLMO_LANG"))
