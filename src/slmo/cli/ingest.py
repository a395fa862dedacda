"""`slmo ingest events|samples|probes|incidents`: what was delivered, from files or stdin."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, BinaryIO

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from slmo.cli.context import CliContext, context
from slmo.cli.errors import render_problem
from slmo.services.ingest import IngestReport, MeasurementKind, OnError

ingest_app = typer.Typer(help="Record what was delivered: events, samples, probes, incidents.", no_args_is_help=True)

FileArg = Annotated[str, typer.Argument(help="A CSV or JSON-lines file, or - for standard input.")]
IndicatorOpt = Annotated[str, typer.Option("--indicator", help="The indicator the rows measure.")]
TzOpt = Annotated[str | None, typer.Option("--tz", help="IANA zone of timestamps written without an offset.")]
OnErrorOpt = Annotated[
    OnError, typer.Option("--on-error", help="abort: write nothing if any row is bad; skip: write the good rows.")
]
SourceOpt = Annotated[
    str, typer.Option("--source", help="Who reports the rows; a later input from the same source replaces buckets.")
]

# Files smaller than this load too fast for a progress bar to help.
_PROGRESS_FROM = 8 * 1024 * 1024


class _Counting(io.RawIOBase):
    """A binary stream that tells a progress bar how far reading has got."""

    def __init__(self, inner: BinaryIO, progress: Progress, task: TaskID) -> None:
        self._inner = inner
        self._progress = progress
        self._task = task

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._progress.advance(self._task, n)
        return n


@contextmanager
def _opened(c: CliContext, file: str) -> Iterator[tuple[BinaryIO, str]]:
    if file == "-":
        yield sys.stdin.buffer, "<stdin>"
        return
    path = Path(file)
    if not path.is_file():
        raise typer.BadParameter(c.t("cli.no_such_file", path=file), param_hint="FILE")
    size = path.stat().st_size
    with path.open("rb") as handle:
        if size < _PROGRESS_FROM or not c.err.is_terminal:
            yield handle, file
            return
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=c.err, transient=True) as progress:
            task = progress.add_task(path.name, total=size)
            yield io.BufferedReader(_Counting(handle, progress, task), buffer_size=1024 * 1024), file


def _report(c: CliContext, report: IngestReport) -> None:
    for problem in report.problems:
        c.err.print(escape(render_problem(problem, c.lang)), style="yellow", highlight=False, soft_wrap=True)
    if report.rejected > len(report.problems):
        c.err.print(
            c.t("cli.more_problems", count=report.rejected - len(report.problems)), style="yellow", highlight=False
        )
    key = "cli.ingested_incidents" if report.kind is MeasurementKind.INCIDENTS else "cli.ingested"
    c.console.print(
        c.t(
            key,
            name=report.name,
            rows=report.rows,
            rejected=report.rejected,
            written=report.written,
            indicator=report.indicator or "",
            duplicates=report.duplicates,
        ),
        highlight=False,
    )


def _measurement_command(kind: MeasurementKind, summary: str) -> Callable[..., None]:
    """One `slmo ingest KIND` command: events, samples and probes differ only in what they feed."""

    def command(
        ctx: typer.Context,
        file: FileArg,
        indicator: IndicatorOpt,
        tz: TzOpt = None,
        on_error: OnErrorOpt = OnError.ABORT,
        source: SourceOpt = "default",
    ) -> None:
        c = context(ctx)
        with _opened(c, file) as (stream, name):
            report = c.slmo.ingest.measurements(
                kind, indicator, stream, name, c.actor, source=source, tz=tz, on_error=on_error
            )
        _report(c, report)

    command.__doc__ = summary
    command.__name__ = kind.value
    return command


for _kind, _summary in (
    (MeasurementKind.EVENTS, "Good and total event counts: `timestamp,good,total` (CSV or JSON lines)."),
    (MeasurementKind.SAMPLES, "Metric samples for threshold indicators: `timestamp,value`."),
    (MeasurementKind.PROBES, "Probe results for availability indicators: `timestamp,up,latency_ms`."),
):
    ingest_app.command(_kind.value)(_measurement_command(_kind, _summary))


@ingest_app.command("incidents")
def incidents(ctx: typer.Context, file: FileArg, tz: TzOpt = None, on_error: OnErrorOpt = OnError.ABORT) -> None:
    """Incidents: `id,service,start,end,impact` (impact outage or degraded; end empty while open)."""
    c = context(ctx)
    with _opened(c, file) as (stream, name):
        report = c.slmo.ingest.incidents(stream, name, c.actor, tz=tz, on_error=on_error)
    _report(c, report)


@ingest_app.command("tickets")
def tickets(
    ctx: typer.Context,
    file: FileArg,
    preset: Annotated[
        str | None, typer.Option("--preset", help="The export's shape: servicenow, jira or slmo (the default).")
    ] = None,
    mapping: Annotated[str | None, typer.Option("--mapping", help="A YAML mapping file for any other export.")] = None,
    service: Annotated[str | None, typer.Option("--service", help="The service of tickets that name none.")] = None,
    tz: TzOpt = None,
    on_error: OnErrorOpt = OnError.ABORT,
) -> None:
    """Service-desk tickets with their status history (docs/tickets.md), CSV or JSON lines."""
    c = context(ctx)
    mapping_text = None
    if mapping is not None:
        path = Path(mapping)
        if not path.is_file():
            raise typer.BadParameter(c.t("cli.no_such_file", path=mapping), param_hint="--mapping")
        mapping_text = path.read_text(encoding="utf-8")
    with _opened(c, file) as (stream, name):
        report = c.slmo.tickets.ingest(
            stream, name, c.actor, preset=preset, mapping=mapping_text, tz=tz, service=service, on_error=on_error
        )
    for problem in report.problems:
        c.err.print(escape(render_problem(problem, c.lang)), style="yellow", highlight=False, soft_wrap=True)
    c.console.print(
        c.t(
            "cli.ingested_tickets",
            name=report.name,
            rows=report.rows,
            rejected=report.rejected,
            tickets=report.tickets,
            written=report.written,
        ),
        highlight=False,
    )
