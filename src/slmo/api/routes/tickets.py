"""Ticket objectives: figures per objective and priority, and one ticket's timers.

- ``GET /tickets``: the rows of ``slmo tickets status --json``, over a named period
  (``?period=2026-10``) or each objective's current window, at ``?at=`` (default now);
- ``GET /tickets/{ticket_id}``: ``slmo tickets show ID --json``, its timers with timelines.

Tickets are sent through ``POST /ingest/tickets`` (``routes.ingest``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from slmo.api.deps import AccessDep
from slmo.api.queries import at_query
from slmo.api.schemas.tickets import PriorityFiguresPublic, TicketPublic, figures_public, ticket_public

router = APIRouter(prefix="/tickets", tags=["tickets"])

AtDep = Annotated[dt.datetime | None, Depends(at_query)]


@router.get("", response_model=list[PriorityFiguresPublic], summary="Ticket objectives per priority")
def ticket_status(
    access: AccessDep,
    at: AtDep,
    period: Annotated[
        str | None, Query(max_length=16, description="2026-10, 2026-Q3, 2026-W40, 2026 or 2026-10-05")
    ] = None,
    agreement: Annotated[str | None, Query(max_length=255)] = None,
    objective: Annotated[str | None, Query(max_length=255, description="AGREEMENT/NAME")] = None,
) -> list[PriorityFiguresPublic]:
    return [
        figures_public(r)
        for r in access.ticket_status(period, at)
        if (agreement is None or r.objective.split("/", 1)[0] == agreement)
        and (objective is None or r.objective == objective)
    ]


@router.get("/{ticket_id}", response_model=TicketPublic, summary="One ticket's timers, with timelines")
def ticket(ticket_id: str, access: AccessDep, at: AtDep) -> TicketPublic:
    found, timers = access.ticket(ticket_id, at)
    return ticket_public(found, timers)
