"""`slmo forecast`: where each objective's window will end, with its intervals and the
probability of breach."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from slmo.cli.context import context, optional_instant
from slmo.cli.evaluation import At, JsonOpt, percent
from slmo.services.forecasts import forecast_json


def forecast(
    ctx: typer.Context,
    objective: Annotated[str | None, typer.Argument(help="NAME or AGREEMENT/NAME (default: every objective).")] = None,
    at: At = None,
    json_output: JsonOpt = False,
) -> None:
    """Forecast where each objective's window will end: expected attainment, 80 and 95 %
    intervals, probability of breach."""
    c = context(ctx)
    when = optional_instant(ctx, at)
    items = c.slmo.evaluation.status(when, objective)
    if json_output:
        rows = [row for row in map(forecast_json, items) if row is not None]
        c.console.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(
        title=c.t("cli.forecast_title", at=(when or c.slmo.time.now()).isoformat(timespec="seconds")),
        title_justify="left",
        header_style="bold",
    )
    headers = (
        "agreement",
        "objective",
        "forecast_window_end",
        "known_attainment",
        "expected_attainment",
        "interval_80",
        "interval_95",
        "objective_target",
        "breach_probability",
    )
    for header in headers:
        table.add_column(c.t(f"column.{header}"), justify="left" if header in headers[:3] else "right")
    for item in items:
        f = item.forecast
        if f is None or f.expected is None:
            c.console.print(c.t("cli.forecast_none", objective=item.key), highlight=False)
            continue

        def band(low: float, high: float) -> str:
            return f"{percent(low, c.lang)} – {percent(high, c.lang)}"

        table.add_row(
            item.agreement,
            item.evaluation.objective,
            f.window_end.isoformat(timespec="minutes"),
            percent(f.known, c.lang),
            percent(f.expected, c.lang),
            "—" if f.interval_80 is None else band(f.interval_80.low, f.interval_80.high),
            "—" if f.interval_95 is None else band(f.interval_95.low, f.interval_95.high),
            percent(f.target, c.lang),
            percent(f.breach_probability, c.lang, 1),
        )
    c.console.print(table)
