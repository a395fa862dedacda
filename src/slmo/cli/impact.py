"""`slmo impact [SERVICE | --breach REF] [--period P]`: which upstream services and suppliers were
failing while an objective spent its budget, and each service's weakest link."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.table import Table

from slmo.cli.context import CliContext, context
from slmo.core.model.impact import Cause, ObjectiveImpact, Upstream, WeakestLink
from slmo.i18n import format_number
from slmo.services.supplier_documents import impact_document, service_impact_document


def last_month(today: dt.date) -> str:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def _minutes(seconds: float, lang: str) -> str:
    minutes = seconds / 60
    return format_number(minutes, lang, 0 if abs(minutes - round(minutes)) < 1e-9 else 1)


def _pct(value: float | None, lang: str, decimals: int = 2) -> str:
    return "—" if value is None else format_number(100 * value, lang, decimals) + "%"


def _link(c: CliContext, link: Upstream) -> str:
    kind = c.t(f"impact.kind_{link.kind.value}")
    via = c.t("impact.via", services=" → ".join(link.via)) if link.via else ""
    return f"{link.name} ({kind}){via}"


def _causes(c: CliContext, causes: tuple[Cause, ...], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for header in ("upstream", "overlap", "share", "incidents", "objectives"):
        table.add_column(c.t(f"column.impact_{header}"), justify="right" if header in ("overlap", "share") else "left")
    for cause in causes:
        table.add_row(
            _link(c, cause.link),
            _minutes(cause.overlap_seconds, c.lang),
            _pct(cause.share, c.lang),
            ", ".join(cause.incidents),
            ", ".join(cause.objectives),
        )
    return table


def _summary(c: CliContext, impact: ObjectiveImpact) -> str:
    return c.t(
        "impact.summary",
        objective=impact.key,
        start=impact.start.isoformat(),
        end=impact.end.isoformat(),
        bad=_minutes(impact.bad_seconds, c.lang),
        explained=_minutes(impact.explained_seconds, c.lang),
        share=_pct(impact.explained_share, c.lang),
    )


def _show(c: CliContext, impact: ObjectiveImpact) -> None:
    if impact.reference is not None:
        c.console.print(c.t("impact.breach", breach=impact.reference), style="bold", highlight=False)
    c.console.print(_summary(c, impact), highlight=False)
    if impact.causes:
        c.console.print(_causes(c, impact.causes, c.t("impact.causes_title")))
    elif impact.bad_seconds > 0:
        c.console.print(c.t("impact.no_cause"), highlight=False)
    if impact.suppliers:
        c.console.print(c.t("impact.caused_by", suppliers=", ".join(impact.suppliers)), style="yellow", highlight=False)


def _weakest(c: CliContext, weakest: WeakestLink) -> None:
    link_of = weakest.weakest
    if link_of is None:
        c.console.print(c.t("impact.weakest_none", service=weakest.service, period=weakest.period), highlight=False)
        return
    c.console.print(
        c.t(
            "impact.weakest",
            service=weakest.service,
            period=weakest.period,
            link=_link(c, link_of.link),
            attainment=_pct(link_of.attainment, c.lang, 3),
            target=_pct(link_of.target, c.lang, 3),
            objective=link_of.objective or "",
        ),
        style="bold",
        highlight=False,
    )
    table = Table(title=c.t("impact.links_title"), title_justify="left")
    for header in ("upstream", "attainment", "target", "objective"):
        table.add_column(
            c.t(f"column.impact_{header}"), justify="right" if header in ("attainment", "target") else "left"
        )
    for link in weakest.links:
        table.add_row(
            _link(c, link.link), _pct(link.attainment, c.lang, 3), _pct(link.target, c.lang, 3), link.objective or "—"
        )
    c.console.print(table)


def impact(
    ctx: typer.Context,
    service: Annotated[str | None, typer.Argument(metavar="[SERVICE]", help="A service of the catalogue.")] = None,
    breach: Annotated[
        str | None, typer.Option("--breach", help="One breach, as AGREEMENT/OBJECTIVE@START (slmo breaches).")
    ] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="A month, quarter or year: 2026-08 (default: last month).")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Which upstream services and suppliers were failing while a breach (or a service's
    objectives, over a period) spent the error budget, and the service's weakest link. Without
    SERVICE or --breach: every breach of the period."""
    c = context(ctx)
    if breach is not None and service is not None:
        raise typer.BadParameter(c.t("impact.one_subject"), param_hint="--breach")
    if breach is not None:
        found = c.slmo.impact.for_breach(breach)
        if json_output:
            c.console.print_json(json.dumps(impact_document(found), ensure_ascii=False))
            return
        _show(c, found)
        return
    label = period or last_month(c.slmo.time.now().date())
    if service is None:
        breaches = c.slmo.impact.breaches(label)
        if json_output:
            c.console.print_json(json.dumps([impact_document(b) for b in breaches], ensure_ascii=False))
            return
        if not breaches:
            c.console.print(c.t("impact.no_breaches", period=label), highlight=False)
        for one in breaches:
            _show(c, one)
        return
    result = c.slmo.impact.for_service(service, label)
    if json_output:
        c.console.print_json(json.dumps(service_impact_document(result), ensure_ascii=False))
        return
    upstream = ", ".join(_link(c, u) for u in result.upstream) or c.t("impact.nothing_upstream")
    c.console.print(c.t("impact.upstream", service=service, upstream=upstream), highlight=False)
    for objective in result.objectives:
        _show(c, objective)
    for one in result.breaches:
        _show(c, one)
    _weakest(c, result.weakest)
