"""Cost-effectiveness: per agreement over a month, quarter or year, the charge, the credits (and
those paid), its share of its services' costs, the net and the cost per point of attainment,
with the agreements that cost more than they return flagged (``CostService.report``); and the
credits ledger's lines of the period. Staff who may read costs only (admins, managers, viewers):
anyone else gets the 403 page, as from the API."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from slmo.errors import SpecError
from slmo.i18n import gettext
from slmo.web.pages import lang_of, render
from slmo.web.routes.reports import last_month
from slmo.web.security import SignedInDep, access_for, get_slmo

router = APIRouter()
_PERIOD = re.compile(r"[0-9A-Za-z-]{4,10}")


@router.get("/costs")
def costs(request: Request, signed: SignedInDep) -> Response:
    period = request.query_params.get("period", "").strip()
    if not _PERIOD.fullmatch(period):
        period = last_month(get_slmo(request).time.now().date())
    desk = access_for(request, signed).money()
    problem = None
    try:
        rows = desk.cost_report(period)
        lines = desk.credits(period)
    except SpecError as error:
        first = error.problems[0]
        translated = gettext(f"problem.{first.key}", lang_of(request), **first.args)
        problem = first.message if translated.startswith("[") else translated
        rows, lines = [], []
    return render(
        request,
        "costs.html",
        current=signed,
        period=period,
        rows=rows,
        lines=lines,
        losing=[r for r in rows if r.costs_more_than_it_returns],
        problem=problem,
    )
