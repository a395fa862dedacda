"""`slmo targets OBJECTIVE`: the targets an objective meets with a given confidence, from its past
periods and from simulated ones, and what a proposed target would mean over a year (breaches,
credit exposure) (``services.targets``)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from slmo.cli.context import CliContext, context
from slmo.core.engine.evidence import CONFIDENCES
from slmo.core.model.targets import TargetStudy
from slmo.i18n.formats import digits
from slmo.i18n.targets import achievable_cells, credit_line, simulation_line, unit_name, what_if_rows, what_if_title
from slmo.services.targets import target_study_json


def proposed_ratio(value: float | None) -> float | None:
    """A target as given on the command line: a percent above 1 (99.95), else a ratio (0.9995)."""
    if value is None:
        return None
    return value / 100 if value > 1 else value


def _print(c: CliContext, study: TargetStudy) -> None:
    found = study.evidence
    c.console.print(
        c.t(
            "cli.targets_title",
            objective=f"{found.agreement}/{found.objective}",
            version=digits(str(found.version), c.lang),
            measured=digits(str(found.measured), c.lang),
            periods=digits(str(len(found.periods)), c.lang),
            unit=unit_name(found.unit, c.lang),
            zone=found.time_zone,
        ),
        highlight=False,
        style="bold",
    )
    c.console.print(simulation_line(study, c.lang), highlight=False)
    table = Table(title=c.t("cli.targets_achievable"), title_justify="left", header_style="bold")
    for header in ("confidence", "history", "simulation", "achievable"):
        table.add_column(c.t(f"column.targets_{header}"), justify="right")
    for row in study.achievable:
        table.add_row(*achievable_cells(row, c.lang))
    c.console.print(table)
    what_if = Table(title=what_if_title(study.what_if, c.lang), title_justify="left", header_style="bold")
    what_if.add_column("")
    what_if.add_column(c.t("column.targets_history"), justify="right")
    what_if.add_column(c.t("column.targets_simulation"), justify="right")
    for label, past, simulated in what_if_rows(study.what_if, c.lang):
        what_if.add_row(label, past, simulated)
    c.console.print(what_if)
    note = credit_line(study.what_if, c.lang)
    if note is not None:
        c.console.print(note, highlight=False)


def targets(
    ctx: typer.Context,
    objective: Annotated[
        str, typer.Argument(metavar="OBJECTIVE", help="AGREEMENT/NAME (or a NAME only one agreement in force has).")
    ],
    confidence: Annotated[
        list[float] | None,
        typer.Option("--confidence", help="A confidence to give the target for (repeat it); default 0.9, 0.95, 0.99."),
    ] = None,
    what_if: Annotated[
        float | None,
        typer.Option("--what-if", help="A proposed target: 99.95 (percent) or 0.9995; default the objective's own."),
    ] = None,
    periods: Annotated[int, typer.Option("--periods", help="How many past periods (complete ones).")] = 12,
    per: Annotated[
        str | None, typer.Option("--per", help="month, quarter or week; default the one nearest the window.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """The targets met with each confidence, from history and from simulated periods (the lower
    binds), and a proposed target's breaches a year and credit exposure."""
    c = context(ctx)
    study = c.slmo.targets.study(
        objective,
        what_if=proposed_ratio(what_if),
        confidences=tuple(confidence) if confidence else CONFIDENCES,
        periods=periods,
        per=per,
    )
    if json_output:
        c.console.print_json(json.dumps(target_study_json(study), ensure_ascii=False))
        return
    _print(c, study)
