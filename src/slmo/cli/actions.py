"""`slmo actions [--open] [--json]` (the improvement register) and `slmo action
add|update|done|show` (one action; `show` compares attainment before and after a done one;
`add --opportunity 2026-10:1` takes a proposal of `slmo opportunities`)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from slmo.cli.context import CliContext, context, instant
from slmo.core.model.improvement import ActionStatus, ImprovementAction
from slmo.i18n.formats import digits, format_percent
from slmo.i18n.opportunities import proposal_action
from slmo.services.improvements import ActionChange, ActionDraft, Effect, parse_origin, parse_status
from slmo.services.opportunities import origin as opportunity_origin

action_app = typer.Typer(
    help="One improvement action: add, update, mark done, show (with attainment before and after)."
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
STATUS_STYLE = {
    ActionStatus.OPEN: "yellow",
    ActionStatus.IN_PROGRESS: "cyan",
    ActionStatus.DONE: "green",
    ActionStatus.DROPPED: "dim",
}


def action_json(a: ImprovementAction) -> dict[str, Any]:
    """The row scripts rely on; ``GET /api/v1/actions`` answers the same keys."""
    return {
        "id": a.id,
        "title": a.title,
        "origin": str(a.origin),
        "owner": a.owner,
        "due": a.due.isoformat(),
        "status": a.status.value,
        "objectives": list(a.objectives),
        "notes": a.notes,
        "created_at": a.created_at.isoformat(timespec="seconds"),
        "created_by": a.created_by,
        "updated_at": a.updated_at.isoformat(timespec="seconds"),
        "done_at": None if a.done_at is None else a.done_at.isoformat(timespec="seconds"),
    }


def effect_json(e: Effect) -> dict[str, Any]:
    def side(record: Any) -> dict[str, Any] | None:
        if record is None:
            return None
        ev = record.evaluation
        return {
            "from": ev.window_start.isoformat(),
            "to": ev.window_end.isoformat(),
            "attainment": ev.attainment,
            "target": ev.target,
            "status": ev.status.value,
        }

    return {
        "objective": e.objective,
        "seconds": e.seconds,
        "before": side(e.before),
        "after": side(e.after),
        "change": e.change,
    }


def _date(c: CliContext, text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(c.t("cli.bad_date", value=text), param_hint=option) from None


def actions(
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Only open and in-progress actions.")] = False,
    json_output: JsonOpt = False,
) -> None:
    """The improvement register: every action (or the open ones) with its origin, owner, due
    date, status and the objectives it targets."""
    c = context(ctx)
    found = c.slmo.improvements.list(open_only=open_only)
    if json_output:
        c.console.print_json(json.dumps([action_json(a) for a in found], ensure_ascii=False))
        return
    if not found:
        c.console.print(c.t("cli.actions_none"), highlight=False)
        return
    table = Table(title=c.t("cli.actions_title"), title_justify="left", header_style="bold")
    for header in ("id", "title", "origin", "owner", "due", "status", "objectives"):
        table.add_column(c.t(f"column.action_{header}"), justify="right" if header == "id" else "left")
    today = c.slmo.time.now().date()
    for a in found:
        due = digits(a.due.isoformat(), c.lang)
        if a.open and a.due < today:
            due = f"[bold red]{due}[/]"
        table.add_row(
            str(a.id),
            escape(a.title),
            escape(str(a.origin)),
            escape(a.owner),
            due,
            f"[{STATUS_STYLE[a.status]}]{c.t(f'action_status.{a.status.value}')}[/]",
            escape(", ".join(a.objectives)),
        )
    c.console.print(table)


@action_app.command("add")
def add(
    ctx: typer.Context,
    due: Annotated[str, typer.Option("--due", help="Due date (YYYY-MM-DD), not in the past.")],
    title: Annotated[str | None, typer.Option("--title", help="What is to be done.")] = None,
    origin: Annotated[
        str | None, typer.Option("--origin", help="breach:AGREEMENT/OBJECTIVE@START, review:ID or trend:TEXT.")
    ] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="The party that owns it.")] = None,
    objective: Annotated[
        list[str] | None, typer.Option("--objective", help="AGREEMENT/OBJECTIVE it targets (repeat).")
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Anything else to know.")] = None,
    opportunity: Annotated[
        str | None,
        typer.Option(
            "--opportunity",
            help="A proposal of slmo opportunities, PERIOD:RANK (current:RANK for the current windows): "
            "its suggested action, origin, owner and objectives, unless given.",
        ),
    ] = None,
) -> None:
    """Add an action to the register (from a proposal of `slmo opportunities` with --opportunity)."""
    c = context(ctx)
    if opportunity is not None:
        found, proposal = c.slmo.opportunities.proposal(opportunity)
        title = title or proposal_action(proposal, c.lang)
        origin = origin or opportunity_origin(found, proposal)
        owner = owner or proposal.owner
        objective = objective or list(proposal.slice.keys)
    for option, value in (("--title", title), ("--origin", origin), ("--owner", owner)):
        if not value:
            raise typer.BadParameter(c.t("cli.action_option_needed", option=option), param_hint=option)
    assert title is not None and origin is not None and owner is not None
    draft = ActionDraft(
        title=title, owner=owner, due=_date(c, due, "--due"), objectives=tuple(objective or ()), notes=notes
    )
    made = c.slmo.improvements.add(draft, parse_origin(origin), c.actor)
    c.console.print(escape(c.t("cli.action_added", id=made.id, title=made.title)), highlight=False)


@action_app.command("update")
def update(
    ctx: typer.Context,
    action_id: Annotated[int, typer.Argument(metavar="ID", help="The action's id.")],
    title: Annotated[str | None, typer.Option("--title")] = None,
    owner: Annotated[str | None, typer.Option("--owner")] = None,
    due: Annotated[str | None, typer.Option("--due", help="YYYY-MM-DD, not in the past.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="open, in_progress, done or dropped.")] = None,
    objective: Annotated[
        list[str] | None, typer.Option("--objective", help="The objectives it targets, replacing them (repeat).")
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes")] = None,
) -> None:
    """Change an action: its title, owner, due date, status, objectives or notes."""
    c = context(ctx)
    change = ActionChange(
        title=title,
        owner=owner,
        due=_date(c, due, "--due"),
        status=None if status is None else parse_status(status),
        objectives=None if objective is None else tuple(objective),
        notes=notes,
    )
    done = c.slmo.improvements.update(action_id, change, c.actor)
    c.console.print(
        escape(c.t("cli.action_updated", id=done.id, status=c.t(f"action_status.{done.status.value}"))),
        highlight=False,
    )


@action_app.command("done")
def done(
    ctx: typer.Context,
    action_id: Annotated[int, typer.Argument(metavar="ID", help="The action's id.")],
    at: Annotated[
        str | None, typer.Option("--at", help="When it was done (ISO 8601 with offset); now by default.")
    ] = None,
) -> None:
    """Mark an action done (now, or --at an earlier instant): attainment is compared around it."""
    c = context(ctx)
    when = None if at is None else instant(ctx, at, "--at")
    made = c.slmo.improvements.update(action_id, ActionChange(status=ActionStatus.DONE), c.actor, done_at=when)
    stamp = made.done_at.isoformat(timespec="seconds") if made.done_at else ""
    c.console.print(escape(c.t("cli.action_done", id=made.id, at=stamp)), highlight=False)


@action_app.command("show")
def show(
    ctx: typer.Context,
    action_id: Annotated[int, typer.Argument(metavar="ID", help="The action's id.")],
    json_output: JsonOpt = False,
) -> None:
    """One action; once done, each targeted objective's attainment over equal spans before and
    after it was done (the objective's window, or the time since, whichever is shorter)."""
    c = context(ctx)
    found = c.slmo.improvements.get(action_id)
    effects = c.slmo.improvements.effects(found)
    if json_output:
        c.console.print_json(
            json.dumps({**action_json(found), "effects": [effect_json(e) for e in effects]}, ensure_ascii=False)
        )
        return
    c.console.print(escape(f"#{found.id} {found.title}"), style="bold", highlight=False)
    for label, value in (
        ("origin", str(found.origin)),
        ("owner", found.owner),
        ("due", found.due.isoformat()),
        ("status", c.t(f"action_status.{found.status.value}")),
        ("objectives", ", ".join(found.objectives) or "—"),
        ("notes", found.notes or "—"),
        ("done_at", "—" if found.done_at is None else found.done_at.isoformat(timespec="seconds")),
    ):
        c.console.print(escape(f"{c.t(f'column.action_{label}')}: {value}"), highlight=False)
    if found.done_at is None:
        return
    if not effects:
        c.console.print(c.t("cli.action_no_effect_yet"), highlight=False)
        return
    table = Table(title=c.t("cli.action_effects_title"), title_justify="left", header_style="bold")
    for header in ("objective", "span", "before", "after", "change"):
        table.add_column(c.t(f"column.effect_{header}"), justify="left" if header == "objective" else "right")
    for e in effects:
        before = None if e.before is None else e.before.evaluation.attainment
        after = None if e.after is None else e.after.evaluation.attainment
        change = "—" if e.change is None else ("+" if e.change >= 0 else "") + format_percent(e.change, c.lang, 3)
        table.add_row(
            escape(e.objective),
            c.t("cli.effect_span", days=digits(f"{e.seconds / 86400:g}", c.lang)),
            format_percent(before, c.lang, 3),
            format_percent(after, c.lang, 3),
            change,
        )
    c.console.print(table)
