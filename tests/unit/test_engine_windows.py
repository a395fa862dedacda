"""Windows: rolling spans, calendar periods in a time zone (DST-correct), named periods."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from slmo.core.engine.windows import (
    Span,
    calendar_period,
    epoch_seconds,
    named_period,
    period_label,
    periods,
    rolling_window,
    window_at,
)
from slmo.core.model.calendar import Weekday
from slmo.core.model.objective import Window, WindowUnit
from slmo.errors import SpecError

HOUR = 3600
DAY = 86400


def local(zone: str, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZoneInfo(zone))


def ts(zone: str, *args: int) -> int:
    return epoch_seconds(local(zone, *args))


def test_epoch_seconds_takes_numbers_and_aware_datetimes_only() -> None:
    assert epoch_seconds(1_700_000_000.9) == 1_700_000_000
    assert epoch_seconds(dt.datetime(1970, 1, 1, 0, 1, tzinfo=dt.UTC)) == 60
    with pytest.raises(ValueError, match="naive"):
        epoch_seconds(dt.datetime(2026, 1, 1))


def test_rolling_window_is_the_length_before_at() -> None:
    at = 1_000_000
    assert rolling_window(at, 30, WindowUnit.DAY) == Span(at - 30 * DAY, at)
    assert rolling_window(at, 5, WindowUnit.MINUTE) == Span(at - 300, at)
    assert rolling_window(at, 2, WindowUnit.WEEK) == Span(at - 14 * DAY, at)


def test_rolling_month_steps_back_on_the_local_calendar() -> None:
    # 31 March 12:00 in New York minus one month is 28 February 12:00 (clamped day), across
    # the spring-forward of 8 March: 31 - 28 = 31 days of wall clock, less the lost hour.
    at = ts("America/New_York", 2026, 3, 31, 12)
    span = rolling_window(at, 1, WindowUnit.MONTH, "America/New_York")
    assert span.start == ts("America/New_York", 2026, 2, 28, 12)
    assert span.seconds == 31 * DAY - HOUR


@pytest.mark.parametrize(
    ("zone", "month", "hours"),
    [
        ("America/New_York", 3, 743),  # 31 days, clocks forward on 8 March 2026
        ("America/New_York", 11, 721),  # 30 days, clocks back on 1 November 2026
        ("America/New_York", 10, 744),  # 31 days, no change
        ("Europe/Paris", 3, 743),  # 31 days, forward on 29 March 2026
        ("Europe/Paris", 10, 745),  # 31 days, back on 25 October 2026
        ("Asia/Riyadh", 3, 744),  # no DST
        ("Asia/Riyadh", 10, 744),
        ("Asia/Riyadh", 2, 672),  # 28 days
    ],
)
def test_month_lengths_follow_daylight_saving_time(zone: str, month: int, hours: int) -> None:
    span = calendar_period(ts(zone, 2026, month, 15, 12), WindowUnit.MONTH, zone)
    assert span.seconds == hours * HOUR
    assert span.start_datetime(zone) == local(zone, 2026, month, 1)


def test_month_starts_at_local_midnight() -> None:
    span = named_period("2026-10", "Asia/Riyadh")
    # Riyadh is UTC+3 all year: local midnight is 21:00 UTC the day before.
    assert span.start_datetime() == dt.datetime(2026, 9, 30, 21, tzinfo=dt.UTC)
    assert span.end_datetime() == dt.datetime(2026, 10, 31, 21, tzinfo=dt.UTC)


def test_an_instant_just_before_local_midnight_belongs_to_the_old_month() -> None:
    zone = "Asia/Riyadh"
    midnight = ts(zone, 2026, 11, 1)
    assert calendar_period(midnight - 1, WindowUnit.MONTH, zone) == named_period("2026-10", zone)
    assert calendar_period(midnight, WindowUnit.MONTH, zone) == named_period("2026-11", zone)


def test_quarter_and_year_boundaries() -> None:
    zone = "Europe/Paris"
    q4 = calendar_period(ts(zone, 2026, 11, 20), WindowUnit.QUARTER, zone)
    assert (q4.start, q4.end) == (ts(zone, 2026, 10, 1), ts(zone, 2027, 1, 1))
    q1 = calendar_period(ts(zone, 2027, 1, 1), WindowUnit.QUARTER, zone)
    assert q1.start == q4.end
    year = calendar_period(ts(zone, 2026, 12, 31, 23, 59), WindowUnit.YEAR, zone)
    assert (year.start, year.end) == (ts(zone, 2026, 1, 1), ts(zone, 2027, 1, 1))
    # 2026 in Paris: 365 days; the lost spring hour and the regained autumn hour cancel.
    assert year.seconds == 365 * DAY


def test_iso_week_starts_on_monday_and_saudi_week_on_sunday() -> None:
    zone = "Asia/Riyadh"
    wednesday = ts(zone, 2026, 1, 28, 9)
    iso = calendar_period(wednesday, WindowUnit.WEEK, zone)
    assert iso.start_datetime(zone) == local(zone, 2026, 1, 26)  # Monday
    saudi = calendar_period(wednesday, WindowUnit.WEEK, zone, week_start=Weekday.SUN)
    assert saudi.start_datetime(zone) == local(zone, 2026, 1, 25)  # Sunday
    assert saudi.seconds == 7 * DAY
    # Saturday 31 January is the last day of the Sunday week.
    assert calendar_period(ts(zone, 2026, 1, 31, 23), WindowUnit.WEEK, zone, week_start=Weekday.SUN) == saudi


def test_day_period_across_a_dst_gap_at_midnight() -> None:
    # Chile moves clocks from 00:00 to 01:00 on Sunday 6 September 2026: that day starts at
    # 01:00 local and lasts 23 hours.
    zone = "America/Santiago"
    day = calendar_period(ts(zone, 2026, 9, 6, 12), WindowUnit.DAY, zone)
    assert day.seconds == 23 * HOUR
    assert day.start_datetime(zone).hour == 1


def test_periods_of_several_units_count_from_the_anchor() -> None:
    zone = "UTC"
    # Two-week sprints anchored on Monday 5 January 2026.
    anchor = local(zone, 2026, 1, 5)
    sprint = calendar_period(ts(zone, 2026, 1, 20), WindowUnit.WEEK, zone, length=2, anchor=anchor)
    assert (sprint.start, sprint.end) == (ts(zone, 2026, 1, 19), ts(zone, 2026, 2, 2))
    # Billing months from the 15th at noon.
    anchor = local(zone, 2026, 1, 15, 12)
    month = calendar_period(ts(zone, 2026, 3, 15, 11), WindowUnit.MONTH, zone, anchor=anchor)
    assert (month.start, month.end) == (ts(zone, 2026, 2, 15, 12), ts(zone, 2026, 3, 15, 12))
    # Without an anchor, 3-month periods are the quarters and 6-month ones the halves.
    half = calendar_period(ts(zone, 2026, 8, 1), WindowUnit.MONTH, zone, length=6)
    assert (half.start, half.end) == (ts(zone, 2026, 7, 1), ts(zone, 2027, 1, 1))


def test_calendar_hours_follow_the_local_clock() -> None:
    zone = "Asia/Kolkata"  # UTC+05:30: local hours start at half past in UTC
    hour = calendar_period(ts(zone, 2026, 5, 1, 10, 45), WindowUnit.HOUR, zone)
    assert hour == Span(ts(zone, 2026, 5, 1, 10), ts(zone, 2026, 5, 1, 11))


def test_window_at_uses_the_window_zone_then_the_given_zone() -> None:
    at = ts("UTC", 2026, 10, 31, 22)  # already 1 November in Riyadh
    window = Window(length=1, unit=WindowUnit.MONTH, rolling=False)
    assert window_at(window, at) == named_period("2026-10", "UTC")
    assert window_at(window, at, time_zone="Asia/Riyadh") == named_period("2026-11", "Asia/Riyadh")
    zoned = Window(length=1, unit=WindowUnit.MONTH, rolling=False, time_zone="UTC")
    assert window_at(zoned, at, time_zone="Asia/Riyadh") == named_period("2026-10", "UTC")
    rolling = Window(length=7, unit=WindowUnit.DAY, rolling=True)
    assert window_at(rolling, at) == Span(at - 7 * DAY, at)


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2026", (2026, 1, 1), (2027, 1, 1)),
        ("2026-Q3", (2026, 7, 1), (2026, 10, 1)),
        ("2026-10", (2026, 10, 1), (2026, 11, 1)),
        ("2026-12", (2026, 12, 1), (2027, 1, 1)),
        ("2026-W01", (2025, 12, 29), (2026, 1, 5)),  # ISO week 1 of 2026 starts in 2025
        ("2026-02-28", (2026, 2, 28), (2026, 3, 1)),
    ],
)
def test_named_periods(label: str, start: tuple[int, int, int], end: tuple[int, int, int]) -> None:
    zone = "Asia/Riyadh"
    span = named_period(label, zone)
    assert (span.start, span.end) == (ts(zone, *start), ts(zone, *end))
    unit = {4: WindowUnit.YEAR, 7: WindowUnit.MONTH, 10: WindowUnit.DAY}.get(len(label))
    if "Q" in label:
        unit = WindowUnit.QUARTER
    if "W" in label:
        unit = WindowUnit.WEEK
    assert unit is not None
    assert period_label(span.start, unit, zone) == label


def test_named_sunday_week_contains_the_iso_monday() -> None:
    span = named_period("2026-W05", "Asia/Riyadh", week_start=Weekday.SUN)
    assert span.start_datetime("Asia/Riyadh") == local("Asia/Riyadh", 2026, 1, 25)
    assert period_label(span.start, WindowUnit.WEEK, "Asia/Riyadh", week_start=Weekday.SUN) == "2026-W05"


@pytest.mark.parametrize("label", ["2026-13", "2026-Q5", "26-10", "October", "2026-02-30"])
def test_bad_period_labels_are_spec_errors(label: str) -> None:
    with pytest.raises(SpecError):
        named_period(label, "UTC")


def test_unknown_time_zone_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match="Mars/Olympus_Mons"):
        calendar_period(0, WindowUnit.MONTH, "Mars/Olympus_Mons")


def test_periods_cover_a_range_oldest_first() -> None:
    zone = "Europe/Paris"
    found = periods(ts(zone, 2026, 1, 15), ts(zone, 2026, 4, 1), WindowUnit.MONTH, zone)
    assert [period_label(p.start, WindowUnit.MONTH, zone) for p in found] == ["2026-01", "2026-02", "2026-03"]
    assert all(a.end == b.start for a, b in itertools.pairwise(found))


def test_span_contains_is_half_open() -> None:
    span = Span(10, 20)
    assert span.contains(10)
    assert span.contains(19.5)
    assert not span.contains(20)
