"""Working days: the business-day units of a deadline (case 18).

- *business days*: the same local clock time on the N-th working day after the start's local
  date (GLPI's day mode): Mon 10:00 + 1 day = Tue 10:00; Fri 15:00 + 1 day = Mon 15:00; a
  start on a day off counts from there, so Sat 11:00 + 1 day = Mon 11:00.
- *end of day*: the end of the service hours of the N-th working day after the start's
  local date: Mon 10:00 + 1 = Tue 17:00. N = 0 is the end of the start's own working day, or
  of the next working day when the start is on a day off or after that day's close.

A working day is a local date whose service hours (the weekly hours, or a partial day's) are
not empty; a holiday is not one. Days are counted by the start's *local* date (case 12),
and a day owns the ranges that start on it, as ``calendars.expand`` has it (cases 8 and 9):
the end of a day whose shift runs 22:00-06:00 is 06:00 the next morning. Maintenance does
not make a working day a day off.
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

    ``days`` are local dates as days since 1970-01-01, ascending; ``closes`` the instant at
    which each one's service hours end; ``first`` and ``last`` (same numbering, inclusive)
    the dates the list is known for.
    """

    local: LocalTime
    days: Seconds
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
        close_walls: list[int] = []
        day = first
        while day <= last:
            ranges = special[day] if day in special else calendar.hours_on(Weekday(day.weekday()))
            ends = [end for rng in ranges or () for start, end in rng.spans() if end > start]
            if ends:
                number = (day - _EPOCH).days
                days.append(number)
                close_walls.append(number * DAY + 60 * max(ends))
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
            closes=local.instant(np.asarray(close_walls, dtype=np.int64)),
            first=(first - _EPOCH).days,
            last=(last - _EPOCH).days,
            name=calendar.name,
        )

    def _start_days(self, t0: Seconds) -> tuple[Seconds, Seconds]:
        wall = self.local.wall(t0)
        day = wall // DAY
        if day.size and (int(day.min()) < self.first or int(day.max()) > self.last):
            self._out_of_span()
        return wall, day

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
        """The same local clock time on the ``n``-th working day after each start's local
        date (``n = 0`` is the start itself)."""
        at = instants(t0)
        count = _counts(n, at.shape)
        wall, day = self._start_days(at)
        k = self._pick(np.searchsorted(self.days, day, side="right") + np.maximum(count, 1) - 1)
        moved = self.local.instant(self.days[k] * DAY + (wall - day * DAY))
        out: Seconds = np.where(count == 0, at, moved)
        return out

    def end_of(self, t0: ArrayLike, n: ArrayLike) -> Seconds:
        """The end of the ``n``-th working day after each start's local date; ``n = 0``: of
        the start's own working day, or the next one if it is a day off or already closed."""
        at = instants(t0)
        count = _counts(n, at.shape)
        _, day = self._start_days(at)
        later = np.searchsorted(self.days, day, side="right") + count - 1
        today = np.searchsorted(self.days, day, side="left")
        today = today + (self.closes[np.minimum(today, self.days.size - 1)] < at)
        k = self._pick(np.where(count == 0, today, later))
        return self.closes[k]


def _counts(n: ArrayLike, shape: tuple[int, ...]) -> Seconds:
    count = np.broadcast_to(np.asarray(n).astype(np.int64), shape)
    if count.size and int(count.min()) < 0:
        raise ValueError("a number of business days cannot be negative")
    return count
