"""`slmo agreement propose|counter|comment|approve|activate|diff|history|evidence`: negotiating an
agreement's versions (``services.negotiation``) and the evidence for a proposed objective
(``services.evidence``).

Each step is taken by the command's user (the operating-system account, as every CLI write is
audited) for one party of the agreement: ``--as-party PARTY``, by default the agreement's
provider. The CLI holds the database, so it is trusted to say which party it speaks for, and
the rules still hold: one actor speaks for one party in an agreement's negotiation, so whoever
proposed for the provider cannot approve as the customer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from slmo.cli.context import CliContext, context
from slmo.core.model.agreement import PartyRole, VersionState
from slmo.core.model.evidence import Evidence
from slmo.core.model.negotiation import NegotiationStep, Outcome, Participant, StepKind, waiting_for
from slmo.core.model.version_diff import FieldChange
from slmo.i18n import format_number
from slmo.i18n.formats import digits, format_datetime, format_percent
from slmo.i18n.targets import evidence_lines
from slmo.services.evidence import evidence_json
from slmo.services.negotiation import change_json, parse_value, step_json
from slmo.services.targets import evidence_what_if_json

agreement_app = typer.Typer(
    help="Negotiate an agreement's versions (propose, counter, comment, approve, activate), compare "
    "versions, list the steps taken, and weigh a proposed objective against history.",
    no_args_is_help=True,
)

NameArg = Annotated[str, typer.Argument(help="The agreement's name.", show_default=False)]
VersionArg = Annotated[int, typer.Argument(help="The version's number.", show_default=False)]
PartyOpt = Annotated[
    str | None,
    typer.Option("--as-party", help="The party you act for (default: the agreement's provider)."),
]
CommentOpt = Annotated[str | None, typer.Option("-m", "--comment", help="A comment recorded with the step.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def _who(ctx: typer.Context, name: str, party: str | None) -> Participant:
    c = context(ctx)
    if party is None:
        providers = c.slmo.negotiation.agreement(name).parties_in_role(PartyRole.PROVIDER)
        if len(providers) != 1:
            raise typer.BadParameter(c.t("cli.agreement_party_needed", name=name), param_hint="--as-party")
        party = providers[0]
    return Participant(actor=c.actor.name, interface=c.actor.interface, party=party)


def _said(c: CliContext, outcome: Outcome) -> None:
    """What the step did, one line each."""
    agreement = outcome.agreement
    for step in outcome.steps:
        args: dict[str, Any] = {"agreement": agreement.name, "number": step.version, "party": step.party or "—"}
        if step.kind is StepKind.APPROVED:
            waiting = waiting_for(agreement, [*c.slmo.negotiation.history(agreement.name, step.version)], step.version)
            key = "cli.agreement_agreed" if step.state is VersionState.AGREED else "cli.agreement_approved"
            args["waiting"] = ", ".join(waiting)
        elif step.kind is StepKind.ACTIVATED:
            version = agreement.version(step.version)
            key = "cli.agreement_activated"
            args["date"] = (
                "" if version is None or version.effective_from is None else version.effective_from.isoformat()
            )
        elif step.kind is StepKind.SUPERSEDED:
            version = agreement.version(step.version)
            key = "cli.agreement_superseded"
            args["date"] = "" if version is None or version.effective_to is None else version.effective_to.isoformat()
        elif step.kind is StepKind.COUNTERED:
            key = "cli.agreement_countered"
            args["new"] = step.related
        else:
            key = f"cli.agreement_{step.kind.value}"
        c.console.print(c.t(key, **args), highlight=False)


def propose(
    ctx: typer.Context, name: NameArg, version: VersionArg, as_party: PartyOpt = None, comment: CommentOpt = None
) -> None:
    """Propose a draft version to the other parties."""
    c = context(ctx)
    _said(c, c.slmo.negotiation.propose(name, version, _who(ctx, name, as_party), comment))


def _edits(ctx: typer.Context, sets: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in sets:
        path, sep, value = item.partition("=")
        if not sep or not path.strip():
            raise typer.BadParameter(context(ctx).t("cli.bad_edit", value=item), param_hint="--set")
        found[path.strip()] = parse_value(value.strip())
    return found


def counter(
    ctx: typer.Context,
    name: NameArg,
    version: VersionArg,
    file: Annotated[
        Path | None,
        typer.Option(
            "-f",
            "--filename",
            help="The agreement's document with the version you counter edited (`slmo get agreement NAME -o yaml`).",
        ),
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="PATH=VALUE, e.g. objectives.availability.target=0.9995 or effective.from=2027-01-01; repeat for more.",
        ),
    ] = None,
    as_party: PartyOpt = None,
    comment: CommentOpt = None,
) -> None:
    """Answer a proposal with new terms: proposed as the next version, shown as a diff."""
    c = context(ctx)
    edits = _edits(ctx, sets or [])
    document = None if file is None else file.read_text(encoding="utf-8")
    who = _who(ctx, name, as_party)
    outcome = c.slmo.negotiation.counter(
        name, version, who, document=document, source=str(file or "edits"), edits=edits, comment=comment
    )
    _said(c, outcome)
    new = outcome.steps[-1].version
    _print_diff(c, c.slmo.negotiation.diff(name, version, new), version, new)


def comment(
    ctx: typer.Context,
    name: NameArg,
    version: VersionArg,
    text: Annotated[str, typer.Argument(help="The comment.", show_default=False)],
    as_party: PartyOpt = None,
) -> None:
    """Comment on a version."""
    c = context(ctx)
    _said(c, c.slmo.negotiation.comment(name, version, _who(ctx, name, as_party), text))


def approve(
    ctx: typer.Context, name: NameArg, version: VersionArg, as_party: PartyOpt = None, comment: CommentOpt = None
) -> None:
    """Approve a proposal for your party; when every party has, it is agreed."""
    c = context(ctx)
    _said(c, c.slmo.negotiation.approve(name, version, _who(ctx, name, as_party), comment))


def activate(
    ctx: typer.Context, name: NameArg, version: VersionArg, as_party: PartyOpt = None, comment: CommentOpt = None
) -> None:
    """Put an agreed version in force on or after its effective date, superseding the one before."""
    c = context(ctx)
    _said(c, c.slmo.negotiation.activate(name, version, _who(ctx, name, as_party), comment))


# -- reading ----------------------------------------------------------------------------------


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _print_diff(c: CliContext, changes: list[FieldChange], before: int, after: int) -> None:
    if not changes:
        c.console.print(c.t("cli.agreement_no_changes", before=before, after=after), highlight=False)
        return
    table = Table(title=c.t("cli.agreement_diff_title", before=before, after=after), title_justify="left")
    for header in ("field", "change", "before", "after"):
        table.add_column(c.t(f"column.{header}"), overflow="fold")
    for change in changes:
        table.add_row(
            escape(change.path),
            c.t(f"change_kind.{change.change}"),
            escape(_value(change.before)),
            escape(_value(change.after)),
        )
    c.console.print(table)


def diff(
    ctx: typer.Context,
    name: NameArg,
    before: Annotated[int, typer.Argument(help="The version to compare from.", show_default=False)],
    after: Annotated[int, typer.Argument(help="The version to compare to.", show_default=False)],
    json_output: JsonOpt = False,
) -> None:
    """What changed between two versions, field by field (objectives, targets, credits, dates)."""
    c = context(ctx)
    changes = c.slmo.negotiation.diff(name, before, after)
    if json_output:
        c.console.print_json(json.dumps([change_json(x) for x in changes], ensure_ascii=False, default=str))
        return
    _print_diff(c, changes, before, after)


def _history_table(c: CliContext, steps: list[NegotiationStep], name: str) -> Table:
    table = Table(title=c.t("cli.agreement_history_title", name=name), title_justify="left", header_style="bold")
    for header in ("at", "version", "step", "state", "party", "actor", "interface", "comment"):
        table.add_column(c.t(f"column.{header}"), overflow="fold")
    for step in steps:
        what = c.t(f"step.{step.kind.value}")
        if step.related is not None:
            what += c.t(f"cli.step_related_{step.kind.value}", number=digits(str(step.related), c.lang))
        party = step.party or "—"
        if step.signatory:
            party += f" ({step.signatory})"
        table.add_row(
            format_datetime(step.at, c.lang),
            digits(str(step.version), c.lang),
            what,
            c.t(f"state.{step.state.value}"),
            escape(party),
            escape(step.actor),
            step.interface,
            escape(step.comment or ""),
        )
    return table


def history(
    ctx: typer.Context,
    name: NameArg,
    version: Annotated[int | None, typer.Option("--version", help="Only this version's steps.")] = None,
    json_output: JsonOpt = False,
) -> None:
    """The negotiation's steps, oldest first: who took each, for which party, through what, when."""
    c = context(ctx)
    steps = c.slmo.negotiation.history(name, version)
    if json_output:
        c.console.print_json(json.dumps([step_json(s) for s in steps], ensure_ascii=False))
        return
    c.console.print(_history_table(c, steps, name))


def _evidence_table(c: CliContext, found: Evidence) -> Table:
    unit = c.t(f"evidence.unit_{found.unit}")
    title = c.t(
        "cli.evidence_title",
        agreement=found.agreement,
        objective=found.objective,
        version=found.version,
        target=format_percent(found.target, c.lang, 3),
        unit=unit,
        zone=found.time_zone,
    )
    c.console.print(title, highlight=False, style="bold")
    table = Table(header_style="bold")
    for header in ("period", "attainment", "met", "credit"):
        table.add_column(c.t(f"column.{header}"), justify="left" if header == "period" else "right")
    for period in found.periods:
        met = "—" if period.met is None else c.t("cli.yes" if period.met else "cli.no")
        credit = "—"
        if period.credit is not None:
            credit = format_percent(period.credit.due_share, c.lang, 0)
            if period.credit.amount is not None and found.currency:
                credit += f" = {format_number(float(period.credit.amount), c.lang)} {found.currency}"
        table.add_row(
            period.label,
            format_percent(period.attainment, c.lang, 3),
            f"[green]{met}[/]" if period.met else (f"[red]{met}[/]" if period.met is False else met),
            credit,
        )
    return table


def evidence(
    ctx: typer.Context,
    name: NameArg,
    objective: Annotated[str, typer.Option("--objective", help="The objective's name in the agreement.")],
    periods: Annotated[int, typer.Option("--periods", help="How many past periods (complete ones).")] = 12,
    target: Annotated[
        float | None, typer.Option("--target", help="The proposed target as a ratio (default: the objective's).")
    ] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="The version (default: the newest that has the objective).")
    ] = None,
    per: Annotated[str, typer.Option("--per", help="month, quarter or week.")] = "month",
    json_output: JsonOpt = False,
) -> None:
    """What history says of a proposed objective: the periods it would have met, the credits it
    would have cost, and the targets met with 90, 95 and 99 % confidence."""
    c = context(ctx)
    found = c.slmo.evidence.evidence(name, objective, periods=periods, target=target, version=version, per=per)
    study = c.slmo.targets.for_evidence(found)
    if json_output:
        c.console.print_json(json.dumps(evidence_json(found) | evidence_what_if_json(study), ensure_ascii=False))
        return
    c.console.print(_evidence_table(c, found))
    unit = c.t(f"evidence.unit_{found.unit}")
    target_text = format_percent(found.target, c.lang, 3)
    c.console.print(
        c.t(
            "cli.evidence_summary",
            met=digits(str(found.met), c.lang),
            measured=digits(str(found.measured), c.lang),
            unit=unit,
            target=target_text,
        ),
        highlight=False,
    )
    total = found.credits_total
    if total is not None:
        amount = format_number(float(total), c.lang)
        c.console.print(c.t("cli.evidence_credits", amount=amount, currency=found.currency), highlight=False)
    elif found.credit_note is not None:
        c.console.print(c.t(f"cli.evidence_{found.credit_note.value}"), highlight=False)
    for bound in found.confidence:
        confidence = format_percent(bound.confidence, c.lang, 0)
        if bound.target is None:
            line = c.t(
                "cli.evidence_too_few",
                confidence=confidence,
                needed=digits(str(bound.periods_needed), c.lang),
                periods=digits(str(bound.periods), c.lang),
            )
        else:
            line = c.t(
                "cli.evidence_confident",
                confidence=confidence,
                target=format_percent(bound.target, c.lang, 3),
                rank=digits(str(bound.rank), c.lang),
                periods=digits(str(bound.periods), c.lang),
                assured=format_percent(bound.assured, c.lang, 1),
            )
        c.console.print(line, highlight=False)
    for line in evidence_lines(study, c.lang):
        c.console.print(line, highlight=False)


for _command in (propose, counter, comment, approve, activate, diff, history, evidence):
    agreement_app.command()(_command)
