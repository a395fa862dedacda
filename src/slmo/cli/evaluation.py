"""`slmo status`, `slmo evaluate` and `slmo history`: where each objective stands."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from slmo.cli.context import CliContext, context, optional_instant
from slmo.core.model.results import EvaluationStatus, ObjectiveEvaluation
from slmo.i18n import format_number
from slmo.services.forecasts import forecast_fields

BURN_LABELS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
STATUS_STYLE = {
    EvaluationStatus.MET: "green",
    EvaluationStatus.AT_RISK: "yellow",
    EvaluationStatus.BREACHED: "bold red",
    EvaluationStatus.NO_DATA: "dim",
}


def as_json(item: ObjectiveEvaluation) -> dict[str, Any]:
    """The row scripts rely on (keys documented in the README and kept by a test)."""
    e = item.evaluation
    return {
        "objective": e.objective,
        "agreement": item.agreement,
        "version": item.version,
        "service": item.service,
        "indicator": item.indicator,
        "at": e.at.isoformat(),
        "window_start": e.window_start.isoformat(),
        "window_end": e.window_end.isoformat(),
        "budgeting": e.budgeting.value,
        "good": e.good,
        "total": e.total,
        "attainment": e.attainment,
        "target": e.target,
        "budget_total": e.budget_total,
        "budget_spent": e.budget_spent,
        "budget_left": e.budget_left,
        "budget_minutes_total": e.budget_minutes_total,
        "budget_minutes_left": e.budget_minutes_left,
        "burn_rates": dict(e.burn_rates),
        "status": e.status.value,
        "reason": item.reason,
        "forecast": None if item.forecast is None else forecast_fields(item.forecast),
        "contributors": [
            {
                "kind": c.kind.value,
                "start": c.start.isoformat(),
                "end": c.end.isoformat(),
                "budget_spent": c.budget_spent,
                "share": c.share,
                "reference": c.reference,
            }
            for c in e.contributors
        ],
    }


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def percent(value: float | None, lang: str, decimals: int = 3) -> str:
    if value is None:
        return "—"
    return format_number(100 * value, lang, decimals) + ("٪" if lang == "ar" else "%")


def _fastest(item: ObjectiveEvaluation) -> tuple[str, float] | None:
    rates = [(label, rate) for label, rate in item.evaluation.burn_rates.items() if rate is not None]
    return max(rates, key=lambda pair: pair[1], default=None)


def forecast_cell(c: CliContext, item: ObjectiveEvaluation) -> str:
    """Where the window will end and the chance of breach: ``99.41% (P breach 12%)``."""
    f = item.forecast
    if f is None or f.expected is None or f.breach_probability is None:
        return "—"
    chance = percent(f.breach_probability, c.lang, 0)
    style = "bold red" if f.breach_probability >= 0.5 else "yellow" if f.breach_probability >= 0.2 else ""
    text = c.t("cli.forecast_cell", expected=percent(f.expected, c.lang), chance=chance)
    return f"[{style}]{text}[/]" if style else text


def status_table(c: CliContext, items: Sequence[ObjectiveEvaluation], title: str) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    for header in (
        "service",
        "agreement",
        "objective",
        "attainment",
        "objective_target",
        "budget_left",
        "fastest_burn",
        "forecast",
        "status",
    ):
        table.add_column(
            c.t(f"column.{header}"),
            justify="right" if header in ("attainment", "objective_target", "budget_left") else "left",
        )
    for item in items:
        e = item.evaluation
        fastest = _fastest(item)
        burn = "—" if fastest is None else f"{format_number(fastest[1], c.lang, 2)}× ({fastest[0]})"
        table.add_row(
            item.service or "",
            item.agreement,
            e.objective,
            percent(e.attainment, c.lang),
            percent(e.target, c.lang),
            "—" if e.status is EvaluationStatus.NO_DATA else percent(e.budget_left, c.lang, 1),
            burn,
            forecast_cell(c, item),
            f"[{STATUS_STYLE[e.status]}]{c.t(f'status.{e.status.value}')}[/]"
            + ("" if item.reason is None else f"\n[dim]{escape(_short(item.reason))}[/]"),
        )
    return table


def _print(c: CliContext, items: Sequence[ObjectiveEvaluation], as_json_output: bool, title: str) -> None:
    if as_json_output:
        c.console.print_json(json.dumps([as_json(i) for i in items], ensure_ascii=False))
    else:
        c.console.print(status_table(c, items, title))


At = Annotated[str | None, typer.Option("--at", help="The instant, ISO 8601 with an offset (default: now).")]
ObjectiveOpt = Annotated[str | None, typer.Option("--objective", help="Only this objective (NAME or AGREEMENT/NAME).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def status(ctx: typer.Context, at: At = None, objective: ObjectiveOpt = None, json_output: JsonOpt = False) -> None:
    """Where every objective stands now (or --at a past instant): attainment, budget, burn, status."""
    c = context(ctx)
    when = optional_instant(ctx, at)
    items = c.slmo.evaluation.status(when, objective)
    _print(c, items, json_output, c.t("cli.status_title", at=(when or c.slmo.time.now()).isoformat(timespec="seconds")))


def evaluate(ctx: typer.Context, at: At = None, objective: ObjectiveOpt = None, json_output: JsonOpt = False) -> None:
    """Compute and store evaluations of every objective in force (or one), and decide their alerts."""
    c = context(ctx)
    items = c.slmo.alerts.evaluate(optional_instant(ctx, at), objective)
    if json_output:
        _print(c, items, True, "")
    else:
        c.console.print(c.t("cli.evaluated", count=len(items)), highlight=False)


def history(
    ctx: typer.Context,
    objective: Annotated[str, typer.Argument(help="NAME or AGREEMENT/NAME.")],
    period: Annotated[str, typer.Option("--period", help="2026-10, 2026-Q3, 2026-W40, 2026 or 2026-10-05.")],
    json_output: JsonOpt = False,
) -> None:
    """An objective over a past calendar period."""
    c = context(ctx)
    items = c.slmo.evaluation.history(objective, period)
    _print(c, items, json_output, c.t("cli.history_title", period=period))
