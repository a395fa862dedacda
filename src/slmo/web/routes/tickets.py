"""Tickets: the figures of each ticket objective and priority over a period
(``TicketService.status``), a box to open one ticket, and a ticket's page with the timeline
of each of its timers (``TicketService.show``) that explains each start, pause and stop."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from slmo.web.pages import render
from slmo.web.security import SignedInDep, access_for, root

router = APIRouter()
_PERIOD = re.compile(r"[0-9A-Za-z-]{4,10}")


@router.get("/tickets")
def tickets(request: Request, signed: SignedInDep) -> Response:
    wanted = request.query_params.get("id", "").strip()
    if wanted:
        return RedirectResponse(f"{root(request)}/tickets/{quote(wanted[:255], safe='')}", status_code=303)
    period = request.query_params.get("period", "").strip()
    period = period if _PERIOD.fullmatch(period) else ""
    rows = access_for(request, signed).ticket_status(period or None)
    return render(request, "tickets.html", current=signed, rows=rows, period=period)


@router.get("/tickets/{ticket_id}")
def ticket(request: Request, ticket_id: str, signed: SignedInDep) -> Response:
    found, timers = access_for(request, signed).ticket(ticket_id)
    return render(request, "ticket.html", current=signed, ticket=found, timers=timers)
