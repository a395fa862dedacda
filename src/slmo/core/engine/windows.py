"""Time windows as half-open spans of epoch seconds: rolling windows and calendar periods.

The engine never reads a clock: every function takes the instant ``at``. A rolling window
is ``[at - length, at)``. A calendar period (day, week, month, quarter, year) is the one
containing ``at`` in an IANA time zone, from local midnight to local midnight, so a month
in a zone with daylight saving time may last 743 or 745 hours (America/New_York, March and
November 2026). Periods of ``length`` units are counted from an anchor: the window's
``start`` when the objective gives one (OpenSLO ``calendar.startTime``), else 1970-01-01 for
days and months (so 3M periods are quarters) and the first ``week_start`` day after it for
weeks.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slmo.core.model.calendar import Weekday
from slmo.core.model.objective import FIXED_UNIT_SECONDS, Window, WindowUnit
from slmo.errors import Problem, SpecError

Instant = int | float | dt.datetime

_MONTHS = {WindowUnit.MONTH: 1, WindowUnit.QUARTER: 3, WindowUnit.YEAR: 12}
_DAYS = {WindowUnit.DAY: 1, WindowUnit.WEEK: 7}


@dataclass(frozen=True, order=True)
class Span:
    """``[start, end)`` in whole epoch seconds."""

    start: int
    end: int

    @property
    def seconds(self) -> int:
        return self.end - self.start

    def contains(self, at: Instant) -> bool:
        return self.start <= epoch_seconds(at) < self.end

    def start_datetime(self, time_zone: str = "UTC") -> dt.datetime:
        return dt.datetime.fromtimestamp(self.start, zone(time_zone))

    def end_datetime(self, time_zone: str = "UTC") -> dt.datetime:
        return dt.datetime.fromtimestamp(self.end, zone(time_zone))


def epoch_seconds(at: Instant) -> int:
    """Whole epoch seconds (floored) of an aware datetime or a number of seconds."""
    if isinstance(at, dt.datetime):
        if at.utcoffset() is None:
            raise ValueError(f"naive datetime {at.isoformat()}: give a time zone")
        return math.floor(at.timestamp())
    return math.floor(at)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SpecError([Problem(None, "timeZone", f"unknown IANA time zone {name!r}")]) from exc


def _wall(at: int, tz: ZoneInfo) -> dt.datetime:
    """Local wall-clock time of an instant, as a naive datetime."""
    return dt.datetime.fromtimestamp(at, tz).replace(tzinfo=None)


def _instant(wall: dt.datetime, tz: ZoneInfo) -> int:
    # fold=0: a wall time skipped by a DST gap maps to the instant the clocks jumped from,
    # and an ambiguous one to its first occurrence; both are the start of the local day.
    return math.floor(wall.replace(tzinfo=tz).timestamp())


def _add_months(wall: dt.datetime, months: int) -> dt.datetime:
    index = wall.year * 12 + wall.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last_day = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return wall.replace(year=year, month=month, day=min(wall.day, last_day))


def _step(wall: dt.datetime, unit: WindowUnit, count: int) -> dt.datetime:
    if unit in _MONTHS:
        return _add_months(wall, _MONTHS[unit] * count)
    return wall + dt.timedelta(days=_DAYS[unit] * count)


def _default_anchor(unit: WindowUnit, week_start: Weekday) -> dt.datetime:
    if unit is WindowUnit.WEEK:
        # 1970-01-05 was a Monday.
        return dt.datetime(1970, 1, 5) + dt.timedelta(days=int(week_start))
    return dt.datetime(1970, 1, 1)


def calendar_period(
    at: Instant,
    unit: WindowUnit,
    time_zone: str = "UTC",
    *,
    length: int = 1,
    week_start: Weekday = Weekday.MON,
    anchor: dt.datetime | None = None,
) -> Span:
    """The calendar period of ``length`` ``unit`` containing ``at``, in ``time_zone``."""
    if length < 1:
        raise SpecError([Problem(None, "timeWindow.duration", f"length must be at least 1, got {length}")])
    tz = zone(time_zone)
    t = epoch_seconds(at)
    if unit in (WindowUnit.MINUTE, WindowUnit.HOUR):
        size = (60 if unit is WindowUnit.MINUTE else 3600) * length
        if anchor is not None:
            origin = epoch_seconds(anchor)
        elif 86400 % size == 0:
            origin = _instant(_wall(t, tz).replace(hour=0, minute=0, second=0, microsecond=0), tz)
        else:
            origin = _instant(dt.datetime(1970, 1, 1), tz)
        start = origin + (t - origin) // size * size
        return Span(start, start + size)
    base = _default_anchor(unit, week_start) if anchor is None else _wall(epoch_seconds(anchor), tz)
    local = _wall(t, tz)
    if unit in _MONTHS:
        months = (local.year - base.year) * 12 + local.month - base.month
        k = months // (_MONTHS[unit] * length)
    else:
        k = (local - base).days // (_DAYS[unit] * length)
    # The estimate is off by at most one period (day of month, time of day); settle it.
    while _instant(_step(base, unit, k * length), tz) > t:
        k -= 1
    while _instant(_step(base, unit, (k + 1) * length), tz) <= t:
        k += 1
    return Span(_instant(_step(base, unit, k * length), tz), _instant(_step(base, unit, (k + 1) * length), tz))


def rolling_window(at: Instant, length: int, unit: WindowUnit, time_zone: str = "UTC") -> Span:
    """``[at - length, at)``; months, quarters and years step back on the local calendar."""
    t = epoch_seconds(at)
    if unit in _MONTHS:
        tz = zone(time_zone)
        return Span(_instant(_step(_wall(t, tz), unit, -length), tz), t)
    return Span(t - FIXED_UNIT_SECONDS[unit] * length, t)


def window_at(
    window: Window,
    at: Instant,
    *,
    time_zone: str | None = None,
    week_start: Weekday = Weekday.MON,
) -> Span:
    """The span of an objective's window at ``at``: in the window's own time zone, else in
    ``time_zone`` (the objective's calendar), else in UTC."""
    tz = window.time_zone or time_zone or "UTC"
    if window.rolling:
        return rolling_window(at, window.length, window.unit, tz)
    anchor = window.start
    if anchor is not None and anchor.utcoffset() is None:
        # OpenSLO writes a calendar window's startTime as wall-clock time in its timeZone.
        anchor = anchor.replace(tzinfo=zone(tz))
    return calendar_period(at, window.unit, tz, length=window.length, week_start=week_start, anchor=anchor)


_LABELS = (
    (re.compile(r"^(\d{4})$"), WindowUnit.YEAR),
    (re.compile(r"^(\d{4})-Q([1-4])$"), WindowUnit.QUARTER),
    (re.compile(r"^(\d{4})-(\d{2})$"), WindowUnit.MONTH),
    (re.compile(r"^(\d{4})-W(\d{2})$"), WindowUnit.WEEK),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), WindowUnit.DAY),
)


def period_unit(label: str) -> WindowUnit:
    """The unit of the period a label names (``2026-Q4`` is a quarter), as ``named_period`` reads it."""
    for pattern, unit in _LABELS:
        if pattern.match(label.strip()):
            return unit
    raise SpecError(
        [Problem(None, "period", f"{label!r} is not a period; expected YYYY, YYYY-Qn, YYYY-MM, YYYY-Www or YYYY-MM-DD")]
    )


def named_period(label: str, time_zone: str = "UTC", *, week_start: Weekday = Weekday.MON) -> Span:
    """The period a label names: ``2026``, ``2026-Q4``, ``2026-10``, ``2026-W05`` (ISO week) or
    ``2026-10-05``. With a week start other than Monday, ``2026-W05`` is the week that
    contains the Monday of ISO week 5 (for the Saudi week, the Sunday before it)."""
    tz = zone(time_zone)
    for pattern, unit in _LABELS:
        found = pattern.match(label.strip())
        if found is None:
            continue
        numbers = [int(g) for g in found.groups()]
        try:
            if unit is WindowUnit.YEAR:
                day = dt.date(numbers[0], 1, 1)
            elif unit is WindowUnit.QUARTER:
                day = dt.date(numbers[0], 3 * numbers[1] - 2, 1)
            elif unit is WindowUnit.MONTH:
                day = dt.date(numbers[0], numbers[1], 1)
            elif unit is WindowUnit.WEEK:
                day = dt.date.fromisocalendar(numbers[0], numbers[1], 1)
            else:
                day = dt.date(numbers[0], numbers[1], numbers[2])
        except ValueError:
            break
        noon = _instant(dt.datetime.combine(day, dt.time(12)), tz)
        return calendar_period(noon, unit, time_zone, week_start=week_start)
    raise SpecError(
        [Problem(None, "period", f"{label!r} is not a period; expected YYYY, YYYY-Qn, YYYY-MM, YYYY-Www or YYYY-MM-DD")]
    )


def period_label(at: Instant, unit: WindowUnit, time_zone: str = "UTC", *, week_start: Weekday = Weekday.MON) -> str:
    """The label of the period containing ``at``, as ``named_period`` reads it."""
    span = calendar_period(at, unit, time_zone, week_start=week_start)
    start = _wall(span.start, zone(time_zone)).date()
    if unit is WindowUnit.YEAR:
        return f"{start.year:04d}"
    if unit is WindowUnit.QUARTER:
        return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
    if unit is WindowUnit.MONTH:
        return f"{start.year:04d}-{start.month:02d}"
    if unit is WindowUnit.WEEK:
        monday = start + dt.timedelta(days=(7 - start.weekday()) % 7)
        year, week, _ = monday.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if unit is WindowUnit.DAY:
        return start.isoformat()
    raise SpecError([Problem(None, "period", f"no label for {unit.value} periods")])


def periods(
    start: Instant,
    end: Instant,
    unit: WindowUnit,
    time_zone: str = "UTC",
    *,
    week_start: Weekday = Weekday.MON,
) -> list[Span]:
    """The calendar periods that overlap ``[start, end)``, oldest first (for ``slmo history``)."""
    first, last = epoch_seconds(start), epoch_seconds(end)
    found: list[Span] = []
    t = first
    while t < last:
        span = calendar_period(t, unit, time_zone, week_start=week_start)
        found.append(span)
        t = span.end
    return found
