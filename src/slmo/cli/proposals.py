"""`slmo propose --period 2027`, `slmo proposals`, `slmo proposal show|accept|reject ID`:
proposals for change drafted from a year's evidence (``services.proposals``).

Accepting drafts the agreement's next version for one of its parties: ``--as-party PARTY``, by
default the agreement's provider, the actor being the operating-system account, as for every
CLI write (``slmo agreement``)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from slmo.cli.context import CliContext, context
from slmo.core.model.proposal import Proposal, ProposalStatus
from slmo.i18n.proposals import change_text, effect_text, figure_text, kind_label, status_label
from slmo.services.proposals import DraftOutcome, DraftReport, proposal_json

proposal_app = typer.Typer(help="One proposal for change: show it, accept it (a draft version) or reject it.")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
IdArg = Annotated[int, typer.Argument(metavar="ID", help="The proposal's id (slmo proposals shows it).")]
PERIOD_HELP = "The period to propose for: a year (2027), a quarter (2027-Q1) or a month (2027-01)."


def _table(c: CliContext, proposals: list[Proposal], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for header in ("id", "kind", "agreement", "change", "effect", "status"):
        table.add_column(c.t(f"column.proposal_{header}"), justify="right" if header == "id" else "left")
    for p in proposals:
        table.add_row(
            *(
                Text(cell)
                for cell in (
                    str(p.id),
                    kind_label(p.kind, c.lang),
                    p.agreement,
                    change_text(p, c.lang),
                    effect_text(p.effect, c.lang),
                    status_label(p.status.value, c.lang),
                )
            )
        )
    return table


def _json(c: CliContext, proposals: list[Proposal]) -> None:
    c.console.print_json(json.dumps([proposal_json(p) for p in proposals], ensure_ascii=False))


def propose(
    ctx: typer.Context,
    period: Annotated[str, typer.Option("--period", help=PERIOD_HELP)],
    json_output: JsonOpt = False,
) -> None:
    """Draft the proposals for change of a period from the twelve months before it (or before
    now): targets to raise or relax, objectives complaints point to, contracts to renegotiate,
    agreements nobody uses. Drafting again updates the drafts; decided proposals stay as they are."""
    c = context(ctx)
    report = c.slmo.proposals.draft(period, c.actor)
    if json_output:
        c.console.print_json(
            json.dumps(
                {
                    "period": report.period,
                    "changes": [
                        {"outcome": change.outcome.value, "proposal": proposal_json(change.proposal)}
                        for change in report.changes
                    ],
                },
                ensure_ascii=False,
            )
        )
        return
    _said(c, report)


def _said(c: CliContext, report: DraftReport) -> None:
    held = report.proposals
    if held:
        c.console.print(_table(c, held, c.t("cli.proposals_title_period", period=report.period)))
    else:
        c.console.print(c.t("cli.proposals_none_period", period=report.period), highlight=False)
    for change in report.changes:
        if change.outcome is DraftOutcome.REMOVED:
            p = change.proposal
            c.console.print(
                c.t("cli.proposal_removed", id=p.id, kind=kind_label(p.kind, c.lang), agreement=p.agreement),
                highlight=False,
                markup=False,
            )
    c.console.print(
        c.t(
            "cli.proposals_summary",
            created=report.count(DraftOutcome.CREATED),
            replaced=report.count(DraftOutcome.REPLACED),
            unchanged=report.count(DraftOutcome.UNCHANGED),
            removed=report.count(DraftOutcome.REMOVED),
            kept=report.count(DraftOutcome.KEPT),
        ),
        highlight=False,
    )


def proposals(
    ctx: typer.Context,
    status: Annotated[
        list[ProposalStatus] | None, typer.Option("--status", help="Only these: draft, accepted, rejected.")
    ] = None,
    period: Annotated[str | None, typer.Option("--period", help="Only this period's (2027).")] = None,
    json_output: JsonOpt = False,
) -> None:
    """The proposals for change held, with their change, their effect a year and their status."""
    c = context(ctx)
    found = c.slmo.proposals.proposals(period=period, statuses=set(status) if status else None)
    if json_output:
        _json(c, found)
        return
    if not found:
        c.console.print(c.t("cli.proposals_none"), highlight=False)
        return
    c.console.print(_table(c, found, c.t("cli.proposals_title")))


def _detail(c: CliContext, p: Proposal) -> None:
    lines = [
        c.t(
            "cli.proposal_head",
            id=p.id,
            kind=kind_label(p.kind, c.lang),
            agreement=p.agreement,
            period=p.period,
            status=status_label(p.status.value, c.lang),
        ),
        c.t("cli.proposal_change", change=change_text(p, c.lang)),
        c.t("cli.proposal_effect", effect=effect_text(p.effect, c.lang)),
        c.t("cli.proposal_evidence", span=p.evidence_span, version=p.version or "—"),
        *(f"  - {figure_text(f, c.lang)}" for f in p.evidence),
    ]
    if p.status is ProposalStatus.ACCEPTED:
        lines.append(c.t("cli.proposal_accepted_by", who=p.decided_by, agreement=p.agreement, version=p.draft_version))
    elif p.status is ProposalStatus.REJECTED:
        lines.append(c.t("cli.proposal_rejected_by", who=p.decided_by, reason=p.reason or ""))
    for line in lines:
        c.console.print(line, highlight=False, soft_wrap=True, markup=False)


@proposal_app.command("show")
def show(ctx: typer.Context, proposal_id: IdArg, json_output: JsonOpt = False) -> None:
    """One proposal: its change, expected effect and every figure of its evidence with its source."""
    c = context(ctx)
    found = c.slmo.proposals.proposal(proposal_id)
    if json_output:
        c.console.print_json(json.dumps(proposal_json(found), ensure_ascii=False))
        return
    _detail(c, found)


@proposal_app.command("accept")
def accept(
    ctx: typer.Context,
    proposal_id: IdArg,
    as_party: Annotated[
        str | None,
        typer.Option("--as-party", help="The party you act for (default: the agreement's provider)."),
    ] = None,
    comment: Annotated[str | None, typer.Option("--comment", "-m", help="Recorded with the draft.")] = None,
    json_output: JsonOpt = False,
) -> None:
    """Accept a draft proposal: its change becomes the agreement's next draft version (then
    `slmo agreement propose` offers it to the other parties)."""
    c = context(ctx)
    done = c.slmo.proposals.accept(proposal_id, c.actor, party=as_party, comment=comment)
    if json_output:
        c.console.print_json(json.dumps(proposal_json(done), ensure_ascii=False))
        return
    c.console.print(
        c.t("cli.proposal_accepted", id=done.id, agreement=done.agreement, version=done.draft_version),
        highlight=False,
    )


@proposal_app.command("reject")
def reject(
    ctx: typer.Context,
    proposal_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why (required).")],
    json_output: JsonOpt = False,
) -> None:
    """Reject a draft proposal, saying why; it stays on record as rejected."""
    c = context(ctx)
    done = c.slmo.proposals.reject(proposal_id, c.actor, reason)
    if json_output:
        c.console.print_json(json.dumps(proposal_json(done), ensure_ascii=False))
        return
    c.console.print(c.t("cli.proposal_rejected", id=done.id), highlight=False)
