"""`slmo export`: the catalogue as documents (slmo or OpenSLO), and `slmo export
prometheus-rules`: slmo's objectives and alert policies as a Prometheus rule file."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from slmo.cli import catalogue
from slmo.cli.context import context
from slmo.cli.errors import render_problem

export_app = typer.Typer(
    help=(
        "Without a command: write the whole catalogue as documents that `apply` (or `import`) takes back "
        "unchanged. `prometheus-rules`: its objectives as Prometheus rules."
    ),
    invoke_without_command=True,
)

OutFile = Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file instead of standard output.")]
# Alertmanager fills these in from each alert's labels.
WHO = "{{$labels.sloth_service}} {{$labels.sloth_slo}}"


@export_app.callback()
def export(
    ctx: typer.Context,
    output_format: Annotated[str, typer.Option("--format", help="slmo (default) or openslo.")] = "slmo",
    out: OutFile = None,
) -> None:
    """Write the whole catalogue as documents that `apply` (or `import`) takes back unchanged."""
    if ctx.invoked_subcommand is None:
        catalogue.export(ctx, output_format, out)


@export_app.command("prometheus-rules")
def prometheus_rules(
    ctx: typer.Context,
    out: OutFile = None,
    objective: Annotated[
        str | None, typer.Option("--objective", help="Only this objective (NAME or AGREEMENT/NAME).")
    ] = None,
) -> None:
    """Prometheus recording and alerting rules equivalent to slmo's alert policies, with Sloth's names.

    Objectives that PromQL cannot express are listed on standard error."""
    c = context(ctx)

    def annotate(tier: str) -> Mapping[str, str]:
        return {
            "title": c.t("export.alert_title", tier=tier, who=WHO),
            "summary": c.t("export.alert_summary", who=WHO),
        }

    made = c.slmo.prometheus_rules.rule_file(objective, annotate=annotate)
    for problem in (*made.skipped, *made.notes):
        c.err.print(escape(render_problem(problem, c.lang)), style="yellow", highlight=False, soft_wrap=True)
    if out is None:
        typer.echo(made.text, nl=False)
    else:
        out.write_text(made.text, encoding="utf-8")
        c.err.print(c.t("cli.written", path=str(out)), highlight=False)
    c.err.print(c.t("cli.rules_summary", written=len(made.written), skipped=len(made.skipped)), highlight=False)
