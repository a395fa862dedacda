"""`slmo costs`: what services cost per month (import, list) and the cost-effectiveness view."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from slmo.cli.context import CliContext, context
from slmo.core.model.ledger import CostEffectiveness, ServiceCost, Verdict
from slmo.i18n import format_number

costs_app = typer.Typer(
    help="What services cost per month, and which agreements cost more than they return.",
    invoke_without_command=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def _money(amount: Decimal | None, currency: str | None, lang: str) -> str:
    if amount is None:
        return "—"
    return f"{format_number(float(amount), lang, 2)} {currency or ''}".strip()


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def cost_json(cost: ServiceCost) -> dict[str, Any]:
    return {
        "service": cost.service,
        "period": cost.period,
        "amount": str(cost.amount),
        "currency": cost.currency,
        "updated_at": None if cost.updated_at is None else cost.updated_at.isoformat(),
    }


def row_json(row: CostEffectiveness) -> dict[str, Any]:
    return {
        "agreement": row.agreement,
        "kind": row.kind,
        "side": row.side.value,
        "period": row.period,
        "currency": row.currency,
        "charge": _text(row.charge),
        "credits": str(row.credits),
        "credits_paid": str(row.credits_paid),
        "cost": _text(row.cost),
        "net": _text(row.net),
        "attainment": row.attainment,
        "cost_per_point": _text(row.cost_per_point),
        "verdict": row.verdict.value,
        "costs_more_than_it_returns": row.costs_more_than_it_returns,
        "services": list(row.services),
        "missing": list(row.missing),
    }


@costs_app.callback()
def costs(
    ctx: typer.Context,
    period: Annotated[str | None, typer.Option("--period", help="A month, quarter or year: 2026-10.")] = None,
    json_output: JsonOpt = False,
) -> None:
    """The costs entered, per service and month."""
    if ctx.invoked_subcommand is not None:
        return
    c = context(ctx)
    found = c.slmo.costs.costs(period)
    if json_output:
        c.console.print_json(json.dumps([cost_json(x) for x in found], ensure_ascii=False))
        return
    if not found:
        c.console.print(c.t("cli.costs_none"), highlight=False)
        return
    title = c.t("cli.costs_title_period", period=period) if period else c.t("cli.costs_title")
    table = Table(title=title, title_justify="left")
    for header in ("service", "period", "amount"):
        table.add_column(c.t(f"column.cost_{header}"), justify="right" if header == "amount" else "left")
    for x in found:
        table.add_row(x.service, x.period, _money(x.amount, x.currency, c.lang))
    c.console.print(table)


@costs_app.command("import")
def import_costs(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help="CSV: service,period,amount,currency (- for stdin).")],
) -> None:
    """Take in what services cost per month; every bad row is named by line and nothing is written."""
    c = context(ctx)
    if file == "-":
        report = c.slmo.costs.import_costs(sys.stdin.buffer, "<stdin>", c.actor)
    else:
        path = Path(file)
        if not path.is_file():
            raise typer.BadParameter(c.t("cli.no_such_file", path=file), param_hint="FILE")
        with path.open("rb") as handle:
            report = c.slmo.costs.import_costs(handle, file, c.actor)
    c.console.print(
        c.t(
            "cli.costs_imported", name=report.name, rows=report.rows, written=report.written, unchanged=report.unchanged
        ),
        highlight=False,
    )


def _verdict(c: CliContext, row: CostEffectiveness) -> str:
    text = c.t(f"verdict.{row.verdict.value}")
    if row.missing:
        text += " " + c.t("cli.costs_missing", services=", ".join(row.missing))
    return text


@costs_app.command("report")
def report(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", help="A month, quarter or year: 2026-10.")],
    json_output: JsonOpt = False,
) -> None:
    """Per agreement: the charge, credits (paid), the services' cost, the net, the cost per point of
    attainment; agreements that cost more than they return are flagged."""
    c = context(ctx)
    rows = c.slmo.costs.report(period)
    if json_output:
        c.console.print_json(json.dumps([row_json(r) for r in rows], ensure_ascii=False))
        return
    table = Table(title=c.t("cli.costs_report_title", period=period), title_justify="left")
    headers = ("agreement", "side", "charge", "credits", "paid", "cost", "net", "attainment", "per_point", "verdict")
    for header in headers:
        left = header in ("agreement", "side", "verdict")
        table.add_column(c.t(f"column.value_{header}"), justify="left" if left else "right")
    for r in rows:
        attainment = "—" if r.attainment is None else format_number(100 * r.attainment, c.lang, 3) + "%"
        table.add_row(
            r.agreement,
            c.t(f"side.{r.side.value}"),
            _money(r.charge, r.currency, c.lang),
            _money(r.credits, r.currency, c.lang),
            _money(r.credits_paid, r.currency, c.lang),
            _money(r.cost, r.currency, c.lang),
            _money(r.net, r.currency, c.lang),
            attainment,
            _money(r.cost_per_point, r.currency, c.lang),
            _verdict(c, r),
            style="bold red" if r.verdict is Verdict.LOSS else None,
        )
    c.console.print(table)
    losing = [r.agreement for r in rows if r.costs_more_than_it_returns]
    if losing:
        c.console.print(c.t("cli.costs_losing", agreements=", ".join(losing)), style="red", highlight=False)
