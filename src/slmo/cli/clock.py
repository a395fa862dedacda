"""`slmo clock elapsed|deadline`: business time on a calendar document, for scripts."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from slmo.cli.context import context, instant
from slmo.core.engine.clock_units import ClockUnit
from slmo.core.model.duration import parse_duration
from slmo.services.clock import Pause

clock_app = typer.Typer(help="Business time on a calendar: elapsed time and deadlines.", no_args_is_help=True)

CalendarOpt = Annotated[str, typer.Option("--calendar", help="A file holding a Calendar document.")]
FromOpt = Annotated[str, typer.Option("--from", help="The start, ISO 8601 with an offset.")]
PauseOpt = Annotated[
    list[str] | None, typer.Option("--pause", help="A pause T1/T2 (ISO 8601 with offsets); repeat for more.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _pauses(ctx: typer.Context, texts: list[str] | None) -> list[Pause]:
    found: list[Pause] = []
    for text in texts or []:
        if "/" not in text:
            raise typer.BadParameter(context(ctx).t("cli.bad_pause", value=text), param_hint="--pause")
        a, b = text.split("/", 1)
        start, end = instant(ctx, a, "--pause"), instant(ctx, b, "--pause")
        if end < start:
            raise typer.BadParameter(context(ctx).t("cli.pause_backwards", value=text), param_hint="--pause")
        found.append(Pause(start, end))
    return found


@clock_app.command("elapsed")
def elapsed(
    ctx: typer.Context,
    calendar: CalendarOpt,
    start: FromOpt,
    end: Annotated[str, typer.Option("--to", help="The end, ISO 8601 with an offset.")],
    pause: PauseOpt = None,
    unit: Annotated[
        ClockUnit, typer.Option("--unit", help="business (default) or calendar time.")
    ] = ClockUnit.BUSINESS,
    json_output: JsonOpt = False,
) -> None:
    """Business seconds between two instants, less pauses."""
    c = context(ctx)
    if unit.counts_days:
        raise typer.BadParameter(c.t("cli.elapsed_unit", unit=unit.value), param_hint="--unit")
    cal = c.slmo.clock.calendar_from(calendar)
    seconds = c.slmo.clock.elapsed(
        cal, instant(ctx, start, "--from"), instant(ctx, end, "--to"), _pauses(ctx, pause), unit=unit
    )
    if json_output:
        typer.echo(json.dumps({"elapsed_seconds": seconds}))
    else:
        hours, rest = divmod(abs(seconds), 3600)
        c.console.print(
            f"{'-' if seconds < 0 else ''}{hours}h{rest // 60:02d}m{rest % 60:02d}s ({seconds} s)", highlight=False
        )


@clock_app.command("deadline")
def deadline(
    ctx: typer.Context,
    calendar: CalendarOpt,
    start: FromOpt,
    target: Annotated[str, typer.Option("--target", help="90m, 4h, 3d (for day units: a number of days, 3d).")],
    unit: Annotated[
        ClockUnit, typer.Option("--unit", help="business, business-days, end-of-day or calendar.")
    ] = ClockUnit.BUSINESS,
    pause: PauseOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """The instant a target is reached, counting only working time."""
    c = context(ctx)
    seconds = parse_duration(target)
    if seconds is None:
        raise typer.BadParameter(c.t("cli.bad_duration", value=target), param_hint="--target")
    if seconds == 0:
        raise typer.BadParameter(c.t("cli.zero_target", value=target), param_hint="--target")
    amount = seconds
    if unit.counts_days:
        if seconds % 86400:
            raise typer.BadParameter(c.t("cli.days_target", value=target), param_hint="--target")
        amount = seconds // 86400
    cal = c.slmo.clock.calendar_from(calendar)
    due = c.slmo.clock.deadline(cal, instant(ctx, start, "--from"), amount, _pauses(ctx, pause), unit=unit)
    local = due.astimezone(_zone(cal.time_zone))
    if json_output:
        typer.echo(json.dumps({"deadline": local.isoformat()}))
    else:
        c.console.print(local.isoformat(), highlight=False)


def _zone(name: str) -> dt.tzinfo:
    import zoneinfo

    return zoneinfo.ZoneInfo(name)
