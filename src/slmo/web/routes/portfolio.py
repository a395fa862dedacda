"""The portfolio (``services/portfolio.py``): every agreement in force over a month, quarter or
year on one line (health, the trend over four periods, money, risk, review), grouped by a GET
form and sorted by the column headers, which are links (so it works without scripts). Every role
reads it through its walls: a customer its own agreements only, without suppliers or costs (and
grouping by supplier is the 403 page).

Each line is rendered (``_portfolio_row.html``) once per line object, language and side of the
walls, and kept: the service hands back the same line objects while nothing they were made from
changed, so a page of 200 agreements is mostly a join of kept strings, as the overview's rows."""

from __future__ import annotations

import functools
import re
import threading
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from slmo.core.engine.portfolio import parse_order
from slmo.core.model.auth import Role
from slmo.core.model.portfolio import GroupBy, Portfolio, PortfolioLine, SortColumn
from slmo.errors import SpecError
from slmo.i18n import gettext
from slmo.i18n.formats import format_period
from slmo.web.formats import Formats
from slmo.web.pages import lang_of, render
from slmo.web.security import SignedInDep, access_for, root

router = APIRouter()
_PARAMETER = re.compile(r"[0-9A-Za-z_-]{1,32}")
# Rows kept rendered: a few answers' worth in both languages.
ROWS_KEPT = 4096


class PortfolioRows:
    """Rendered lines by line object, language, root and side of the walls; thread-safe."""

    def __init__(self, kept: int = ROWS_KEPT) -> None:
        self._kept = kept
        self._lock = threading.Lock()
        self._html: dict[tuple[int, str, str, bool, bool], tuple[PortfolioLine, Markup]] = {}

    def html(
        self, line: PortfolioLine, view: Portfolio, customer: bool, lang: str, root: str, templates: jinja2.Environment
    ) -> Markup:
        key = (id(line), lang, root, customer, view.costs_shown)
        with self._lock:
            held = self._html.get(key)
            if held is not None and held[0] is line:
                return held[1]
        macro = templates.get_template("_portfolio_row.html").module.portfolio_row  # type: ignore[attr-defined]
        t = functools.partial(_translated, lang)
        made = Markup(macro(line, view.names, customer, view.costs_shown, root, lang, t, Formats(lang)))
        with self._lock:
            if len(self._html) >= self._kept:
                self._html.clear()
            # The line is held beside its row, so that its id is not reused meanwhile.
            self._html[key] = (line, made)
        return made


def _translated(lang: str, key: str, **args: Any) -> str:
    return gettext(key, lang, **args)


def _period_name(lang: str, label: str) -> str:
    """``2026-Q3`` as words (``Q3 2026``): a label's Latin letter would turn it around in Arabic."""
    return format_period(label, lang)


_ROWS_LOCK = threading.Lock()


def portfolio_rows(request: Request) -> PortfolioRows:
    """The app's rendered lines (one keeper per app, made on first use)."""
    state = request.app.state
    with _ROWS_LOCK:
        found = getattr(state, "portfolio_rows", None)
        if not isinstance(found, PortfolioRows):
            found = state.portfolio_rows = PortfolioRows()
        return found


def _parameter(request: Request, name: str) -> str | None:
    value = request.query_params.get(name, "").strip()
    return value if _PARAMETER.fullmatch(value) else None


@router.get("/portfolio")
def portfolio(request: Request, signed: SignedInDep) -> Response:
    period, group = _parameter(request, "period"), _parameter(request, "group")
    sort, order = _parameter(request, "sort"), _parameter(request, "order")
    problem = None
    view: Portfolio | None = None
    try:
        view = access_for(request, signed).portfolio(period, group, sort, parse_order(order))
    except SpecError as error:
        first = error.problems[0]
        translated = gettext(f"problem.{first.key}", lang_of(request), **first.args)
        problem = first.message if translated.startswith("[") else translated
    shown_period = view.period if view is not None else period or ""
    shown_group = view.group_by.value if view is not None and view.group_by is not None else ""
    shown_sort = view.sort if view is not None else SortColumn.AGREEMENT
    descending = view.descending if view is not None else False

    def sort_link(column: str) -> str:
        # The column sorted now turns over; another starts ascending.
        turn = column == shown_sort.value and not descending
        query = {"period": shown_period, "group": shown_group, "sort": column, "order": "desc" if turn else "asc"}
        return root(request) + "/portfolio?" + urlencode({k: v for k, v in query.items() if v})

    customer = signed.principal.role is Role.CUSTOMER
    groupings = [g.value for g in GroupBy if not (customer and g is GroupBy.SUPPLIER)]
    rows, lang, templates = portfolio_rows(request), lang_of(request), request.app.state.templates

    def row_html(line: PortfolioLine) -> Markup:
        assert view is not None
        return rows.html(line, view, customer, lang, root(request), templates)

    return render(
        request,
        "portfolio.html",
        current=signed,
        view=view,
        period=shown_period,
        group=shown_group,
        sort=shown_sort.value,
        descending=descending,
        groupings=groupings,
        sort_link=sort_link,
        row_html=row_html,
        period_name=functools.partial(_period_name, lang),
        customer=customer,
        problem=problem,
    )
