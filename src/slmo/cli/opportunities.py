"""`slmo opportunities [--period P] [--top 5] [--json]`: where the error budgets went (by service,
hour of the week, incident cause, ticket category and priority, supplier) and the slices to
improve first, each ready to become an action (`slmo action add --opportunity PERIOD:RANK`)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from slmo.cli.context import context
from slmo.core.model.opportunity import Dimension, Opportunities
from slmo.i18n import format_number
from slmo.i18n.formats import digits, format_percent, format_period
from slmo.i18n.opportunities import dimension_label, evidence, item_label, proposal_action, proposal_slice
from slmo.services.opportunities import document, reference

# How many slices of each dimension the breakdown shows.
BREAKDOWN_ROWS = 3


def _period(found: Opportunities, t: typer.Context) -> str:
    c = context(t)
    return format_period(found.period, c.lang) if found.period else c.t("cli.opportunities_current")


def opportunities(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", help="A named period (2026-10, 2026-Q3, 2026-W40); each objective's current window without."
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="How many proposals, 1 to 50.")] = 5,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Rank what spent the error budgets (services, hours of the week, incident causes, ticket
    categories and priorities, suppliers) and propose the slices to improve first."""
    c = context(ctx)
    found = c.slmo.opportunities.find(period, top=top)
    if json_output:
        c.console.print_json(json.dumps(document(found), ensure_ascii=False))
        return
    when = _period(found, ctx)
    c.console.print(f"[bold]{escape(c.t('cli.opportunities_title', period=when))}[/]", highlight=False)
    counted = sum(1 for o in found.objectives if o.budget > 0)
    if found.spent <= 0:
        c.console.print(escape(c.t("cli.opportunities_none", period=when)), highlight=False)
    else:
        c.console.print(
            escape(
                c.t(
                    "cli.opportunities_spent",
                    spent=format_number(found.spent, c.lang, 2),
                    objectives=digits(str(counted), c.lang),
                    outside=format_number(found.outside_incidents, c.lang, 2),
                )
            ),
            highlight=False,
        )
    if found.unbudgeted:
        c.console.print(
            escape(c.t("cli.opportunities_unbudgeted", objectives=", ".join(found.unbudgeted))), highlight=False
        )
    if not found.proposals:
        return
    table = Table(title=c.t("cli.opportunities_proposals"), title_justify="left", header_style="bold")
    for header in ("rank", "slice", "spent", "share", "evidence", "action", "owner"):
        table.add_column(
            c.t(f"column.opportunity_{header}"), justify="right" if header in ("rank", "spent", "share") else "left"
        )
    for p in found.proposals:
        table.add_row(
            digits(str(p.rank), c.lang),
            escape(proposal_slice(p, c.lang)),
            format_number(p.slice.spent, c.lang, 2),
            format_percent(p.slice.share, c.lang, 1),
            escape("\n".join(evidence(p.slice, c.lang))),
            escape(proposal_action(p, c.lang)),
            escape(p.owner or "—"),
        )
    c.console.print(table)
    breakdown = Table(
        title=c.t("cli.opportunities_breakdowns", count=digits(str(BREAKDOWN_ROWS), c.lang)),
        title_justify="left",
        header_style="bold",
    )
    for header in ("dimension", "item", "spent", "share"):
        breakdown.add_column(
            c.t(f"column.opportunity_{header}"), justify="right" if header in ("spent", "share") else "left"
        )
    for dimension in Dimension:
        for s in found.breakdowns.get(dimension, ())[:BREAKDOWN_ROWS]:
            breakdown.add_row(
                escape(dimension_label(dimension.value, c.lang)),
                escape(item_label(dimension.value, s.item, c.lang)),
                format_number(s.spent, c.lang, 2),
                format_percent(s.share, c.lang, 1),
            )
    c.console.print(breakdown)
    c.console.print(
        escape(c.t("cli.opportunities_add", reference=reference(found, found.proposals[0]))), highlight=False
    )
