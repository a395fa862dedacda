"""Commands on the catalogue: validate, apply, get, export, schema, delete, audit."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.syntax import Syntax

from slmo.cli.context import context
from slmo.cli.tables import objects_table
from slmo.core.model.kinds import KIND_CLASSES, KIND_ORDER, kind_of, resolve_kind
from slmo.services.catalogue import Change, ChangeAction

_ACTION_STYLE = {
    ChangeAction.CREATED: "green",
    ChangeAction.CHANGED: "yellow",
    ChangeAction.UNCHANGED: "dim",
    ChangeAction.DELETED: "red",
}

PathsArg = Annotated[list[str], typer.Argument(help="Files or directories of YAML/JSON documents.", show_default=False)]
OutputOpt = Annotated[str, typer.Option("-o", "--output", help="table, yaml or json.")]


def kind_argument(ctx: typer.Context, text: str) -> str:
    kind = resolve_kind(text)
    if kind is None:
        close = difflib.get_close_matches(text, list(KIND_CLASSES), n=1, cutoff=0.5)
        hint = context(ctx).t("cli.did_you_mean", word=close[0]) if close else ""
        raise typer.BadParameter(
            context(ctx).t("cli.unknown_kind", kind=text, hint=hint, kinds=", ".join(KIND_CLASSES))
        )
    return kind


def print_changes(ctx: typer.Context, changes: list[Change], *, dry_run: bool) -> None:
    c = context(ctx)
    for change in changes:
        word = c.t(f"change.{change.action.value}")
        c.console.print(
            f"{change.kind}/{change.name} [{_ACTION_STYLE[change.action]}]{escape(word)}[/]",
            highlight=False,
        )
        if dry_run and change.diff:
            c.console.print(Syntax(change.diff, "diff", theme="ansi_dark", background_color="default"))
    counts = {a: sum(1 for ch in changes if ch.action == a) for a in ChangeAction}
    summary = c.t(
        "cli.apply_summary_dry" if dry_run else "cli.apply_summary",
        created=counts[ChangeAction.CREATED],
        changed=counts[ChangeAction.CHANGED],
        unchanged=counts[ChangeAction.UNCHANGED],
    )
    c.console.print(summary, style="bold", highlight=False)


def validate(ctx: typer.Context, paths: PathsArg) -> None:
    """Check documents (syntax, fields, values, references) without writing anything."""
    c = context(ctx)
    loaded = c.slmo.catalogue.validate(paths)
    c.console.print(c.t("cli.valid", count=len(loaded)), style="green", highlight=False)


def apply(
    ctx: typer.Context,
    files: Annotated[
        list[str], typer.Option("-f", "--filename", help="A file or directory of documents; repeat for more.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change, as a diff; write nothing.")
    ] = False,
) -> None:
    """Create or update objects from documents, all in one transaction (idempotent)."""
    c = context(ctx)
    loaded = c.slmo.catalogue.load(files)
    changes = c.slmo.catalogue.apply(loaded, c.actor, dry_run=dry_run)
    print_changes(ctx, changes, dry_run=dry_run)


def get(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="Service, Party, Calendar, Indicator, Agreement, ... (or 'all').")],
    name: Annotated[str | None, typer.Argument(help="One object's name.")] = None,
    output: OutputOpt = "table",
) -> None:
    """List objects of a kind, or show one."""
    c = context(ctx)
    chosen = None if kind.lower() == "all" else kind_argument(ctx, kind)
    objects = c.slmo.catalogue.get(chosen, name)
    if output == "table":
        kinds = [chosen] if chosen else [k for k in KIND_ORDER if any(kind_of(o) == k for o in objects)]
        if not objects:
            c.console.print(c.t("cli.nothing_found"), style="dim", highlight=False)
        for k in kinds:
            c.console.print(objects_table(k, [o for o in objects if kind_of(o) == k], c.lang))
    elif output == "yaml":
        c.console.print(c.slmo.catalogue.export_objects(objects), end="", markup=False, highlight=False, soft_wrap=True)
    elif output == "json":
        documents = [c.slmo.catalogue.document(o) for o in objects]
        c.console.print_json(json.dumps(documents if name is None else documents[0], default=str, ensure_ascii=False))
    else:
        raise typer.BadParameter(c.t("cli.bad_output", value=output), param_hint="--output")


def export(
    ctx: typer.Context,
    output_format: Annotated[str, typer.Option("--format", help="slmo (default) or openslo.")] = "slmo",
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file instead of standard output.")
    ] = None,
) -> None:
    """Write the whole catalogue as documents that `apply` (or `import`) takes back unchanged."""
    c = context(ctx)
    text = c.slmo.catalogue.export() if output_format == "slmo" else c.slmo.interchange.export(output_format)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        c.err.print(c.t("cli.written", path=str(out)), highlight=False)


def schema(ctx: typer.Context) -> None:
    """Print the JSON Schema of slmo/v1 documents."""
    typer.echo(json.dumps(context(ctx).slmo.catalogue.json_schema(), indent=2, ensure_ascii=False))


def delete(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="The object's kind.")],
    name: Annotated[str, typer.Argument(help="The object's name.")],
) -> None:
    """Delete one object that nothing else refers to."""
    c = context(ctx)
    change = c.slmo.catalogue.delete(kind_argument(ctx, kind), name, c.actor)
    print_changes(ctx, [change], dry_run=False)


def audit(
    ctx: typer.Context,
    obj: Annotated[str | None, typer.Option("--object", help="KIND/NAME: only this object's history.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the newest N entries.")] = None,
    output: OutputOpt = "table",
) -> None:
    """Who changed what, when, through which interface."""
    from rich.table import Table

    c = context(ctx)
    kind = name = None
    if obj is not None:
        if "/" not in obj:
            raise typer.BadParameter(c.t("cli.bad_object", value=obj), param_hint="--object")
        kind_text, name = obj.split("/", 1)
        kind = kind_argument(ctx, kind_text)
    entries = c.slmo.catalogue.audit(kind, name, limit)
    if output == "json":
        rows = [
            {
                "id": e.id,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "interface": e.interface,
                "action": e.action.value,
                "kind": e.kind,
                "name": e.name,
                "before": e.before,
                "after": e.after,
            }
            for e in entries
        ]
        c.console.print_json(json.dumps(rows, ensure_ascii=False, default=str))
        return
    table = Table(header_style="bold")
    for header in ("at", "actor", "interface", "action", "object"):
        table.add_column(c.t(f"column.{header}"))
    for e in entries:
        table.add_row(
            e.at.strftime("%Y-%m-%d %H:%M:%S %Z"),
            e.actor,
            e.interface,
            c.t(f"audit_action.{e.action.value}"),
            f"{e.kind}/{e.name}",
        )
    c.console.print(table)
