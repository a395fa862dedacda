"""Suppliers over a month, quarter or year: each supplier's underpinning contracts, the attainment
slmo measured against each commitment, the credit owed (the ledger's line, else worked out now),
the claims and their deadlines, the services that depend on the supplier and the customer
breaches its failing overlapped (``services.suppliers``); and the claims to file soon or overdue,
whatever their period. For staff who may read the suppliers' dealings (admins, managers,
viewers): anyone else gets the 403 page, as from the API."""

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
# Due claims whose window closes within this many days are listed to file soon.
SOON_DAYS = 14


@router.get("/suppliers")
def suppliers(request: Request, signed: SignedInDep) -> Response:
    period = request.query_params.get("period", "").strip()
    if not _PERIOD.fullmatch(period):
        period = last_month(get_slmo(request).time.now().date())
    desk = access_for(request, signed).suppliers()
    # The walls before anything else: a role that may not read claims gets the 403 page.
    urgent = desk.claims(within=SOON_DAYS)
    problem = None
    try:
        standings = desk.suppliers(period)
    except SpecError as error:
        first = error.problems[0]
        translated = gettext(f"problem.{first.key}", lang_of(request), **first.args)
        problem = first.message if translated.startswith("[") else translated
        standings = []
    return render(
        request,
        "suppliers.html",
        current=signed,
        period=period,
        standings=standings,
        urgent=urgent,
        soon_days=SOON_DAYS,
        problem=problem,
    )
