"""Turning a Calendar into ``[start, end)`` epoch-second intervals over a span of time.

Rules, each a choice the agreement may rely on:
- Service hours are wall-clock times in the calendar's zone. A range that crosses midnight
  belongs to the day it starts on: whether that day is a holiday decides for all of it.
- Across a daylight-saving change the wall clock decides: 01:00-04:00 on the spring-forward
  night lasts two real hours, on the fall-back night four. A wall time that does not exist
  (inside the spring-forward gap) is read with the offset before the change, as Python does
  (02:30 in New York on that night is 03:30 daylight time); an ambiguous one (inside the
  fall-back repeat) is its first occurrence.
- A holiday (of a country, or an explicit date or inclusive range) closes its whole day; an
  explicit date with ``hours`` opens only those hours that day, whatever the weekday.
- Exclusions (agreed maintenance) are kept apart from service hours; a recurring one follows
  its RFC 5545 rule in the calendar's zone, from the exclusion's ``start`` if it has one, else
  from 2000-01-01 00:00 local time; each occurrence lasts its ``duration`` of real time, also
  across a daylight-saving change. A one-off exclusion given without an offset is read in the
  calendar's zone.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

import holidays
import numpy as np
from dateutil.rrule import rrule, rrulestr
from numpy.typing import NDArray

from slmo.core.engine.coverage import merge
from slmo.core.model.calendar import Calendar, TimeRange, Weekday
from slmo.errors import ConfigurationError

Intervals = tuple[NDArray[np.int64], NDArray[np.int64]]
_RRULE_ANCHOR = dt.datetime(2000, 1, 1)


def _epoch(local: dt.datetime) -> int:
    return int(local.timestamp())


@functools.cache
def _country_holidays(country: str, subdivision: str | None, year: int) -> frozenset[dt.date]:
    try:
        days = holidays.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError as exc:
        raise ConfigurationError(
            f"holidays of {country}{'/' + subdivision if subdivision else ''} are not known: {exc}",
            key="error.holidays_unknown",
            country=country,
        ) from None
    return frozenset(days.keys())


class HolidayCalendarExpander:
    """Expands calendars with the ``holidays`` package and ``dateutil`` rules."""

    def closed_days(
        self, calendar: Calendar, first: dt.date, last: dt.date
    ) -> dict[dt.date, tuple[TimeRange, ...] | None]:
        """Days between ``first`` and ``last`` (inclusive) that differ from the weekly hours:
        ``None`` for closed, or the partial day's hours."""
        special: dict[dt.date, tuple[TimeRange, ...] | None] = {}
        for country in calendar.holiday_countries:
            for year in range(first.year, last.year + 1):
                for day in _country_holidays(country.country, country.subdivision, year):
                    if first <= day <= last:
                        special[day] = None
        for dates in calendar.holiday_dates:
            day = max(dates.start, first)
            while day <= min(dates.end, last):
                special[day] = dates.hours
                day += dt.timedelta(days=1)
        return special

    def service_intervals(self, calendar: Calendar, start: int, end: int) -> Intervals:
        """Service hours overlapping ``[start, end)`` as sorted, merged intervals (clipped)."""
        zone = zoneinfo.ZoneInfo(calendar.time_zone)
        if end <= start:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty.copy()
        if calendar.always_open and not calendar.holiday_countries and not calendar.holiday_dates:
            return np.array([start], dtype=np.int64), np.array([end], dtype=np.int64)
        # A range may start the day before and run past midnight into the span.
        first = dt.datetime.fromtimestamp(start, zone).date() - dt.timedelta(days=1)
        last = dt.datetime.fromtimestamp(end, zone).date()
        special = self.closed_days(calendar, first, last)
        starts: list[int] = []
        ends: list[int] = []
        day = first
        while day <= last:
            ranges = special[day] if day in special else calendar.hours_on(Weekday(day.weekday()))
            midnight = dt.datetime(day.year, day.month, day.day)
            for rng in ranges or ():
                for a, b in rng.spans():
                    local_a = midnight + dt.timedelta(minutes=a)
                    local_b = midnight + dt.timedelta(minutes=b)
                    starts.append(_epoch(local_a.replace(tzinfo=zone)))
                    ends.append(_epoch(local_b.replace(tzinfo=zone)))
            day += dt.timedelta(days=1)
        return _clip_merge(starts, ends, start, end)

    def excluded_intervals(self, calendar: Calendar, start: int, end: int) -> Intervals:
        """Agreed maintenance overlapping ``[start, end)``, merged and clipped."""
        zone = zoneinfo.ZoneInfo(calendar.time_zone)
        starts: list[int] = []
        ends: list[int] = []
        for exclusion in calendar.exclusions:
            if exclusion.rrule is None:
                if exclusion.start is not None and exclusion.end is not None:
                    starts.append(_epoch(_in_zone(exclusion.start, zone)))
                    ends.append(_epoch(_in_zone(exclusion.end, zone)))
                continue
            duration = exclusion.duration_seconds or 0
            anchor = _in_zone(exclusion.start, zone) if exclusion.start else _RRULE_ANCHOR.replace(tzinfo=zone)
            rule = recurrence(exclusion.rrule, anchor)
            after = dt.datetime.fromtimestamp(start - duration, zone)
            before = dt.datetime.fromtimestamp(end, zone)
            for occurrence in rule.between(after, before, inc=True):
                begin = _epoch(occurrence)
                starts.append(begin)
                ends.append(begin + duration)
        return _clip_merge(starts, ends, start, end)


def _in_zone(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


@functools.lru_cache(maxsize=1024)
def recurrence(text: str, anchor: dt.datetime) -> rrule:
    """An RFC 5545 rule from an aware anchor. ``UNTIL`` may be UTC (``...Z``, as the RFC asks
    with a zoned start) or floating, which is read in the anchor's zone, as people mean it.

    Rules are kept, each with its occurrences cached as they are generated (dateutil's
    ``cache``): a weekly window anchored in 2000 is otherwise stepped forward from 2000 at each
    evaluation, about 10 ms a call."""
    parts = [p.strip() for p in text.split(";") if p.strip()]
    untils = [p.split("=", 1)[1] for p in parts if p.upper().startswith("UNTIL=")]
    rest = ";".join(p for p in parts if not p.upper().startswith("UNTIL="))
    try:
        parsed = rrulestr(rest, dtstart=anchor, cache=True)
        until = _until(untils[0], anchor) if untils else None
    except ValueError as exc:
        raise ConfigurationError(f"rrule {text!r}: {exc}", key="error.rrule", rule=text, reason=str(exc)) from None
    if not isinstance(parsed, rrule):
        raise ConfigurationError(f"rrule {text!r}: one rule expected", key="error.rrule", rule=text, reason="a set")
    return parsed if until is None else parsed.replace(until=until)


def _until(value: str, anchor: dt.datetime) -> dt.datetime:
    utc = value.upper().endswith("Z")
    text = value.rstrip("Zz")
    moment = dt.datetime.strptime(text, "%Y%m%dT%H%M%S" if "T" in text.upper() else "%Y%m%d")
    return moment.replace(tzinfo=dt.UTC).astimezone(anchor.tzinfo) if utc else moment.replace(tzinfo=anchor.tzinfo)


def _clip_merge(starts: list[int], ends: list[int], lo: int, hi: int) -> Intervals:
    s = np.clip(np.asarray(starts, dtype=np.int64), lo, hi)
    e = np.clip(np.asarray(ends, dtype=np.int64), lo, hi)
    return merge(s, e)
