"""`slmo reviews [--due] [--overdue] [--json]` (the review schedule of agreements and
procedures) and `slmo review record|show|list` (review records, with the actions they create)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from slmo.cli.context import CliContext, context
from slmo.core.model.review import Review, ReviewDue, ReviewState
from slmo.errors import Problem, SpecError
from slmo.i18n.formats import digits
from slmo.services.improvements import ActionDraft
from slmo.services.reviews import ReviewInput, review_input

review_app = typer.Typer(help="Review records: record one (with the actions it creates), show one, list them.")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
STATE_STYLE = {ReviewState.SCHEDULED: "green", ReviewState.DUE: "yellow", ReviewState.OVERDUE: "bold red"}


def due_json(row: ReviewDue) -> dict[str, Any]:
    """The row scripts rely on; ``GET /api/v1/reviews/schedule`` answers the same keys."""
    return {
        "subject": row.key,
        "kind": row.subject_kind,
        "name": row.subject,
        "owners": list(row.owners),
        "every_months": row.every_months,
        "last_review": None if row.last_review is None else row.last_review.isoformat(),
        "last_review_id": row.last_review_id,
        "next_review": row.next_review.isoformat(),
        "state": row.state.value,
        "days": row.days,
    }


def review_json(review: Review, actions: list[int] | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": review.id,
        "subject": review.key,
        "date": review.date.isoformat(),
        "attendees": list(review.attendees),
        "findings": list(review.findings),
        "decisions": list(review.decisions),
        "next_review": None if review.next_review is None else review.next_review.isoformat(),
        "recorded_at": review.recorded_at.isoformat(timespec="seconds"),
        "recorded_by": review.recorded_by,
    }
    if actions is not None:
        found["actions"] = actions
    return found


def reviews(
    ctx: typer.Context,
    due: Annotated[
        bool, typer.Option("--due", help="Only reviews due within 30 days (or overdue with --overdue).")
    ] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue reviews.")] = False,
    json_output: JsonOpt = False,
) -> None:
    """When every agreement in force and every procedure is next reviewed, soonest first, and
    whether that is scheduled, due or overdue."""
    c = context(ctx)
    states: set[ReviewState] | None = None
    if due or overdue:
        states = ({ReviewState.DUE} if due else set()) | ({ReviewState.OVERDUE} if overdue else set())
    rows = c.slmo.reviews.schedule(states=states)
    if json_output:
        c.console.print_json(json.dumps([due_json(r) for r in rows], ensure_ascii=False))
        return
    if not rows:
        c.console.print(c.t("cli.reviews_none"), highlight=False)
        return
    table = Table(title=c.t("cli.reviews_title"), title_justify="left", header_style="bold")
    for header in ("subject", "owners", "every", "last_review", "next_review", "state"):
        table.add_column(c.t(f"column.review_{header}"))
    for r in rows:
        when = c.t("cli.review_in_days", days=r.days) if r.days >= 0 else c.t("cli.review_days_late", days=-r.days)
        table.add_row(
            f"{c.t(f'review_kind.{r.subject_kind}')} {escape(r.subject)}",
            escape(", ".join(r.owners)),
            c.t("cli.every_months", months=r.every_months),
            "" if r.last_review is None else digits(r.last_review.isoformat(), c.lang),
            f"{digits(r.next_review.isoformat(), c.lang)} ({digits(when, c.lang)})",
            f"[{STATE_STYLE[r.state]}]{c.t(f'review_state.{r.state.value}')}[/]",
        )
    c.console.print(table)


def _date(c: CliContext, text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(c.t("cli.bad_date", value=text), param_hint=option) from None


def _from_file(path: Path) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise SpecError([Problem(None, "", f"{path}: {exc}", key="review.unreadable")]) from exc


@review_app.command("record")
def record(
    ctx: typer.Context,
    subject: Annotated[
        str | None, typer.Argument(metavar="SUBJECT", help="AGREEMENT, agreement/NAME or procedure/NAME.")
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help="The day it was held (YYYY-MM-DD).")] = None,
    attendee: Annotated[list[str] | None, typer.Option("--attendee", help="Who attended (repeat).")] = None,
    finding: Annotated[list[str] | None, typer.Option("--finding", help="What was found (repeat).")] = None,
    decision: Annotated[list[str] | None, typer.Option("--decision", help="What was decided (repeat).")] = None,
    action: Annotated[
        list[str] | None,
        typer.Option(
            "--action",
            help="An improvement action it creates, by title (repeat); owned by the subject's owner, due by the next review.",
        ),
    ] = None,
    next_review: Annotated[
        str | None,
        typer.Option("--next", help="The next review date (not in the past); else the date plus the cadence."),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "-f", "--file", help="A YAML file: subject, date, attendees, findings, decisions, actions, nextReview."
        ),
    ] = None,
) -> None:
    """Record a review that was held, with its attendees, findings, decisions and the improvement
    actions it creates; refused, with nothing stored, for a date in the future or a next review
    date in the past."""
    c = context(ctx)
    if file is not None:
        data = _from_file(file)
        if isinstance(data, dict) and subject is not None:
            data.setdefault("subject", subject)
        given = review_input(data)
    else:
        held = _date(c, date, "--date")
        if subject is None or held is None:
            raise typer.BadParameter(c.t("cli.review_needs"), param_hint="SUBJECT --date")
        given = ReviewInput(
            subject=subject,
            date=held,
            attendees=tuple(attendee or ()),
            findings=tuple(finding or ()),
            decisions=tuple(decision or ()),
            actions=tuple(ActionDraft(title=t) for t in action or ()),
            next_review=_date(c, next_review, "--next"),
        )
    review, actions = c.slmo.reviews.record(given, c.actor)
    c.console.print(
        escape(
            c.t(
                "cli.review_recorded",
                id=review.id,
                subject=review.key,
                next=(review.next_review or review.date).isoformat(),
                actions=", ".join(str(a.id) for a in actions) or "—",
            )
        ),
        highlight=False,
    )


@review_app.command("show")
def show(
    ctx: typer.Context,
    review_id: Annotated[int, typer.Argument(metavar="ID", help="The review's id.")],
    json_output: JsonOpt = False,
) -> None:
    """One review: when, who, what was found and decided, the next review it set, its actions."""
    c = context(ctx)
    review = c.slmo.reviews.get(review_id)
    actions = c.slmo.reviews.actions_of(review_id)
    if json_output:
        c.console.print_json(json.dumps(review_json(review, [a.id or 0 for a in actions]), ensure_ascii=False))
        return
    c.console.print(
        escape(c.t("cli.review_heading", id=review.id, subject=review.key, date=review.date.isoformat())), style="bold"
    )
    for label, items in (
        ("attendees", review.attendees),
        ("findings", review.findings),
        ("decisions", review.decisions),
    ):
        c.console.print(c.t(f"cli.review_{label}"), style="bold", highlight=False)
        for item in items or ("—",):
            c.console.print(f"  - {escape(item)}", highlight=False)
    c.console.print(c.t("cli.review_actions"), style="bold", highlight=False)
    for a in actions:
        status = c.t(f"action_status.{a.status.value}")
        c.console.print(escape(f"  #{a.id} {a.title} ({a.owner}, {a.due.isoformat()}, {status})"), highlight=False)
    if not actions:
        c.console.print("  —", highlight=False)
    if review.next_review is not None:
        c.console.print(escape(c.t("cli.review_next", date=review.next_review.isoformat())), highlight=False)


@review_app.command("list")
def list_reviews(
    ctx: typer.Context,
    subject: Annotated[str | None, typer.Argument(metavar="[SUBJECT]", help="Only this subject's reviews.")] = None,
    json_output: JsonOpt = False,
) -> None:
    """The reviews recorded, by date."""
    c = context(ctx)
    found = c.slmo.reviews.list(subject)
    if json_output:
        c.console.print_json(json.dumps([review_json(r) for r in found], ensure_ascii=False))
        return
    table = Table(title=c.t("cli.review_list_title"), title_justify="left", header_style="bold")
    for header in ("id", "subject", "date", "findings", "next_review"):
        table.add_column(c.t(f"column.review_{header}"))
    for r in found:
        table.add_row(
            str(r.id),
            escape(r.key),
            r.date.isoformat(),
            escape("; ".join(r.findings)),
            "" if r.next_review is None else r.next_review.isoformat(),
        )
    c.console.print(table)
