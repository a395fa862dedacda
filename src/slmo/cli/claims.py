"""`slmo claims` (the claims on suppliers, with their deadlines) and `slmo claim file|accept|pay|reject ID`."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated

import typer
from rich.table import Table

from slmo.cli.context import CliContext, context
from slmo.core.model.claims import Claim, Urgency
from slmo.i18n import format_number
from slmo.services.claims import ClaimStanding, parse_statuses
from slmo.services.supplier_documents import claim_document, standing_document

claim_app = typer.Typer(
    help="Move a claim on a supplier a step: file it, and record its acceptance, payment or rejection."
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
IdArg = Annotated[int, typer.Argument(metavar="ID", help="The claim's id (slmo claims shows it).")]
ReferenceOpt = Annotated[
    str | None, typer.Option("--reference", help="The supplier's case, credit note or invoice number.")
]


def _money(amount: Decimal, currency: str | None, lang: str) -> str:
    return f"{format_number(float(amount), lang, 2)} {currency or ''}".strip()


def _deadline(c: CliContext, standing: ClaimStanding) -> str:
    claim = standing.claim
    if claim.file_by is None:
        return c.t("claims.no_deadline")
    day = claim.file_by.isoformat()
    if standing.urgency is Urgency.OVERDUE:
        return c.t("claims.deadline_overdue", day=day, days=-(standing.days_left or 0))
    if standing.urgency in (Urgency.SOON, Urgency.OPEN):
        return c.t("claims.deadline_left", day=day, days=standing.days_left)
    return day


def _table(c: CliContext, standings: list[ClaimStanding]) -> Table:
    table = Table(title=c.t("claims.title"), title_justify="left")
    for header in ("id", "supplier", "agreement", "period", "amount", "status", "deadline", "reference"):
        table.add_column(c.t(f"column.claim_{header}"), justify="right" if header in ("id", "amount") else "left")
    for s in standings:
        claim = s.claim
        style = {Urgency.OVERDUE: "red", Urgency.SOON: "yellow"}.get(s.urgency)
        table.add_row(
            str(claim.id),
            claim.supplier,
            claim.agreement,
            claim.period,
            _money(claim.amount, claim.currency, c.lang),
            c.t(f"claim_status.{claim.status.value}"),
            _deadline(c, s),
            claim.reference or "",
            style=style,
        )
    return table


def claims(
    ctx: typer.Context,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", help="due, filed, accepted, paid, rejected or expired (repeat for several)."),
    ] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="The period the credits are owed for: 2026-08.")
    ] = None,
    supplier: Annotated[str | None, typer.Option("--supplier", help="One supplier party only.")] = None,
    within: Annotated[
        int | None,
        typer.Option("--within", help="Only due claims whose window to file closes within DAYS days, or has closed."),
    ] = None,
    json_output: JsonOpt = False,
) -> None:
    """Claims on suppliers: the credit each owes, where the claim stands, and the deadline to file it."""
    c = context(ctx)
    statuses = None if not status else parse_statuses(status)
    found = c.slmo.claims.standings(statuses=statuses, period=period, supplier=supplier, within=within)
    if json_output:
        c.console.print_json(json.dumps([standing_document(s) for s in found], ensure_ascii=False))
        return
    if not found:
        c.console.print(c.t("claims.none"), highlight=False)
        return
    c.console.print(_table(c, found))
    late = [s for s in found if s.urgency is Urgency.OVERDUE]
    soon = [s for s in found if s.urgency is Urgency.SOON]
    if late:
        c.console.print(c.t("claims.warn_overdue", count=len(late)), style="red", highlight=False)
    if soon:
        c.console.print(c.t("claims.warn_soon", count=len(soon)), style="yellow", highlight=False)


def _moved(c: CliContext, claim: Claim, json_output: bool) -> None:
    if json_output:
        c.console.print_json(json.dumps(claim_document(claim), ensure_ascii=False))
        return
    c.console.print(
        c.t(
            "claims.moved",
            id=claim.id,
            supplier=claim.supplier,
            period=claim.period,
            amount=_money(claim.amount, claim.currency, c.lang),
            status=c.t(f"claim_status.{claim.status.value}"),
        ),
        highlight=False,
    )


@claim_app.command("file")
def file(ctx: typer.Context, claim_id: IdArg, reference: ReferenceOpt = None, json_output: JsonOpt = False) -> None:
    """File a due claim with the supplier (before its deadline)."""
    c = context(ctx)
    _moved(c, c.slmo.claims.file(claim_id, c.actor, reference=reference), json_output)


@claim_app.command("accept")
def accept(ctx: typer.Context, claim_id: IdArg, reference: ReferenceOpt = None, json_output: JsonOpt = False) -> None:
    """The supplier accepted a filed claim: its line in the credits ledger is confirmed."""
    c = context(ctx)
    _moved(c, c.slmo.claims.accept(claim_id, c.actor, reference=reference), json_output)


@claim_app.command("pay")
def pay(ctx: typer.Context, claim_id: IdArg, reference: ReferenceOpt = None, json_output: JsonOpt = False) -> None:
    """The supplier paid an accepted claim (or credited the invoice): its ledger line is paid."""
    c = context(ctx)
    _moved(c, c.slmo.claims.pay(claim_id, c.actor, reference=reference), json_output)


@claim_app.command("reject")
def reject(
    ctx: typer.Context,
    claim_id: IdArg,
    reason: Annotated[str | None, typer.Option("--reason", help="Why the supplier rejected it.")] = None,
    reference: ReferenceOpt = None,
    json_output: JsonOpt = False,
) -> None:
    """The supplier rejected a filed claim."""
    c = context(ctx)
    _moved(c, c.slmo.claims.reject(claim_id, c.actor, reason=reason, reference=reference), json_output)
