"""`slmo alerts [--all] [--json]`, `slmo alerts ack ID` and `slmo alerts backtest OBJECTIVE
--from T --to T [--json]`: the alerts the evaluations raised, acknowledging one, and replaying
an objective's alert rules over its history."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from slmo.cli.context import CliContext, context, instant
from slmo.core.model.alerts import Alert, AlertStatus
from slmo.core.model.duration import format_duration
from slmo.i18n import format_number
from slmo.services.alert_backtest import BacktestReport

alerts_app = typer.Typer(
    help="Alerts: the open ones (or --all), acknowledging one, and backtests of alert rules.",
    invoke_without_command=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
STATE_STYLE = {AlertStatus.FIRING: "bold red", AlertStatus.ACKNOWLEDGED: "yellow", AlertStatus.RESOLVED: "green"}


def _iso(at: dt.datetime | None) -> str | None:
    return None if at is None else at.isoformat(timespec="seconds")


def _epoch(at: int) -> str:
    return dt.datetime.fromtimestamp(at, dt.UTC).isoformat()


def alert_json(alert: Alert) -> dict[str, Any]:
    """The row scripts rely on; ``GET /api/v1/alerts`` answers the same keys."""
    return {
        "id": alert.id,
        "objective": alert.key,
        "agreement": alert.agreement,
        "name": alert.objective,
        "service": alert.service,
        "tier": alert.tier,
        "state": alert.state.value,
        "level": alert.level,
        "opened_at": _iso(alert.opened_at),
        "last_seen_at": _iso(alert.last_seen_at),
        "escalated_at": _iso(alert.escalated_at),
        "acknowledged_at": _iso(alert.acknowledged_at),
        "acknowledged_by": alert.acknowledged_by,
        "resolved_at": _iso(alert.resolved_at),
        "reasons": list(alert.reasons),
        "burn_rate": alert.burn_rate,
        "burn_window": alert.burn_window,
        "budget_left": alert.budget_left,
    }


@alerts_app.callback()
def alerts(
    ctx: typer.Context,
    everything: Annotated[bool, typer.Option("--all", help="Resolved alerts too, not only the open ones.")] = False,
    json_output: JsonOpt = False,
) -> None:
    """The open alerts (firing or acknowledged), newest first: objective, tier, state, since,
    who acknowledged, contact level and reasons."""
    if ctx.invoked_subcommand is not None:
        return
    c = context(ctx)
    found = c.slmo.alerts.alerts(everything=everything)
    if json_output:
        c.console.print_json(json.dumps([alert_json(a) for a in found], ensure_ascii=False))
        return
    if not found:
        c.console.print(c.t("cli.alerts_none"), highlight=False)
        return
    table = Table(title=c.t("cli.alerts_title"), title_justify="left", header_style="bold")
    for header in ("id", "objective", "tier", "state", "since", "acked_by", "level", "reasons"):
        table.add_column(c.t(f"column.alert_{header}"), justify="right" if header in ("id", "level") else "left")
    for a in found:
        table.add_row(
            str(a.id),
            escape(a.key),
            escape(a.tier),
            f"[{STATE_STYLE[a.state]}]{c.t(f'alert.state_{a.state.value}')}[/]",
            _iso(a.opened_at) or "",
            escape(a.acknowledged_by or ""),
            str(a.level),
            escape(", ".join(a.reasons)),
        )
    c.console.print(table)


@alerts_app.command("ack")
def ack(ctx: typer.Context, alert_id: Annotated[int, typer.Argument(metavar="ID", help="The alert's id.")]) -> None:
    """Acknowledge a firing alert: it stops escalating, and stays open until it resolves."""
    c = context(ctx)
    done = c.slmo.alerts.acknowledge(alert_id, c.actor)
    c.console.print(
        c.t("cli.alert_acknowledged", id=alert_id, objective=done.key, tier=done.tier, actor=done.acknowledged_by),
        highlight=False,
    )


def backtest_json(report: BacktestReport) -> dict[str, Any]:
    return {
        "objective": report.objective,
        "from": _epoch(report.start),
        "to": _epoch(report.end),
        "step_seconds": report.step,
        "tiers": [
            {
                "tier": t.tier,
                "alerts": [
                    {"start": _epoch(a), "end": _epoch(b), "true_alarm": true}
                    for (a, b), true in zip(t.alerts, t.true_alarm, strict=True)
                ],
                "open_end": t.open_end,
                "breaches": [
                    {
                        "start": _epoch(b.start),
                        "end": _epoch(b.end),
                        "detected": b.detected,
                        "detection_seconds": b.detection_seconds,
                        "reset_seconds": b.reset_seconds,
                    }
                    for b in t.breaches
                ],
                "false_alarms": t.false_alarms,
                "precision": t.precision,
                "recall": t.recall,
                "mean_detection_seconds": t.mean_detection_seconds,
                "mean_reset_seconds": t.mean_reset_seconds,
            }
            for t in report.tiers
        ],
    }


def _share(value: float | None, lang: str) -> str:
    return "—" if value is None else format_number(value, lang, 2)


def _minutes(seconds: float | None, lang: str) -> str:
    return "—" if seconds is None else format_number(seconds / 60, lang, 0) + " min"


def _print_backtest(c: CliContext, report: BacktestReport) -> None:
    c.console.print(
        c.t(
            "cli.backtest_title",
            objective=report.objective,
            start=_epoch(report.start),
            end=_epoch(report.end),
            step=format_duration(report.step),
        ),
        style="bold",
        highlight=False,
    )
    for t in report.tiers:
        c.console.print(
            c.t(
                "cli.backtest_alerts",
                tier=t.tier,
                count=len(t.alerts),
                false=t.false_alarms,
                precision=_share(t.precision, c.lang),
                recall=_share(t.recall, c.lang),
            ),
            highlight=False,
        )
        if t.alerts:
            table = Table(header_style="bold")
            for header in ("backtest_from", "backtest_to", "backtest_true"):
                table.add_column(c.t(f"column.{header}"))
            last = len(t.alerts) - 1
            for i, ((fired, reset), true) in enumerate(zip(t.alerts, t.true_alarm, strict=True)):
                end = c.t("cli.backtest_open") if t.open_end and i == last else _epoch(reset)
                table.add_row(_epoch(fired), end, "✓" if true else "✗")
            c.console.print(table)
    breaches = report.tiers[-1].breaches if report.tiers else []
    if breaches:
        table = Table(title=c.t("cli.backtest_breaches"), title_justify="left", header_style="bold")
        for header in ("breach_start", "breach_end"):
            table.add_column(c.t(f"column.{header}"))
        for t in report.tiers:
            table.add_column(f"{t.tier}: {c.t('column.breach_detection')}", justify="right")
            table.add_column(f"{t.tier}: {c.t('column.breach_reset')}", justify="right")
        for i, breach in enumerate(breaches):
            cells = [_epoch(breach.start), _epoch(breach.end)]
            for t in report.tiers:
                cells += [
                    _minutes(t.breaches[i].detection_seconds, c.lang),
                    _minutes(t.breaches[i].reset_seconds, c.lang),
                ]
            table.add_row(*cells)
        c.console.print(table)


@alerts_app.command("backtest")
def backtest(
    ctx: typer.Context,
    objective: Annotated[str, typer.Argument(help="AGREEMENT/NAME, or NAME when one agreement has it.")],
    start: Annotated[str, typer.Option("--from", help="ISO 8601 with an offset.")],
    end: Annotated[str, typer.Option("--to", help="ISO 8601 with an offset.")],
    json_output: JsonOpt = False,
) -> None:
    """Replay the objective's alert rules over its stored history: when each tier would have
    fired, each breach's detection and reset times, false alarms, precision and recall."""
    c = context(ctx)
    report = c.slmo.alerts.backtest(objective, instant(ctx, start, "--from"), instant(ctx, end, "--to"))
    if json_output:
        c.console.print_json(json.dumps(backtest_json(report), ensure_ascii=False))
    else:
        _print_backtest(c, report)
