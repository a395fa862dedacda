"""`slmo audit [--object KIND/NAME]` (who changed what) and `slmo audit verify` (the hash chains
of the audit log and of the closed periods, ``services.integrity``)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape

from slmo.cli import catalogue
from slmo.cli.catalogue import OutputOpt
from slmo.cli.context import CliContext, context
from slmo.core.model.chain import ChainFault, ChainReport
from slmo.errors import IntegrityError

audit_app = typer.Typer(
    help="Who changed what, when, through which interface; `verify` checks the hash chains.",
    invoke_without_command=True,
)


@audit_app.callback()
def audit(
    ctx: typer.Context,
    obj: Annotated[str | None, typer.Option("--object", help="KIND/NAME: only this object's history.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the newest N entries.")] = None,
    output: OutputOpt = "table",
) -> None:
    """Who changed what, when, through which interface."""
    if ctx.invoked_subcommand is not None:
        return
    catalogue.audit(ctx, obj, limit, output)


def fault_text(c: CliContext, fault: ChainFault) -> str:
    """The fault in the user's language (the engine's English names the neighbours too)."""
    if c.lang == "en":
        return fault.detail
    return c.t(f"chain_fault.{fault.kind.value}", seq=fault.seq, record=fault.record_id or "—")


def report_json(report: ChainReport) -> dict[str, Any]:
    fault = report.fault
    return {
        "chain": report.chain,
        "records": report.records,
        "head": {"seq": report.head.seq, "hash": report.head.hash},
        "ok": report.ok,
        "fault": None
        if fault is None
        else {"kind": fault.kind.value, "position": fault.seq, "record": fault.record_id, "detail": fault.detail},
    }


@audit_app.command("verify")
def verify(
    ctx: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Walk the hash chains of the audit log and of the closed periods; exit 9 naming the first
    record that was changed, deleted, reordered or added behind slmo's back."""
    c = context(ctx)
    reports = c.slmo.integrity.verify()
    if json_output:
        c.console.print_json(json.dumps([report_json(r) for r in reports], ensure_ascii=False))
    else:
        for r in reports:
            name = c.t(f"chain.{r.chain}")
            if r.fault is None:
                line = c.t("cli.chain_ok", chain=name, count=r.records, head=r.head.hash[:16])
                c.console.print(escape(line), style="green", highlight=False)
            else:
                c.console.print(escape(f"{name}: {fault_text(c, r.fault)}"), style="bold red", highlight=False)
    bad = next((r for r in reports if r.fault is not None), None)
    if bad is not None and bad.fault is not None:
        fault = bad.fault
        raise IntegrityError(
            f"the {bad.chain} chain does not verify: {fault.detail}",
            key="error.integrity",
            chain=c.t(f"chain.{bad.chain}"),
            seq=fault.seq,
            record=fault.record_id or "—",
        )
