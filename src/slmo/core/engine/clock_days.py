"""Working days: the business-day units of a deadline (case 18), after GLPI's day mode
(``Calendar::computeEndDate`` with ``$work_in_days``, [G1] in shared/sla-clock-cases.md).

- *business days*: the same local clock time N working days later. Mon 10:00 + 1 = Tue
  10:00, Fri 15:00 + 1 = Mon 15:00. A start on a day off first moves to the opening of the
  next working day, so Sat 11:00 + 1 = Tue 09:00 on std (a full working day, where keeping
  Saturday's clock time would leave two hours). A time past that day's close is the close:
  Mon 18:00 + 1 = Tue 17:00. N = 0 is the start itself.
- *end of day*: the close of the N-th working day, counted the same way: Mon 10:00 + 1 =
  Tue 17:00, Sat 11:00 + 1 = Tue 17:00. N = 0 is the first close after the start: the end
  of the shift it is in, or of the next one (Mon 18:00 + 0 = Tue 17:00).

A working day is a local date whose service hours (the weekly hours, or a partial day's) are
not empty; a holiday is not one. Days are local dates in the calendar's zone (case 12), and
a day owns the ranges that start on it, as ``calendars.expand`` has it (cases 8 and 9): a day
whose shift runs 22:00-06:00 opens at 22:00 and closes at 06:00 the next morning.
Maintenance does not make a working day a day off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.engine.clock_pauses import instants
from slmo.core.engine.clock_zone import DAY, LocalTime
from slmo.core.model.calendar import Calendar, TimeRange, Weekday
from slmo.errors import ConfigurationError

Seconds = NDArray[np.int64]
_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True, eq=False)
class WorkingDays:
    """The working days of a calendar between two local dates, with their closing instants.

    ``days`` are local dates as days since 1970-01-01, ascending; ``opens`` and ``closes``
    the instants at which each one's service hours begin and end; ``first`` and ``last``
    (same numbering, inclusive) the dates the list is known for.
    """

    local: LocalTime
    days: Seconds
    opens: Seconds
    closes: Seconds
    first: int
    last: int
    name: str = "calendar"

    @classmethod
    def from_calendar(
        cls,
        calendar: Calendar,
        special: Mapping[dt.date, tuple[TimeRange, ...] | None],
        first: dt.date,
        last: dt.date,
    ) -> WorkingDays:
        """Working days from the weekly hours and ``special`` days (holidays as ``None``,
        partial days as their hours), as ``HolidayCalendarExpander.closed_days`` returns them."""
        lo = int(dt.datetime(first.year, first.month, first.day, tzinfo=dt.UTC).timestamp()) - DAY
        hi = int(dt.datetime(last.year, last.month, last.day, tzinfo=dt.UTC).timestamp()) + 3 * DAY
        local = LocalTime(calendar.time_zone, (lo, hi))
        days: list[int] = []
        open_walls: list[int] = []
        close_walls: list[int] = []
        day = first
        while day <= last:
            ranges = special[day] if day in special else calendar.hours_on(Weekday(day.weekday()))
            spans = [(start, end) for rng in ranges or () for start, end in rng.spans() if end > start]
            if spans:
                number = (day - _EPOCH).days
                days.append(number)
                open_walls.append(number * DAY + 60 * min(start for start, _ in spans))
                close_walls.append(number * DAY + 60 * max(end for _, end in spans))
            day += dt.timedelta(days=1)
        if not days:
            raise ConfigurationError(
                f"calendar {calendar.name!r} has no working day between {first} and {last}",
                key="error.clock_no_working_time",
                calendar=calendar.name,
                start=str(first),
                end=str(last),
            )
        return cls(
            local=local,
            days=np.asarray(days, dtype=np.int64),
            opens=local.instant(np.asarray(open_walls, dtype=np.int64)),
            closes=local.instant(np.asarray(close_walls, dtype=np.int64)),
            first=(first - _EPOCH).days,
            last=(last - _EPOCH).days,
            name=calendar.name,
        )

    def _start(self, at: Seconds) -> tuple[Seconds, Seconds]:
        """Index of each start's working day (its own date, or the next working day when
        that is a day off) and its local time of day (the opening, after a day off)."""
        wall = self.local.wall(at)
        day = wall // DAY
        if day.size and (int(day.min()) < self.first or int(day.max()) > self.last):
            self._out_of_span()
        k = np.searchsorted(self.days, day, side="left")
        own = self.days[np.minimum(k, self.days.size - 1)] == day
        opening = self.local.wall(self.opens[np.minimum(k, self.days.size - 1)]) % DAY
        return k, np.where(own, wall - day * DAY, opening)

    def _pick(self, k: Seconds) -> Seconds:
        if k.size and int(k.max()) >= self.days.size:
            self._out_of_span()
        return k

    def _out_of_span(self) -> None:
        first = _EPOCH + dt.timedelta(days=self.first)
        last = _EPOCH + dt.timedelta(days=self.last)
        raise ConfigurationError(
            f"a business-day deadline falls outside the working days known for calendar {self.name!r}, "
            f"{first} to {last}: build them over a span that covers the tickets",
            key="error.clock_span",
            calendar=self.name,
            start=str(first),
            end=str(last),
        )

    def after(self, t0: ArrayLike, n: ArrayLike) -> Seconds:
        """The same local clock time ``n`` working days after each start, no later than that
        day's close (``n = 0`` is the start itself)."""
        at = instants(t0)
        count = _counts(n, at.shape)
        k, time_of_day = self._start(at)
        k = self._pick(k + count)
        moved = np.minimum(self.local.instant(self.days[k] * DAY + time_of_day), self.closes[k])
        out: Seconds = np.where(count == 0, at, moved)
        return out

    def end_of(self, t0: ArrayLike, n: ArrayLike) -> Seconds:
        """The close of the ``n``-th working day after each start; ``n = 0``: the first close
        after the start."""
        at = instants(t0)
        count = _counts(n, at.shape)
        k, _ = self._start(at)
        # Closes ascend with their days unless ranges of two days overlap; the running
        # maximum keeps the search well defined even then.
        first_close = np.searchsorted(np.maximum.accumulate(self.closes), at, side="right")
        return self.closes[self._pick(np.where(count == 0, first_close, k + count))]


def _counts(n: ArrayLike, shape: tuple[int, ...]) -> Seconds:
    count = np.broadcast_to(np.asarray(n).astype(np.int64), shape)
    if count.size and int(count.min()) < 0:
        raise ValueError("a number of business days cannot be negative")
    return count
