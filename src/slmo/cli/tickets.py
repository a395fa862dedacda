"""`slmo tickets status|show`: ticket objectives per priority, and one ticket's timers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Annotated, Any

import typer
from rich.table import Table

from slmo.cli.context import CliContext, context, optional_instant
from slmo.core.model.duration import format_duration
from slmo.i18n import format_number
from slmo.services.tickets import PriorityFigures, TicketTimer

tickets_app = typer.Typer(
    help="Service-desk tickets: compliance per priority and one ticket's timers.", no_args_is_help=True
)

At = Annotated[str | None, typer.Option("--at", help="The instant, ISO 8601 with an offset (default: now).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
PeriodOpt = Annotated[
    str | None, typer.Option("--period", help="A named period: 2026-10, 2026-Q4, 2026-W40 (default: the window).")
]


def _iso(at: int | None) -> str | None:
    return None if at is None else dt.datetime.fromtimestamp(at, dt.UTC).isoformat()


def _seconds(value: float | None, lang: str) -> str:
    if value is None:
        return "—"
    return format_number(value / 3600, lang, 2) + " h"


def _figures_json(row: PriorityFigures) -> dict[str, Any]:
    return {"objective": row.objective, "priority": row.priority, **dataclasses.asdict(row.figures)}


@tickets_app.command("status")
def status(ctx: typer.Context, period: PeriodOpt = None, at: At = None, json_output: JsonOpt = False) -> None:
    """Per ticket objective and priority: volume, compliance, mean, median and p90 times, breaches."""
    c = context(ctx)
    rows = c.slmo.tickets.status(period, optional_instant(ctx, at))
    if json_output:
        c.console.print_json(json.dumps([_figures_json(r) for r in rows], ensure_ascii=False))
        return
    table = Table(
        title=c.t("cli.tickets_status_title", period=period or c.t("cli.tickets_window")), title_justify="left"
    )
    for header in ("objective", "priority", "volume", "compliance", "mean", "median", "p90", "breaches"):
        table.add_column(
            c.t(f"column.ticket_{header}"), justify="left" if header in ("objective", "priority") else "right"
        )
    for r in rows:
        f = r.figures
        table.add_row(
            r.objective,
            c.t("cli.tickets_all") if r.priority == "all" else r.priority,
            str(f.volume),
            "—" if f.compliance is None else format_number(100 * f.compliance, c.lang, 2) + "%",
            _seconds(f.mean, c.lang),
            _seconds(f.median, c.lang),
            _seconds(f.p90, c.lang),
            str(f.breaches),
        )
    c.console.print(table)


def _timer_json(t: TicketTimer) -> dict[str, Any]:
    return {
        "objective": t.objective,
        "clock": t.clock,
        "priority": t.priority,
        "unit": t.unit,
        "target": t.target,
        "start": _iso(t.start),
        "stop": _iso(t.stop),
        "elapsed_seconds": t.elapsed,
        "left_seconds": t.left,
        "paused_seconds": t.paused,
        "deadline": _iso(t.deadline),
        "breached_at": _iso(t.breached_at),
        "warnings": {k: _iso(v) for k, v in t.warnings.items()},
        "timeline": [{"at": _iso(e.at), "event": e.kind, "detail": e.detail} for e in t.timeline],
    }


def _explain(c: CliContext, kind: str, detail: str) -> str:
    return c.t(f"ticket.event.{kind}", detail=detail)


@tickets_app.command("show")
def show(
    ctx: typer.Context,
    ticket_id: Annotated[str, typer.Argument(help="The ticket's id.")],
    at: At = None,
    json_output: JsonOpt = False,
) -> None:
    """One ticket's timers on each ticket objective, with a timeline explaining each start, pause and stop."""
    c = context(ctx)
    ticket, timers = c.slmo.tickets.show(ticket_id, optional_instant(ctx, at))
    if json_output:
        c.console.print_json(
            json.dumps(
                {"id": ticket.id, "service": ticket.service, "timers": [_timer_json(t) for t in timers]},
                ensure_ascii=False,
            )
        )
        return
    c.console.print(
        c.t("cli.ticket_header", id=ticket.id, service=ticket.service or "—", priority=ticket.priority), highlight=False
    )
    for t in timers:
        target = str(t.target) + " d" if t.unit in ("business-days", "end-of-day") else format_duration(t.target)
        c.console.print(
            c.t(
                "cli.ticket_timer",
                objective=t.objective,
                clock=t.clock,
                target=target,
                unit=t.unit,
                elapsed=format_duration(max(t.elapsed, 0)),
                left=("-" if t.left < 0 else "") + format_duration(abs(t.left)),
                deadline=_iso(t.deadline) or "",
                breached=_iso(t.breached_at) or c.t("cli.ticket_not_breached"),
            ),
            highlight=False,
        )
        for e in t.timeline:
            c.console.print(f"  {_iso(e.at)}  {_explain(c, e.kind, e.detail)}", highlight=False)
