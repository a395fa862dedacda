"""Improvement opportunities: where the error budgets of a period (or of each objective's
current window) went, by service, hour of the week, incident cause, ticket category and
priority, and supplier, and the slices proposed for improvement with their evidence
(``services.opportunities``). Every signed-in role; a customer sees its own agreements' only,
as from the API."""

from __future__ import annotations

import math
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from slmo.core.model.opportunity import Dimension, Opportunities
from slmo.errors import SpecError
from slmo.i18n import gettext
from slmo.i18n.opportunities import dimension_label, evidence, item_label, proposal_action, proposal_slice
from slmo.services.opportunities import reference
from slmo.web.pages import lang_of, render
from slmo.web.security import SignedInDep, access_for

router = APIRouter()
_PERIOD = re.compile(r"[0-9A-Za-z-]{4,10}")
# Shades of the week's heat map (``heat-1`` .. ``heat-5`` in the stylesheet).
SHADES = 5
# Slices of each dimension listed below the proposals.
BREAKDOWN_ROWS = 10
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def heat_map(found: Opportunities) -> list[tuple[str, list[tuple[float, int]]]]:
    """The hour-of-the-week slices as seven rows of 24 cells: budgets spent and a shade, from 0
    (nothing) to ``SHADES`` (the most spent in any hour)."""
    spent = {s.item: s.spent for s in found.breakdowns.get(Dimension.WEEK_HOUR, ())}
    top = max(spent.values(), default=0.0)
    rows = []
    for day in _DAYS:
        cells = []
        for hour in range(24):
            value = spent.get(f"{day} {hour:02d}:00", 0.0)
            cells.append((value, 0 if value <= 0 or top <= 0 else max(1, math.ceil(SHADES * value / top))))
        rows.append((day, cells))
    return rows


@router.get("/opportunities")
def opportunities(request: Request, signed: SignedInDep) -> Response:
    period = request.query_params.get("period", "").strip()
    period = period if _PERIOD.fullmatch(period) else ""
    lang = lang_of(request)
    problem = None
    found: Opportunities | None = None
    try:
        found = access_for(request, signed).opportunities(period or None)
    except SpecError as error:
        first = error.problems[0]
        translated = gettext(f"problem.{first.key}", lang, **first.args) if first.key else ""
        problem = first.message if not translated or translated.startswith("[") else translated
    words: dict[str, Any] = {
        "slice": lambda p: proposal_slice(p, lang),
        "action": lambda p: proposal_action(p, lang),
        "evidence": lambda s: evidence(s, lang),
        "dimension": lambda d: dimension_label(d, lang),
        "item": lambda d, i: item_label(d, i, lang),
        "reference": lambda p: reference(found, p) if found is not None else "",
    }
    return render(
        request,
        "opportunities.html",
        current=signed,
        period=period,
        found=found,
        problem=problem,
        heat=heat_map(found) if found is not None else [],
        dimensions=[d.value for d in Dimension],
        rows=BREAKDOWN_ROWS,
        words=words,
    )
