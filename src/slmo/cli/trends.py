"""`slmo trends`: is delivery improving, stable or degrading over the last periods, and when did
its level shift (``services.trends``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Annotated

import typer
from rich.table import Table

from slmo.cli.context import CliContext, context, optional_instant
from slmo.core.model.trend import StepChange, Trend, TrendMeasure, TrendSubject, TrendVerdict
from slmo.i18n import format_number
from slmo.services.trends import trend_rows, unit_name

VERDICT_STYLE = {
    TrendVerdict.IMPROVING: "green",
    TrendVerdict.STABLE: "default",
    TrendVerdict.DEGRADING: "bold red",
}


def _decimals(measure: TrendMeasure) -> int:
    # Attainment moves by hundredths of a point; a share of budget by whole points.
    return 2 if measure is TrendMeasure.ATTAINMENT else 1


def _percent(value: float, lang: str, decimals: int) -> str:
    return format_number(100 * value, lang, decimals) + (" ٪" if lang == "ar" else " %")


def _signed(value: float, lang: str, decimals: int) -> str:
    text = format_number(abs(value), lang, decimals)
    if round(value, decimals) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def subject(c: CliContext, trend: Trend) -> str:
    if trend.subject is TrendSubject.SERVICE:
        return c.t("trend.service", name=trend.name)
    return trend.name


def verdict(c: CliContext, trend: Trend) -> str:
    found = trend.verdict
    if found is None:
        return f"[dim]{c.t('trend.verdict_unknown')}[/]"
    return f"[{VERDICT_STYLE[found]}]{c.t(f'trend.verdict_{found.value}')}[/]"


def slope(c: CliContext, trend: Trend) -> str:
    if trend.test is None:
        return "—"
    places = _decimals(trend.measure) + 1
    return c.t(
        "trend.slope_points",
        value=_signed(100 * trend.test.slope, c.lang, places),
        unit=c.t(f"trend.unit_{unit_name(trend.unit)}"),
    )


def p_value(c: CliContext, trend: Trend) -> str:
    if trend.test is None:
        return "—"
    p = trend.test.p_value
    return ("<" + format_number(0.001, c.lang, 3)) if p < 0.001 else format_number(p, c.lang, 3)


def step(c: CliContext, trend: Trend, change: StepChange) -> str:
    places = _decimals(trend.measure)
    return c.t(
        "trend.step",
        period=change.period,
        before=_percent(change.before, c.lang, places),
        after=_percent(change.after, c.lang, places),
    )


def trend_table(c: CliContext, trends: Sequence[Trend], title: str) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    for header in ("subject", "measure", "verdict", "slope", "p_value", "periods", "steps"):
        table.add_column(c.t(f"column.trend_{header}"), justify="right" if header in ("p_value", "periods") else "left")
    for trend in trends:
        table.add_row(
            subject(c, trend),
            c.t(f"trend.measure_{trend.measure.value}"),
            verdict(c, trend),
            slope(c, trend),
            p_value(c, trend),
            f"{trend.read}/{len(trend.asked)}",
            "\n".join(step(c, trend, s) for s in trend.steps) or "—",
        )
    return table


def trends(
    ctx: typer.Context,
    objective: Annotated[str | None, typer.Argument(help="NAME or AGREEMENT/NAME; default every objective.")] = None,
    service: Annotated[str | None, typer.Option("--service", help="A service: its objectives' budget spent.")] = None,
    periods: Annotated[
        int | None, typer.Option("--periods", min=1, help="How many whole periods (default 12; 30 for days).")
    ] = None,
    unit: Annotated[str, typer.Option("--unit", help="day, week or month.")] = "month",
    alpha: Annotated[float | None, typer.Option("--alpha", help="Significance level (default 0.05).")] = None,
    at: Annotated[str | None, typer.Option("--at", help="Count periods back from this instant, not now.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Whether delivery is improving, stable or degrading over the last periods (Mann–Kendall
    test, Theil–Sen slope), and the step changes of its level."""
    c = context(ctx)
    when = optional_instant(ctx, at)
    found = c.slmo.trends.trends(objective, service, unit=unit, periods=periods, at=when, alpha=alpha)
    if json_output:
        c.console.print_json(json.dumps(trend_rows(found), ensure_ascii=False))
        return
    if not found:
        c.console.print(c.t("cli.trends_none"), highlight=False)
        return
    first = found[0]
    title = c.t(
        "cli.trends_title",
        count=len(first.asked),
        unit=c.t(f"trend.unit_{unit_name(first.unit)}"),
        alpha=format_number(first.alpha, c.lang, 2),
    )
    c.console.print(trend_table(c, found, title))
