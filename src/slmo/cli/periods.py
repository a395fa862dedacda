"""`slmo periods [--objective NAME] [--json]` (the closed periods: each objective's evaluation
over each ended period, kept for good in a hash chain) and `slmo periods close [PERIOD]`."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from slmo.cli.context import context
from slmo.core.model.period_close import ClosedPeriod
from slmo.i18n.formats import format_percent

periods_app = typer.Typer(
    help="Closed periods: each objective's evaluation over each ended period, kept once in a hash chain.",
    invoke_without_command=True,
)

ObjectiveOpt = Annotated[str | None, typer.Option("--objective", help="NAME or AGREEMENT/NAME.")]


def closed_json(p: ClosedPeriod) -> dict[str, Any]:
    ev = p.record.evaluation
    return {
        "id": p.id,
        "position": p.seq,
        "objective": p.key,
        "period": p.period,
        "closed_at": p.closed_at.isoformat(timespec="seconds"),
        "version": p.record.version,
        "attainment": ev.attainment,
        "target": ev.target,
        "status": ev.status.value,
        "good": ev.good,
        "total": ev.total,
    }


@periods_app.callback()
def periods(
    ctx: typer.Context, objective: ObjectiveOpt = None, json_output: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """The closed periods, in the order they were closed."""
    if ctx.invoked_subcommand is not None:
        return
    c = context(ctx)
    found = c.slmo.closes.list(objective)
    if json_output:
        c.console.print_json(json.dumps([closed_json(p) for p in found], ensure_ascii=False))
        return
    if not found:
        c.console.print(c.t("cli.periods_none"), highlight=False)
        return
    table = Table(title=c.t("cli.periods_title"), title_justify="left", header_style="bold")
    for header in ("objective", "period", "attainment", "objective_target", "status", "closed"):
        table.add_column(c.t(f"column.period_{header}"))
    for p in found:
        ev = p.record.evaluation
        table.add_row(
            escape(p.key),
            p.period,
            format_percent(ev.attainment, c.lang, 3),
            format_percent(ev.target, c.lang, 3),
            c.t(f"status.{ev.status.value}"),
            p.closed_at.isoformat(timespec="seconds"),
        )
    c.console.print(table)


@periods_app.command("close")
def close(
    ctx: typer.Context,
    period: Annotated[
        str | None, typer.Argument(metavar="[PERIOD]", help="2026-10, 2026-Q3, 2026-W40 or 2026; else what is due.")
    ] = None,
    objective: ObjectiveOpt = None,
) -> None:
    """Close ended periods now: PERIOD of every objective in force (or of --objective), else the
    last ended ones not closed yet (what the hourly close job does)."""
    c = context(ctx)
    closed = c.slmo.closes.close(period, objective)
    for p in closed:
        c.console.print(escape(c.t("cli.period_closed", objective=p.key, period=p.period)), highlight=False)
    c.console.print(c.t("cli.periods_closed", count=len(closed)), highlight=False)
