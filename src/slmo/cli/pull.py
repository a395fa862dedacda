"""`slmo pull INDICATOR`: pull an indicator's new buckets from its Prometheus-compatible source now."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from slmo.cli.context import context


def pull(
    ctx: typer.Context,
    indicator: Annotated[str, typer.Argument(help="An indicator whose queries name a DataSource.")],
) -> None:
    """Pull now what the scheduler would pull on the indicator's cadence (backfill on the first run)."""
    c = context(ctx)
    report = c.slmo.scheduler.pull_now(indicator)

    def iso(t: int) -> str:
        return dt.datetime.fromtimestamp(t, dt.UTC).isoformat(timespec="seconds")

    c.console.print(
        c.t(
            "cli.pulled",
            buckets=report.buckets,
            indicator=report.indicator,
            source=report.source,
            start=iso(report.start),
            end=iso(report.end),
        ),
        highlight=False,
    )
