"""A period report as one self-contained HTML file: Jinja2 (autoescaped, strict about missing
values), the stylesheet inline, the charts inline SVG, no reference to anything outside the
file. Arabic pages are ``dir="rtl"`` and ``lang="ar"``; every word comes from the catalogues
and every number and date is written in the reader's digits (``slmo.i18n.formats``).

The same HTML is the PDF's source (``report_pdf``): its ``@page`` rules (A4, the running
header, page numbers in the reader's digits) only matter in print.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from slmo.core.model.portfolio import Portfolio, SortColumn
from slmo.core.model.report import AgreementReport, CustomerReport, ObjectiveReport, Report
from slmo.core.model.results import Evaluation, EvaluationStatus
from slmo.i18n import direction, format_number, gettext, normalise_lang
from slmo.i18n.formats import (
    digits,
    format_date,
    format_datetime,
    format_offset,
    format_percent,
    format_period,
    format_ratio_as_written,
)
from slmo.i18n.opportunities import evidence, proposal_action, proposal_slice
from slmo.render.report_charts import ChartPainter

# The stylesheet's fonts, for the page margins too (they do not inherit the body's).
FONTS = {
    "en": '"DejaVu Sans", "Noto Sans", sans-serif',
    "ar": '"Noto Naskh Arabic", "Noto Sans Arabic", "DejaVu Sans", sans-serif',
}
_UNITS = {"occurrences": "events", "timeslices": "slices", "ratio_timeslices": "slices"}


def _css_string(value: str) -> Markup:
    """A CSS string literal (for ``content:``), safe inside ``<style>``."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ").replace("\n", " ")
    return Markup(f'"{escaped}"')


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("slmo.render", "templates"),
        # Every template is HTML: escape everything, whatever the file's name.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_string"] = _css_string
    return env


@functools.cache
def _stylesheet() -> str:
    return resources.files("slmo.render").joinpath("templates", "report.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class _AgreementView:
    """One agreement's report with what the template shows beside the figures: names, the
    period's instants written out, and the charts."""

    report: AgreementReport
    zone: dt.tzinfo
    name: str
    start: str
    end: str
    at: str
    offset: str
    generated: str
    first_day: str
    last_day: str
    met: int
    units: dict[str, str]
    charts: dict[str, tuple[Markup, Markup] | None]
    objective_names: dict[str, str]
    service_names: dict[str, str]


def _days(report: AgreementReport, objective: ObjectiveReport, tz: dt.tzinfo) -> list[dt.date]:
    # A point is the end of a local day (or the report's instant): it belongs to the day before.
    return [(p - dt.timedelta(seconds=1)).astimezone(tz).date() for p in objective.series.points]


def _charts(
    report: AgreementReport, objective: ObjectiveReport, painter: ChartPainter, tz: dt.tzinfo
) -> tuple[Markup, Markup] | None:
    series = objective.series
    if not any(v is not None for v in series.attainment):
        return None
    days = _days(report, objective, tz)
    salt = f"{report.agreement}-{objective.name}"
    lang = painter.lang
    name = objective.display_name.get(lang)
    return (
        painter.attainment(
            days,
            series.attainment,
            objective.target,
            salt=f"{salt}-a",
            label=f"{name}: {gettext('report.chart_attainment', lang)}",
        ),
        painter.budget(
            days, series.budget_left, salt=f"{salt}-b", label=f"{name}: {gettext('report.chart_budget', lang)}"
        ),
    )


def _view(report: AgreementReport, lang: str, painter: ChartPainter) -> _AgreementView:
    period = report.period
    tz = period.start.tzinfo or dt.UTC
    last = (period.at - dt.timedelta(seconds=1)).astimezone(tz)
    return _AgreementView(
        report=report,
        zone=tz,
        name=report.display_name.get(lang),
        start=format_datetime(period.start, lang, tz),
        end=format_datetime(period.end, lang, tz),
        at=format_datetime(period.at, lang, tz),
        offset=format_offset(period.start, lang),
        generated=format_datetime(report.generated_at, lang, tz),
        first_day=format_date(period.start.astimezone(tz).date(), lang),
        last_day=format_date(last.date(), lang),
        met=sum(
            1 for o in report.objectives if o.evaluation.status in (EvaluationStatus.MET, EvaluationStatus.AT_RISK)
        ),
        units={
            o.name: "tickets" if o.indicator_kind == "ticket" else _UNITS[o.budgeting.value] for o in report.objectives
        },
        charts={o.name: _charts(report, o, painter, tz) for o in report.objectives},
        objective_names={o.name: o.display_name.get(lang) for o in report.objectives},
        service_names={name: display.get(lang) for name, display in report.services},
    )


# The words of a column the portfolio is sorted by, where they are not ``portfolio.column_NAME``.
_SORT_WORDS = {
    SortColumn.SUPPLIER: "portfolio.column_suppliers",
    SortColumn.MET: "status.met",
    SortColumn.AT_RISK: "status.at_risk",
    SortColumn.BREACHED: "status.breached",
    SortColumn.NO_DATA: "status.no_data",
}


def render_portfolio(report: Portfolio, lang: str) -> str:
    """The portfolio (``core.model.portfolio``) as a report of its own: every agreement on one
    line, A4 landscape, in ``lang``."""
    lang = normalise_lang(lang)

    def t(key: str, **args: Any) -> str:
        return gettext(key, lang, **args)

    def num(value: float | Decimal, decimals: int = 2) -> str:
        return format_number(float(value), lang, decimals)

    def money(amount: Decimal | None, currency: str | None) -> str:
        if amount is None:
            return "—"
        return t("report.money", amount=format_number(float(amount), lang, 2), currency=currency or "")

    title = f"{t('portfolio.report_title')} · {format_period(report.period, lang)}"
    first, last = report.periods[0], report.periods[-1]
    return (
        environment()
        .get_template("portfolio.html")
        .render(
            lang=lang,
            dir=direction(lang),
            title=title,
            running=title,
            report=report,
            group="" if report.group_by is None else report.group_by.value,
            names={name: text.get(lang) for name, text in report.names.items()},
            generated=format_datetime(report.generated_at, lang, dt.UTC),
            periods=f"{format_period(first, lang)} – {format_period(last, lang)}",
            sorted_by=t(_SORT_WORDS.get(report.sort, f"portfolio.column_{report.sort.value}")),
            css=Markup(_stylesheet()),
            page_label=t("report.page"),
            of_label=t("report.of"),
            counter_style="arabic-indic" if lang == "ar" else "decimal",
            font_family=Markup(FONTS[lang]),
            t=t,
            num=num,
            pct=lambda value, decimals=2: format_percent(value, lang, decimals),
            money=money,
            date=lambda day: format_date(day, lang),
            period_name=lambda label: format_period(label, lang),
        )
    )


def render_html(report: Report, lang: str) -> str:
    """The report in ``lang`` (``en`` or ``ar``) as a complete HTML document."""
    if isinstance(report, Portfolio):
        return render_portfolio(report, lang)
    lang = normalise_lang(lang)
    painter = ChartPainter(lang)
    views = [_view(a, lang, painter) for a in (report.agreements if isinstance(report, CustomerReport) else (report,))]
    first = views[0].report
    tz = first.period.start.tzinfo or dt.UTC

    def t(key: str, **args: Any) -> str:
        return gettext(key, lang, **args)

    def num(value: float, decimals: int = 2) -> str:
        return format_number(value, lang, decimals)

    def count(value: float) -> str:
        return format_number(value, lang, 0 if float(value).is_integer() else 2)

    def pct(value: float | None, decimals: int = 2) -> str:
        return format_percent(value, lang, decimals)

    def budget(evaluation: Evaluation) -> str:
        if evaluation.status is EvaluationStatus.NO_DATA:
            return "—"
        return format_percent(evaluation.budget_left, lang, 1)

    def minutes(seconds: float) -> str:
        return format_number(seconds / 60, lang, 1)

    def hours(seconds: float | None) -> str:
        if seconds is None or math.isnan(seconds):
            return "—"
        return t("report.hours", value=format_number(seconds / 3600, lang, 2))

    def money(amount: float | Decimal | None, currency: str) -> str:
        if amount is None:
            return "—"
        return t("report.money", amount=format_number(float(amount), lang, 2), currency=currency)

    def when(at: dt.datetime | None, zone: dt.tzinfo) -> str:
        """An instant in its agreement's zone (a customer's agreements may differ)."""
        return "—" if at is None else format_datetime(at, lang, zone)

    if isinstance(report, CustomerReport):
        customer = report.display_name.get(lang)
        title = t("report.customer_title", customer=customer) + " · " + format_period(report.period_label, lang)
        running = title
    else:
        customer = None
        title = f"{views[0].name} · {format_period(report.period.label, lang)}"
        running = f"{views[0].name} · {t('report.title')} · {format_period(report.period.label, lang)}"
    return (
        environment()
        .get_template("report.html")
        .render(
            lang=lang,
            dir=direction(lang),
            title=title,
            running=running,
            customer=customer,
            period_label=first.period.label,
            generated=format_datetime(first.generated_at, lang, tz),
            agreements=views,
            css=Markup(_stylesheet()),
            page_label=t("report.page"),
            of_label=t("report.of"),
            counter_style="arabic-indic" if lang == "ar" else "decimal",
            font_family=Markup(FONTS[lang]),
            t=t,
            num=num,
            count=count,
            pct=pct,
            written=lambda value: format_ratio_as_written(value, lang),
            budget=budget,
            minutes=minutes,
            hours=hours,
            money=money,
            when=when,
            date=lambda day: format_date(day, lang),
            period_name=lambda label: format_period(label, lang),
            digits=lambda text: digits(str(text), lang),
            opportunity_slice=lambda proposal: proposal_slice(proposal, lang),
            opportunity_action=lambda proposal: proposal_action(proposal, lang),
            opportunity_evidence=lambda piece: evidence(piece, lang),
        )
    )
