"""The portfolio (``services/portfolio.py``): every agreement in force over a month, quarter or
year on one line (health, the trend over four periods, money, risk, review), grouped by a GET
form and sorted by the column headers, which are links (so it works without scripts). Every role
reads it through its walls: a customer its own agreements only, without suppliers or costs (and
grouping by supplier is the 403 page)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from slmo.core.engine.portfolio import parse_order
from slmo.core.model.auth import Role
from slmo.core.model.portfolio import GroupBy, Portfolio, SortColumn
from slmo.errors import SpecError
from slmo.i18n import gettext
from slmo.web.pages import lang_of, render
from slmo.web.security import SignedInDep, access_for, root

router = APIRouter()
_PARAMETER = re.compile(r"[0-9A-Za-z_-]{1,32}")


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
        customer=customer,
        problem=problem,
    )
