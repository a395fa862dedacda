"""Tickets over the API: the same keys and values as ``slmo tickets status --json`` and
``slmo tickets show ID --json`` (a test keeps them so), and what a ticket upload gave back.

Instants are ``isoformat()`` text in UTC, durations seconds; a figure that is not finite
(there is none for an empty period) is null.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pydantic import BaseModel, Field

from slmo.api.problems import problem_item
from slmo.core.model.ticket import Ticket
from slmo.services.tickets import PriorityFigures, TicketIngestReport, TicketTimer


def _iso(at: int | None) -> str | None:
    return None if at is None else dt.datetime.fromtimestamp(at, dt.UTC).isoformat()


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


class PriorityFiguresPublic(BaseModel):
    objective: str = Field(description="AGREEMENT/OBJECTIVE")
    priority: str = Field(description="A priority, or `all` for every ticket of the objective.")
    volume: int = Field(description="Tickets whose verdict became final in the period.")
    in_time: int
    breaches: int
    compliance: float | None = Field(description="in_time / volume; null without tickets.")
    mean: float | None = Field(description="Seconds on the objective's clock.")
    median: float | None
    p90: float | None


def figures_public(row: PriorityFigures) -> PriorityFiguresPublic:
    f = row.figures
    return PriorityFiguresPublic(
        objective=row.objective,
        priority=row.priority,
        volume=f.volume,
        in_time=f.in_time,
        breaches=f.breaches,
        compliance=_finite(f.compliance),
        mean=_finite(f.mean),
        median=_finite(f.median),
        p90=_finite(f.p90),
    )


class TimelineEventPublic(BaseModel):
    at: str | None
    event: str = Field(description="opened, started, paused, resumed, priority, warning, breached, resolved ...")
    detail: str


class TicketTimerPublic(BaseModel):
    objective: str
    clock: str = Field(description="response or resolution")
    priority: str
    unit: str
    target: int = Field(description="Seconds, or working days for the day units.")
    start: str | None
    stop: str | None
    elapsed_seconds: int
    left_seconds: int
    paused_seconds: int
    deadline: str | None
    breached_at: str | None
    warnings: dict[str, str | None]
    timeline: list[TimelineEventPublic]


class TicketPublic(BaseModel):
    id: str
    service: str | None
    timers: list[TicketTimerPublic]


def ticket_public(ticket: Ticket, timers: list[TicketTimer]) -> TicketPublic:
    return TicketPublic(
        id=ticket.id,
        service=ticket.service,
        timers=[
            TicketTimerPublic(
                objective=t.objective,
                clock=t.clock,
                priority=t.priority,
                unit=t.unit,
                target=t.target,
                start=_iso(t.start),
                stop=_iso(t.stop),
                elapsed_seconds=t.elapsed,
                left_seconds=t.left,
                paused_seconds=t.paused,
                deadline=_iso(t.deadline),
                breached_at=_iso(t.breached_at),
                warnings={label: _iso(at) for label, at in t.warnings.items()},
                timeline=[TimelineEventPublic(at=_iso(e.at), event=e.kind, detail=e.detail) for e in t.timeline],
            )
            for t in timers
        ],
    )


class TicketIngestResult(BaseModel):
    kind: str = "tickets"
    source: str = Field(description="The input's name in problems and the audit log.")
    rows: int
    rejected: int
    tickets: int = Field(description="Tickets in the input (rows of one ticket's history count once).")
    written: int = Field(description="Tickets new or changed; an input sent twice changes nothing.")
    problems: list[dict[str, Any]]


def ticket_ingest_result(report: TicketIngestReport) -> TicketIngestResult:
    return TicketIngestResult(
        source=report.name,
        rows=report.rows,
        rejected=report.rejected,
        tickets=report.tickets,
        written=report.written,
        problems=[problem_item(p) for p in report.problems],
    )
