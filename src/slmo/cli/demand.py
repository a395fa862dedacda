"""`slmo demand`: events and tickets expected per service in the coming days, with 80 and 95 %
intervals, and the capacity and staffing changes they suggest (``services.demand``)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from slmo.cli.context import CliContext, context, optional_instant
from slmo.core.model.demand import DemandForecast, DemandProposal, ServiceDemand
from slmo.i18n import format_number
from slmo.services.demand import DEFAULT_DAYS, MAX_DAYS, demand_json


def _count(value: float, lang: str) -> str:
    return format_number(value, lang, 0)


def _band(low: float, high: float, lang: str) -> str:
    return f"{_count(low, lang)} – {_count(high, lang)}"


def proposal_text(c: CliContext, proposal: DemandProposal) -> str:
    """The proposal's sentence with its figures formatted for the language."""
    change = format_number(100 * abs(proposal.change), c.lang, 0) + (" ٪" if c.lang == "ar" else " %")
    args = {
        **proposal.args,
        "expected": _count(proposal.expected, c.lang),
        "low": _count(proposal.low_80, c.lang),
        "high": _count(proposal.high_80, c.lang),
        "recent": _count(proposal.recent, c.lang),
        "peak": _count(proposal.peak, c.lang),
        "change": change,
        "weeks": format_number(proposal.weeks, c.lang, 0),
    }
    return c.t(proposal.key, **args)


def _table(c: CliContext, demand: ServiceDemand, name: str, forecast: DemandForecast) -> None:
    # The title on a line of its own: a table's title wraps at the table's width.
    title = c.t(
        "cli.demand_title",
        service=demand.service,
        at=demand.at.isoformat(timespec="minutes"),
        series=c.t(f"demand.series.{name}"),
        method=c.t(f"demand.method.{forecast.method.value}"),
    )
    c.console.print(f"[bold]{title}[/]", highlight=False)
    table = Table(header_style="bold")
    for header in ("demand_step", "demand_expected", "interval_80", "interval_95"):
        table.add_column(c.t(f"column.{header}"), justify="left" if header == "demand_step" else "right")
    for step in forecast.steps:
        table.add_row(
            step.start.isoformat(timespec="minutes"),
            _count(step.expected, c.lang),
            _band(step.interval_80.low, step.interval_80.high, c.lang),
            _band(step.interval_95.low, step.interval_95.high, c.lang),
        )
    c.console.print(table)
    if forecast.note is not None:
        c.console.print(c.t(forecast.note), highlight=False)
    total = forecast.total
    if total is not None:
        c.console.print(
            c.t(
                "cli.demand_week_total",
                steps=format_number(forecast.total_steps, c.lang, 0),
                expected=_count(total.expected, c.lang),
                low=_count(total.interval_80.low, c.lang),
                high=_count(total.interval_80.high, c.lang),
                low95=_count(total.interval_95.low, c.lang),
                high95=_count(total.interval_95.high, c.lang),
            ),
            highlight=False,
        )


def demand(
    ctx: typer.Context,
    service: Annotated[str | None, typer.Argument(help="A service (default: every service).")] = None,
    days: Annotated[int, typer.Option("--days", min=1, max=MAX_DAYS, help="Days ahead.")] = DEFAULT_DAYS,
    hourly: Annotated[bool, typer.Option("--hourly", help="Also show events per hour.")] = False,
    at: Annotated[
        str | None, typer.Option("--at", help="Forecast as of this instant (ISO 8601 with an offset); default now.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Forecast events and tickets per service for the coming days, with 80 and 95 % intervals,
    and the capacity and staffing changes they suggest."""
    c = context(ctx)
    when = optional_instant(ctx, at)
    service_layer = c.slmo.demand
    found = (
        [service_layer.forecast(service, days, when)]
        if service is not None
        else service_layer.forecasts(None, days, when)
    )
    if json_output:
        c.console.print_json(json.dumps([demand_json(d) for d in found], ensure_ascii=False))
        return
    for item in found:
        shown = {"events_daily": item.events_daily, "tickets_daily": item.tickets_daily}
        if hourly:
            shown["events_hourly"] = item.events_hourly
        if all(f is None for f in (item.events_daily, item.tickets_daily)):
            c.console.print(c.t("cli.demand_nothing", service=item.service), highlight=False)
            continue
        for name, forecast in shown.items():
            if forecast is not None:
                _table(c, item, name, forecast)
        for proposal in item.proposals:
            c.console.print(f"[bold]{proposal_text(c, proposal)}[/]", highlight=False)
        if not item.proposals:
            c.console.print(c.t("cli.demand_no_proposal", service=item.service), highlight=False)
