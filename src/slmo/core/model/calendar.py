"""Calendars: service hours in a time zone, holidays and agreed exclusions.

A calendar is data only. Turning it into instants (expanding holidays from the
``holidays`` package, rules from RFC 5545) happens where I/O is allowed, and the
business clock in ``core.engine`` works on the expanded intervals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum

from slmo.core.model.text import LocalizedText

MINUTES_PER_DAY = 24 * 60


class Weekday(IntEnum):
    """ISO weekday numbers minus one, as ``datetime.weekday()`` returns them."""

    MON = 0
    TUE = 1
    WED = 2
    THU = 3
    FRI = 4
    SAT = 5
    SUN = 6

    @property
    def short(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, kw_only=True, order=True)
class TimeRange:
    """Opening hours within a day, in minutes after local midnight.

    ``end`` may be 1440 (24:00). A range whose end is not after its start crosses
    midnight and belongs to the day it starts on: 22:00-06:00 on Thursday runs into
    Friday morning.
    """

    start: int
    end: int

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    @property
    def minutes(self) -> int:
        return self.end - self.start if not self.crosses_midnight else MINUTES_PER_DAY - self.start + self.end

    def spans(self) -> tuple[tuple[int, int], ...]:
        """The range as minute spans relative to the start of its own day (may reach past 1440)."""
        if self.crosses_midnight:
            return ((self.start, MINUTES_PER_DAY + self.end),)
        return ((self.start, self.end),)

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, kw_only=True)
class CountryHolidays:
    """Public holidays of a country (ISO 3166-1 alpha-2), as the ``holidays`` package knows them."""

    country: str
    subdivision: str | None = None


@dataclass(frozen=True, kw_only=True)
class HolidayDates:
    """An explicit holiday: one date or an inclusive range; with ``hours`` it is a partial day
    on which only those hours are open."""

    start: dt.date
    end: dt.date
    name: str | None = None
    hours: tuple[TimeRange, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class Exclusion:
    """Agreed maintenance: either a one-off interval or a recurring RFC 5545 rule with a duration."""

    reason: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    rrule: str | None = None
    duration_seconds: int | None = None


@dataclass(frozen=True, kw_only=True)
class Calendar:
    """Service hours per weekday in an IANA time zone. ``hours`` of ``None`` means 24x7."""

    name: str
    display_name: LocalizedText
    time_zone: str
    hours: tuple[tuple[Weekday, tuple[TimeRange, ...]], ...] | None = None
    holiday_countries: tuple[CountryHolidays, ...] = ()
    holiday_dates: tuple[HolidayDates, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    description: LocalizedText | None = None

    @property
    def always_open(self) -> bool:
        return self.hours is None

    def hours_on(self, day: Weekday) -> tuple[TimeRange, ...]:
        if self.hours is None:
            return (TimeRange(start=0, end=MINUTES_PER_DAY),)
        for weekday, ranges in self.hours:
            if weekday == day:
                return ranges
        return ()

    def weekly_minutes(self) -> int:
        return sum(r.minutes for d in Weekday for r in self.hours_on(d))


def overlapping_ranges(calendar: Calendar) -> list[tuple[Weekday, TimeRange, Weekday, TimeRange]]:
    """Pairs of service-hour ranges that overlap, across midnight and across the week's end.

    Each range is placed on a week-long minute axis starting on Monday; a range that
    crosses midnight on Sunday wraps to Monday, so its wrapped copy is placed too.
    """
    if calendar.hours is None:
        return []
    week = 7 * MINUTES_PER_DAY
    placed: list[tuple[int, int, int, Weekday, TimeRange]] = []
    ident = 0
    for day in Weekday:
        for rng in calendar.hours_on(day):
            ident += 1
            for start, end in rng.spans():
                a, b = day * MINUTES_PER_DAY + start, day * MINUTES_PER_DAY + end
                placed.append((a, b, ident, day, rng))
                if b > week:
                    placed.append((a - week, b - week, ident, day, rng))
    placed.sort(key=lambda p: (p[0], p[1]))
    found: list[tuple[Weekday, TimeRange, Weekday, TimeRange]] = []
    seen: set[tuple[int, int]] = set()
    for i, (_a1, b1, id1, day1, r1) in enumerate(placed):
        for a2, _b2, id2, day2, r2 in placed[i + 1 :]:
            if a2 >= b1:
                break
            pair = (min(id1, id2), max(id1, id2))
            if id1 != id2 and pair not in seen:
                seen.add(pair)
                found.append((day1, r1, day2, r2))
    return found
