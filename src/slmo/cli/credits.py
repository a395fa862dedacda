"""`slmo credits`: the credits ledger (list, compute a closed period, confirm, pay)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.table import Table

from slmo.cli.context import CliContext, context
from slmo.core.model.credits import CreditCalculation, PenaltyCalculation
from slmo.core.model.duration import format_duration
from slmo.core.model.ledger import CreditBasis, CreditEntry
from slmo.core.model.plain import to_plain
from slmo.i18n import format_number
from slmo.services.credits import ComputeReport, LineOutcome, Outcome

credits_app = typer.Typer(
    help="The credits ledger: service credits and ticket penalties per agreement and period.",
    invoke_without_command=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
AgreementOpt = Annotated[str | None, typer.Option("--agreement", help="One agreement only.")]
IdArg = Annotated[int, typer.Argument(metavar="ID", help="The line's id (slmo credits shows it).")]


def _pct(value: float | None, lang: str, decimals: int = 3) -> str:
    return "—" if value is None else format_number(100 * value, lang, decimals) + "%"


def _share(value: float, lang: str) -> str:
    return format_number(100 * value, lang, 2 if round(value * 100, 2) != round(value * 100) else 0) + "%"


def _money(amount: Decimal | float | None, currency: str | None, lang: str) -> str:
    if amount is None:
        return "—"
    return f"{format_number(float(amount), lang, 2)} {currency or ''}".strip()


def _places(value: Decimal) -> int:
    """The decimal places a number needs, at most 4: 10 units, 41.3333 units."""
    exponent = value.normalize().as_tuple().exponent
    return min(4, max(0, -exponent)) if isinstance(exponent, int) else 4


def clause(c: CliContext, entry: CreditEntry) -> str:
    if entry.basis is CreditBasis.PENALTY:
        return c.t("credit.clause_penalty", objective=entry.clause)
    return c.t("credit.clause_schedule")


def explain(c: CliContext, entry: CreditEntry) -> str:
    """The calculation in one line, in the user's language."""
    k = entry.calculation
    lang = c.lang
    if isinstance(k, PenaltyCalculation):
        capped = c.t("credit.penalty_capped", cap=_money(k.cap, k.currency, lang)) if k.capped else ""
        return c.t(
            "credit.explain_penalty",
            breach=format_duration(k.breach_seconds),
            tickets=k.tickets,
            allowance=format_duration(k.allowance_seconds),
            units=format_number(float(k.units), lang, _places(k.units)),
            rate=_money(k.rate, k.currency, lang),
            per=format_duration(k.per_seconds),
            raw=_money(k.raw_amount, k.currency, lang),
            capped=capped,
            amount=_money(k.amount, k.currency, lang),
        )
    assert isinstance(k, CreditCalculation)
    if k.tier is None:
        tier = c.t("credit.no_tier")
    elif k.capped:
        tier = c.t(
            "credit.tier_capped",
            below=_pct(k.tier.below, lang, 2),
            credit=_share(k.share, lang),
            cap=_share(k.cap, lang),
        )
    else:
        tier = c.t("credit.tier", below=_pct(k.tier.below, lang, 2), credit=_share(k.share, lang))
    if k.charge is None:
        return c.t(
            "credit.explain_schedule_no_charge",
            objective=entry.objective or "",
            attainment=_pct(k.attainment, lang),
            tier=tier,
            share=_share(k.due_share, lang),
        )
    return c.t(
        "credit.explain_schedule",
        objective=entry.objective or "",
        attainment=_pct(k.attainment, lang),
        tier=tier,
        share=_share(k.due_share, lang),
        charge=_money(k.charge.amount, k.charge.currency, lang),
        amount=_money(k.amount, k.charge.currency, lang),
    )


def entry_json(entry: CreditEntry) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": entry.id,
        "agreement": entry.agreement,
        "period": entry.period,
        "basis": entry.basis.value,
        "clause": entry.clause,
        "version": entry.version,
        "objective": entry.objective,
        "covered": list(entry.covered),
        "attainment": entry.attainment,
        "amount": None if entry.amount is None else str(entry.amount),
        "currency": entry.currency,
        "status": entry.status.value,
        "calculation": to_plain(entry.calculation),
        "computed_at": entry.computed_at.isoformat(),
        "confirmed_at": None if entry.confirmed_at is None else entry.confirmed_at.isoformat(),
        "confirmed_by": entry.confirmed_by,
        "paid_at": None if entry.paid_at is None else entry.paid_at.isoformat(),
        "paid_by": entry.paid_by,
    }
    return found


def _table(c: CliContext, entries: list[CreditEntry], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for header in ("id", "agreement", "period", "clause", "attainment", "amount", "status", "calculation"):
        right = header in ("id", "attainment", "amount")
        table.add_column(c.t(f"column.credit_{header}"), justify="right" if right else "left")
    for e in entries:
        table.add_row(
            str(e.id),
            e.agreement,
            e.period,
            clause(c, e),
            _pct(e.attainment, c.lang),
            _money(e.amount, e.currency, c.lang),
            c.t(f"credit_status.{e.status.value}"),
            explain(c, e),
        )
    return table


@credits_app.callback()
def credits(
    ctx: typer.Context,
    period: Annotated[str | None, typer.Option("--period", help="A month, quarter or year: 2026-10.")] = None,
    agreement: AgreementOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """The ledger's lines: per agreement, period and clause, the amount, its status and the calculation."""
    if ctx.invoked_subcommand is not None:
        return
    c = context(ctx)
    entries = c.slmo.credits.entries(period, agreement)
    if json_output:
        c.console.print_json(json.dumps([entry_json(e) for e in entries], ensure_ascii=False))
        return
    if not entries:
        c.console.print(c.t("cli.credits_none"), highlight=False)
        return
    title = c.t("cli.credits_title_period", period=period) if period else c.t("cli.credits_title")
    c.console.print(_table(c, entries, title))


def _outcome_json(line: LineOutcome) -> dict[str, Any]:
    return {
        "outcome": line.outcome.value,
        "line": entry_json(line.entry),
        "computed": None if line.computed is None else entry_json(line.computed),
    }


def _report_json(report: ComputeReport) -> dict[str, Any]:
    return {
        "period": report.period,
        "lines": [_outcome_json(line) for line in report.lines],
        "skipped": [
            {"agreement": s.agreement, "basis": s.basis.value, "clause": s.clause, "reason": s.reason.value}
            for s in report.skipped
        ],
    }


@credits_app.command("compute")
def compute(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", help="A closed month, quarter or year: 2026-10.")],
    agreement: AgreementOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """Compute a closed period's credits and penalties into the ledger (idempotent; confirmed
    and paid lines are never changed, and are listed when the new figures differ)."""
    c = context(ctx)
    report = c.slmo.credits.compute(period, c.actor, agreement)
    if json_output:
        c.console.print_json(json.dumps(_report_json(report), ensure_ascii=False))
        return
    for line in report.lines:
        e = line.entry
        what = f"{e.agreement} {e.period} {clause(c, e)}"
        if line.outcome is Outcome.DIFFERS:
            now = "—" if line.computed is None else _money(line.computed.amount, line.computed.currency, c.lang)
            c.console.print(
                c.t(
                    "cli.credit_differs",
                    line=what,
                    id=e.id,
                    status=c.t(f"credit_status.{e.status.value}"),
                    held=_money(e.amount, e.currency, c.lang),
                    computed=now,
                ),
                style="yellow",
                highlight=False,
            )
            continue
        c.console.print(
            c.t(
                "cli.credit_line",
                outcome=c.t(f"credit_outcome.{line.outcome.value}"),
                line=what,
                id=e.id,
                amount=_money(e.amount, e.currency, c.lang),
                calculation=explain(c, e),
            ),
            highlight=False,
        )
    for skipped in report.skipped:
        c.console.print(
            c.t(
                f"cli.credit_skipped_{skipped.reason.value}",
                agreement=skipped.agreement,
                clause=c.t("credit.clause_penalty", objective=skipped.clause)
                if skipped.basis is CreditBasis.PENALTY
                else c.t("credit.clause_schedule"),
                period=report.period,
            ),
            highlight=False,
        )
    c.console.print(
        c.t(
            "cli.credits_summary",
            created=report.count(Outcome.CREATED),
            replaced=report.count(Outcome.REPLACED),
            unchanged=report.count(Outcome.UNCHANGED),
            removed=report.count(Outcome.REMOVED),
            kept=report.count(Outcome.KEPT),
            differs=report.count(Outcome.DIFFERS),
        ),
        highlight=False,
    )


def _settled(c: CliContext, entry: CreditEntry) -> None:
    c.console.print(
        c.t(
            "cli.credit_settled",
            id=entry.id,
            line=f"{entry.agreement} {entry.period} {clause(c, entry)}",
            amount=_money(entry.amount, entry.currency, c.lang),
            status=c.t(f"credit_status.{entry.status.value}"),
        ),
        highlight=False,
    )


@credits_app.command("confirm")
def confirm(ctx: typer.Context, entry_id: IdArg, json_output: JsonOpt = False) -> None:
    """Mark a computed line confirmed (agreed with the other party): recomputing never changes it."""
    c = context(ctx)
    entry = c.slmo.credits.confirm(entry_id, c.actor)
    if json_output:
        c.console.print_json(json.dumps(entry_json(entry), ensure_ascii=False))
        return
    _settled(c, entry)


@credits_app.command("pay")
def pay(ctx: typer.Context, entry_id: IdArg, json_output: JsonOpt = False) -> None:
    """Mark a line paid."""
    c = context(ctx)
    entry = c.slmo.credits.pay(entry_id, c.actor)
    if json_output:
        c.console.print_json(json.dumps(entry_json(entry), ensure_ascii=False))
        return
    _settled(c, entry)
