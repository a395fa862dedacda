"""The overview: every objective this principal may see, from the status board, with its
status colour, a search box and filters by status, service and agreement. The form is a GET
with query parameters, so it works without scripts; ``static/slmo.js`` filters the rows as
one types, over the same rows."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from slmo.web.pages import lang_of, render
from slmo.web.security import SignedInDep, access_for
from slmo.web.status_rows import STATUSES, Filters, counts, status_rows

router = APIRouter()


@router.get("/")
def overview(request: Request, signed: SignedInDep) -> Response:
    lang = lang_of(request)
    rows = status_rows(request).rows(access_for(request, signed).current_status(), lang)
    filters = Filters.of(dict(request.query_params))
    shown = [r for r in rows if filters.keep(r)] if filters.active else rows
    services = sorted({(r.service, r.service_title) for r in rows if r.service}, key=lambda p: p[1].lower())
    agreements = sorted({(r.agreement, r.agreement_title) for r in rows}, key=lambda p: p[1].lower())
    return render(
        request,
        "overview.html",
        current=signed,
        rows=shown,
        total=len(rows),
        counts=counts(rows),
        statuses=STATUSES,
        filters=filters,
        services=services,
        agreements=agreements,
    )
