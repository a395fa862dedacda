"""Service-desk tickets: taking in exports, timing them against ticket objectives, and the
figures per period (docs/tickets.md).

One business clock is built per objective's calendar over the span of the tickets (from the
earliest opening to the evaluation instant, plus room for the longest target); when a
deadline falls past it, the span doubles, up to ten years. The engine then times every ticket
of the objective at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray

from slmo.core.engine import Span, epoch_seconds, named_period
from slmo.core.engine.clock import BusinessClock
from slmo.core.engine.clock_days import WorkingDays
from slmo.core.engine.ticket_compliance import Compliance, compliance, decided_in
from slmo.core.engine.tickets import MISSING, TicketFrame, TicketTimers, ticket_pauses, ticket_timers
from slmo.core.model import AttachPolicy, Calendar, IndicatorKind, Ticket, TicketClock
from slmo.core.model.audit import Actor, AuditAction, AuditEntry
from slmo.core.model.plain import from_plain
from slmo.core.ports import Clock, TicketReader, UnitOfWork, UnitOfWorkFactory
from slmo.errors import ConfigurationError, IngestError, NotFoundError, Problem
from slmo.services.clock import ClockService
from slmo.services.evaluate import EvaluationService, SpanCounter, Target
from slmo.services.ingest import OnError, not_owned

logger = logging.getLogger(__name__)
_DAY = 86_400
_LONGEST = 3660 * _DAY


@dataclass
class TicketIngestReport:
    name: str
    rows: int = 0
    rejected: int = 0
    tickets: int = 0
    written: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class PriorityFigures:
    objective: str
    priority: str
    figures: Compliance


@dataclass(frozen=True)
class TimelineEvent:
    at: int
    kind: str
    detail: str = ""


@dataclass(frozen=True)
class TicketTimer:
    """One ticket on one objective: instants in epoch seconds (None when not reached)."""

    objective: str
    clock: str
    priority: str
    target: int
    unit: str
    start: int
    stop: int | None
    elapsed: int
    left: int
    deadline: int
    breached_at: int | None
    warnings: dict[str, int | None]
    paused: int
    timeline: list[TimelineEvent]


def _maybe(value: int) -> int | None:
    return None if value == MISSING else int(value)


class TicketService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        reader: TicketReader,
        clocks: ClockService,
        evaluation: EvaluationService,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._reader = reader
        self._clocks = clocks
        self._evaluation = evaluation
        self._clock = clock

    # -- taking tickets in -----------------------------------------------------------------

    def ingest(
        self,
        stream: BinaryIO,
        name: str,
        actor: Actor,
        *,
        preset: str | None = None,
        mapping: str | None = None,
        tz: str | None = None,
        service: str | None = None,
        on_error: OnError = OnError.ABORT,
        owned: Collection[str] | None = None,
    ) -> TicketIngestReport:
        """Tickets of one export, merged by id; with ``owned``, a ticket of any other service
        is ``PermissionDeniedError`` and nothing is written (an owner sends its own only)."""
        now = self._clock.now()
        with self._uow() as uow:
            known = sorted(
                {
                    p
                    for t in self._ticket_targets(uow, now)
                    for p in (t.objective.tickets.targets if t.objective.tickets else {})
                }
            )
        read = self._reader.read(
            stream,
            name,
            preset=preset,
            mapping=mapping,
            now_epoch=int(now.timestamp()),
            tz=tz,
            service=service,
            known_priorities=known or None,
        )
        if owned is not None:
            for ticket in read.tickets:
                if ticket.service not in owned:
                    raise not_owned(ticket.service)
        report = TicketIngestReport(name, read.rows, read.rejected, len(read.tickets), problems=list(read.problems))
        if read.rejected and on_error is OnError.ABORT:
            raise IngestError(
                report.problems,
                f"{name}: {read.rejected} bad row(s); nothing was written (--on-error skip writes the good rows)",
            )
        with self._uow() as uow:
            report.written = uow.tickets.put(read.tickets)
            uow.audit.record(
                AuditEntry(
                    at=now,
                    actor=actor.name,
                    interface=actor.interface,
                    action=AuditAction.CHANGE,
                    kind="Tickets",
                    name=name,
                    before=None,
                    after={
                        "rows": read.rows,
                        "rejected": read.rejected,
                        "tickets": len(read.tickets),
                        "written": report.written,
                    },
                )
            )
            uow.commit()
        logger.info(
            "ingested %d tickets from %s (%d rows, %d rejected)", report.tickets, name, report.rows, report.rejected
        )
        return report

    # -- timing ------------------------------------------------------------------------------

    def _ticket_targets(self, uow: UnitOfWork, at: dt.datetime, objective: str | None = None) -> list[Target]:
        return [
            t
            for t in self._evaluation.targets(uow, at, objective)
            if t.indicator.kind is IndicatorKind.TICKET and t.objective.tickets is not None
        ]

    def timers(self, uow: UnitOfWork, target: Target, at: int) -> tuple[list[Ticket], TicketFrame, TicketTimers]:
        """Every ticket of the target's service opened by ``at``, timed on its objective."""
        spec = target.objective.tickets
        assert spec is not None
        tickets = uow.tickets.list(
            service=target.indicator.service, opened_before=dt.datetime.fromtimestamp(at + 1, dt.UTC)
        )
        frame = TicketFrame.of(tickets)
        which = target.indicator.ticket.clock if target.indicator.ticket else TicketClock.RESOLUTION
        attached = self._attached(target)
        lo = int(frame.opened.min()) - 2 * _DAY if len(frame) else at - _DAY
        longest = max(spec.targets.values(), default=0)
        margin = 31 * _DAY + (longest * 14 if spec.unit.counts_days else longest * 5) * (
            _DAY if spec.unit.counts_days else 1
        )
        while True:
            hi = at + margin
            try:
                clock, days = self._clock_over(uow, target, lo, hi, spec.unit.counts_days)
                return (
                    tickets,
                    frame,
                    ticket_timers(frame, spec, which, now=at, clock=clock, days=days, attached=attached),
                )
            except ConfigurationError as exc:
                if exc.key not in ("error.clock_span", "error.clock_no_working_time") or margin >= _LONGEST:
                    raise
                margin *= 2

    @staticmethod
    def _revisions(uow: UnitOfWork, calendar: Calendar) -> list[tuple[int, Calendar]]:
        """The calendar's revisions from the audit trail, each in force from when it was applied,
        so that editing a calendar never rewrites the time already counted (sla-clock case 19)."""
        found: list[tuple[int, Calendar]] = []
        for entry in uow.audit.list(kind="Calendar", name=calendar.name):
            if entry.after is not None:
                found.append((int(entry.at.timestamp()), from_plain(Calendar, entry.after)))
        if not found or found[-1][1] != calendar:
            found.append((found[-1][0] if found else 0, calendar))
        return found

    def _clock_over(
        self, uow: UnitOfWork, target: Target, lo: int, hi: int, days: bool
    ) -> tuple[BusinessClock, WorkingDays | None]:
        calendar = target.calendar
        if calendar is None:
            if days:
                raise ConfigurationError(
                    f"objective {target.key} counts working days but has no calendar",
                    key="error.ticket_days_without_calendar",
                    objective=target.key,
                )
            return BusinessClock.always_open((lo, hi), name="24x7"), None
        clock = self._clocks.clock(calendar, lo, hi, self._revisions(uow, calendar))
        return clock, (self._clocks.working_days(calendar, lo, hi) if days else None)

    @staticmethod
    def _attached(target: Target) -> int | None:
        spec = target.objective.tickets
        start = target.version.effective_from
        if spec is None or start is None or spec.policies.attached is not AttachPolicy.FROM_ATTACHMENT:
            return None
        from slmo.core.engine.windows import zone

        return int(dt.datetime.combine(start, dt.time(), zone(target.time_zone)).timestamp())

    def counts(self, uow: UnitOfWork, target: Target, start: int, end: int, at: int) -> tuple[int, int]:
        """(tickets in time, tickets counted) whose verdict became final in ``[start, end)``."""
        good, total = self.sums(uow, target, [Span(start, end)], at)
        return int(good[0]), int(total[0])

    def sums(
        self, uow: UnitOfWork, target: Target, spans: Sequence[Span], at: int
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Tickets in time and tickets counted whose verdict became final in each span (up to
        ``at``), from one timing of the tickets: the forecast's day blocks (``core.engine.forecast``)."""
        return self.counter(uow, target, at)(spans)

    def counter(self, uow: UnitOfWork, target: Target, at: int) -> SpanCounter:
        """``sums`` over any spans from one timing of the tickets, taken now: an evaluation
        counts its window and its forecast's day blocks without timing the tickets again."""
        _, _, timers = self.timers(uow, target, at)

        def count(spans: Sequence[Span]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
            good, total = np.zeros(len(spans)), np.zeros(len(spans))
            for i, span in enumerate(spans):
                selected = decided_in(timers, span.start, min(span.end, at + 1))
                good[i], total[i] = int((selected & ~timers.breached).sum()), int(selected.sum())
            return good, total

        return count

    # -- what the commands show ----------------------------------------------------------------

    def status(self, period: str | None = None, at: dt.datetime | None = None) -> list[PriorityFigures]:
        """Per ticket objective and priority, over a named period (``2026-10``), else the
        objective's current window."""
        when = at or self._clock.now()
        t = epoch_seconds(when)
        found: list[PriorityFigures] = []
        with self._uow() as uow:
            for target in self._ticket_targets(uow, when):
                if period is not None:
                    span = named_period(period, target.time_zone, week_start=target.week_start)
                else:
                    from slmo.core.engine import window_at

                    span = window_at(
                        target.objective.window, t, time_zone=target.time_zone, week_start=target.week_start
                    )
                _, frame, timers = self.timers(uow, target, min(t, span.end - 1))
                selected = decided_in(timers, span.start, span.end)
                found.append(PriorityFigures(target.key, "all", compliance(timers, selected)))
                spec = target.objective.tickets
                assert spec is not None
                for name in spec.targets:
                    if name in frame.priorities:
                        code = frame.priorities.index(name)
                        figures = compliance(timers, selected & (timers.priority == code))
                    else:
                        figures = compliance(timers, np.zeros(len(frame), dtype=bool))
                    found.append(PriorityFigures(target.key, name, figures))
        return found

    def show(self, ticket_id: str, at: dt.datetime | None = None) -> tuple[Ticket, list[TicketTimer]]:
        """One ticket's timers on every ticket objective of its service, with timelines."""
        when = at or self._clock.now()
        t = epoch_seconds(when)
        with self._uow() as uow:
            ticket = uow.tickets.get(ticket_id)
            if ticket is None:
                raise NotFoundError(f"no ticket {ticket_id!r}", key="error.ticket_not_found", id=ticket_id)
            timers: list[TicketTimer] = []
            for target in self._ticket_targets(uow, when):
                if target.indicator.service is not None and target.indicator.service != ticket.service:
                    continue
                spec = target.objective.tickets
                assert spec is not None
                frame = TicketFrame.of([ticket])
                which = target.indicator.ticket.clock if target.indicator.ticket else TicketClock.RESOLUTION
                lo, margin = int(frame.opened[0]) - 2 * _DAY, 62 * _DAY + max(spec.targets.values(), default=0) * 30
                clock, days = self._clock_over(uow, target, lo, max(t, lo + _DAY) + margin, spec.unit.counts_days)
                found = ticket_timers(
                    frame, spec, which, now=t, clock=clock, days=days, attached=self._attached(target)
                )
                if not found.counted[0]:
                    continue
                timers.append(self._timer(target, ticket, frame, found, which, t))
        return ticket, timers

    @staticmethod
    def _timer(
        target: Target, ticket: Ticket, frame: TicketFrame, found: TicketTimers, which: TicketClock, now: int
    ) -> TicketTimer:
        spec = target.objective.tickets
        assert spec is not None
        stop = _maybe(int(found.stop[0]))
        end = stop if stop is not None else now
        events = [TimelineEvent(int(frame.opened[0]), "opened", ticket.priority)]
        if int(found.start[0]) != int(frame.opened[0]):
            events.append(TimelineEvent(int(found.start[0]), "started", ""))
        for start, until, status in ticket_pauses(frame, spec, 0, end=end):
            if start >= end:
                continue
            events.append(TimelineEvent(start, "paused", status))
            if until < end:
                events.append(TimelineEvent(until, "resumed", status))
        previous = None
        solved = False
        for change in ticket.history:
            at_change = epoch_seconds(change.at)
            if at_change > end:
                break
            if previous is not None and change.priority and change.priority != previous:
                events.append(TimelineEvent(at_change, "priority", f"{previous} -> {change.priority}"))
            now_solved = change.status in spec.resolved_statuses
            if solved and not now_solved and which is TicketClock.RESOLUTION:
                # resume: the solved time was a pause; new_cycle: a fresh clock starts here.
                events.append(TimelineEvent(at_change, f"reopened_{spec.policies.reopen.value}", change.status))
            solved = now_solved
            previous = change.priority or previous
        warnings = {
            f"{round(share * 100)}%": _maybe(int(w)) for share, w in zip(spec.warnings, found.warnings[0], strict=True)
        }
        for label, when in warnings.items():
            if when is not None:
                events.append(TimelineEvent(when, "warning", label))
        breached_at = _maybe(int(found.breached_at[0]))
        if breached_at is not None:
            events.append(TimelineEvent(breached_at, "breached", ""))
        if stop is not None:
            events.append(TimelineEvent(stop, "responded" if which is TicketClock.RESPONSE else "resolved", ""))
        events.sort(key=lambda e: e.at)
        return TicketTimer(
            objective=target.key,
            clock=which.value,
            priority=frame.priorities[int(found.priority[0])],
            target=int(found.target[0]),
            unit=spec.unit.value,
            start=int(found.start[0]),
            stop=stop,
            elapsed=int(found.elapsed[0]),
            left=int(found.left[0]),
            deadline=int(found.deadline[0]),
            breached_at=breached_at,
            warnings=warnings,
            paused=int(found.paused[0]),
            timeline=events,
        )
