"""`slmo report`: the period report of one agreement, or of every agreement of one customer, as
PDF or as one self-contained HTML file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from slmo.cli.context import CliContext, context
from slmo.core.engine.portfolio import parse_order
from slmo.core.model.report import ReportFormat
from slmo.i18n import SUPPORTED_LANGUAGES, gettext


def report(
    ctx: typer.Context,
    agreement: Annotated[
        str | None, typer.Argument(help="The agreement to report on (leave out with --customer).", show_default=False)
    ] = None,
    period: Annotated[
        str,
        typer.Option("--period", help="A named period: 2026-10, 2026-Q3, 2026-W40 or 2026.", show_default=False),
    ] = "",
    customer: Annotated[
        str | None, typer.Option("--customer", help="Report on every agreement of this customer party.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="en or ar (default: the global --lang, else SLMO_LANG).")
    ] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", help="pdf or html.")] = ReportFormat.PDF,
    output: Annotated[
        str | None,
        typer.Option("-o", "--output", help="The file to write (- for standard output); default NAME-PERIOD-LANG.pdf."),
    ] = None,
    portfolio: Annotated[
        bool, typer.Option("--portfolio", help="Report on every agreement on one line (a month, quarter or year).")
    ] = False,
    group: Annotated[
        str | None, typer.Option("--group", help="With --portfolio: customer, service, supplier or tier.")
    ] = None,
    sort: Annotated[
        str | None, typer.Option("--sort", help="With --portfolio: the column to sort by (agreement, risk, net ...).")
    ] = None,
    order: Annotated[str | None, typer.Option("--order", help="With --portfolio: asc or desc.")] = None,
) -> None:
    """Write the period report: objectives, downtime, tickets, breaches, credits, trend, sign-off;
    or, with --portfolio, every agreement on one line."""
    c = context(ctx)
    if portfolio:
        if agreement is not None or customer is not None:
            raise typer.BadParameter(c.t("cli.report_subject"), param_hint="--portfolio")
    elif (agreement is None) == (customer is None):
        raise typer.BadParameter(c.t("cli.report_subject"), param_hint="AGREEMENT / --customer")
    if not period:
        raise typer.BadParameter(c.t("cli.report_subject"), param_hint="--period")
    if lang is not None and lang not in SUPPORTED_LANGUAGES:
        raise typer.BadParameter(c.t("error.language", value=lang), param_hint="--lang")
    language = lang or c.lang
    service = c.slmo.reports
    if portfolio:
        view = c.slmo.portfolio.portfolio(period, group, sort, parse_order(order))
        _write(
            c,
            service.render(view, language, output_format),
            output,
            service.file_name(view, language, output_format),
            language,
        )
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=c.err,
        transient=True,
        disable=not c.err.is_terminal,
    ) as bar:
        task = bar.add_task(c.t("cli.report_progress"), total=None)

        def step(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        found = (
            service.agreement(agreement, period, progress=step)
            if agreement is not None
            else service.customer(customer or "", period, progress=step)
        )
        bar.update(task, description=c.t("cli.report_rendering", format=output_format.value.upper()))
        data = service.render(found, language, output_format)
    _write(c, data, output, service.file_name(found, language, output_format), language)


def _write(c: CliContext, data: bytes, output: str | None, default: str, language: str) -> None:
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(output or default)
    path.write_bytes(data)
    # In the report's language, as errors are (``cli.main`` reads --lang wherever it stands).
    c.console.print(gettext("cli.report_written", language, path=str(path)), highlight=False, soft_wrap=True)
