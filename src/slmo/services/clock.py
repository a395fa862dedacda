"""Business time on a calendar: elapsed time between two instants and deadlines, for
`slmo clock` and for the ticket timers.

The clock is pure (``core.engine.clock``) and knows working time only inside the span it was
built over. Elapsed time needs the span between the two instants; a deadline's span is not
known in advance, so it starts at a quarter and doubles until the deadline falls inside it,
up to ten years; a calendar that has no working time in ten years is refused, never looped on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from slmo.core.engine.clock import BusinessClock
from slmo.core.engine.clock_days import WorkingDays
from slmo.core.engine.clock_pauses import Pauses
from slmo.core.engine.clock_units import ClockUnit, deadlines, elapsed
from slmo.core.model import Calendar
from slmo.core.ports import CalendarExpander, SpecCodec
from slmo.errors import ConfigurationError, Problem, SpecError

_DAY = 86400
_FIRST_SPAN = 92 * _DAY
_LONGEST_SPAN = 3660 * _DAY


@dataclass(frozen=True)
class Pause:
    start: dt.datetime
    end: dt.datetime


def _epoch(at: dt.datetime) -> int:
    return int(at.timestamp() // 1)


class ClockService:
    def __init__(self, codec: SpecCodec, calendars: CalendarExpander) -> None:
        self._codec = codec
        self._calendars = calendars

    def calendar_from(self, path: str) -> Calendar:
        """The Calendar document in ``path`` (the only one, or the first of several)."""
        calendars = [item.obj for item in self._codec.load_paths([path]) if isinstance(item.obj, Calendar)]
        if not calendars:
            raise SpecError(
                [Problem(None, "kind", f"{path}: no Calendar document", key="spec.no_calendar", args={"path": path})]
            )
        return calendars[0]

    def clock(
        self, calendar: Calendar, start: int, end: int, history: Sequence[tuple[int, Calendar]] = ()
    ) -> BusinessClock:
        """The business clock of ``calendar`` over ``[start, end)``.

        Calendars are effective-dated: ``history`` lists ``(from, calendar)`` revisions, oldest
        first, each in force from its instant until the next (the first also before it). Time
        is counted on the revision in force at that time, so editing a calendar changes the
        clock from the edit on and never rewrites time already counted.
        """
        revisions = list(history) or [(start, calendar)]
        pieces: dict[str, list[NDArray[np.int64]]] = {"s": [], "e": [], "xs": [], "xe": []}
        for i, (since, revision) in enumerate(revisions):
            lo = start if i == 0 else max(start, since)
            hi = end if i + 1 == len(revisions) else min(end, revisions[i + 1][0])
            if hi <= lo:
                continue
            s, e = self._calendars.service_intervals(revision, lo, hi)
            xs, xe = self._calendars.excluded_intervals(revision, lo, hi)
            for key, part in (("s", s), ("e", e), ("xs", xs), ("xe", xe)):
                pieces[key].append(part)
        service = (np.concatenate(pieces["s"]), np.concatenate(pieces["e"]))
        excluded = (np.concatenate(pieces["xs"]), np.concatenate(pieces["xe"]))
        return BusinessClock.from_service(service, excluded, span=(start, end), name=calendar.name)

    def working_days(self, calendar: Calendar, start: int, end: int) -> WorkingDays:
        first = dt.datetime.fromtimestamp(start, dt.UTC).date() - dt.timedelta(days=2)
        last = dt.datetime.fromtimestamp(end, dt.UTC).date() + dt.timedelta(days=2)
        special = self._calendars.closed_days(calendar, first, last)
        return WorkingDays.from_calendar(calendar, special, first, last)

    @staticmethod
    def _pauses(pauses: Sequence[Pause]) -> Pauses:
        if not pauses:
            return Pauses.none()
        starts = [_epoch(p.start) for p in pauses]
        ends = [_epoch(p.end) for p in pauses]
        return Pauses.of(starts, ends, np.zeros(len(pauses), dtype=np.int64)).merge()

    def elapsed(
        self,
        calendar: Calendar,
        start: dt.datetime,
        end: dt.datetime,
        pauses: Sequence[Pause] = (),
        *,
        unit: ClockUnit = ClockUnit.BUSINESS,
    ) -> int:
        """Business seconds from ``start`` to ``end`` less the pauses (negative when end < start)."""
        t0, t1 = _epoch(start), _epoch(end)
        instants = [t0, t1, *(_epoch(p.start) for p in pauses), *(_epoch(p.end) for p in pauses)]
        lo, hi = min(instants) - _DAY, max(instants) + _DAY
        clock = BusinessClock.always_open((lo, hi)) if unit is ClockUnit.CALENDAR else self.clock(calendar, lo, hi)
        found = elapsed(unit, t0, t1, clock=clock, pauses=self._pauses(pauses) if pauses else None)
        return int(np.atleast_1d(found)[0])

    def deadline(
        self,
        calendar: Calendar,
        start: dt.datetime,
        target: int,
        pauses: Sequence[Pause] = (),
        *,
        unit: ClockUnit = ClockUnit.BUSINESS,
    ) -> dt.datetime:
        """The earliest instant at which ``target`` is reached: seconds of business time for
        ``business`` and ``calendar`` units, a number of working days for the day units."""
        if target < 0:
            raise ConfigurationError(f"target {target} is negative", key="error.clock_target", target=target)
        t0 = _epoch(start)
        lo = min([t0, *(_epoch(p.start) for p in pauses)]) - _DAY
        span = _FIRST_SPAN
        while True:
            hi = (
                max([t0, *(_epoch(p.end) for p in pauses)])
                + span
                + (target if not unit.counts_days else target * 7 * _DAY)
            )
            try:
                if unit is ClockUnit.CALENDAR:
                    clock = BusinessClock.always_open((lo, hi))
                else:
                    clock = self.clock(calendar, lo, hi)
                days = self.working_days(calendar, lo, hi) if unit.counts_days else None
                found = deadlines(
                    unit, t0, target, clock=clock, days=days, pauses=self._pauses(pauses) if pauses else None
                )
                return dt.datetime.fromtimestamp(int(np.atleast_1d(found)[0]), dt.UTC)
            except ConfigurationError as exc:
                if exc.key not in ("error.clock_span", "error.clock_no_working_time"):
                    raise
                if span >= _LONGEST_SPAN:
                    raise ConfigurationError(
                        f"calendar {calendar.name!r} has no working time to reach the target within ten years",
                        key="error.clock_never",
                        calendar=calendar.name,
                    ) from None
                span *= 2
