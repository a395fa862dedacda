"""Business days and end of day, with hand-computed expectations: days off, closes, overnight
shifts, both daylight-saving changes, pauses, and the errors."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import numpy as np
import pytest
from numpy.typing import NDArray

from slmo.calendars import HolidayCalendarExpander
from slmo.core.engine.clock import BusinessClock
from slmo.core.engine.clock_days import WorkingDays
from slmo.core.engine.clock_pauses import Pauses
from slmo.core.engine.clock_units import ClockUnit, deadlines
from slmo.core.model.calendar import Calendar
from slmo.errors import ConfigurationError
from slmo.spec.codec import YamlSpecCodec

FIRST, LAST = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
expander = HolidayCalendarExpander()
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
STD = "  timeZone: Europe/London\n  hours: {" + ", ".join(f"{d}: [09:00-17:00]" for d in WEEKDAYS) + "}\n"
SHIFTS = (
    "  timeZone: Asia/Riyadh\n  hours: {"
    + ", ".join(f"{d}: [22:00-06:00]" for d in ("sun", "mon", "tue", "wed", "thu"))
    + "}\n"
)


def calendar(text: str) -> Calendar:
    (loaded,) = YamlSpecCodec().load_text(
        "apiVersion: slmo/v1\nkind: Calendar\nmetadata: {name: c}\nspec:\n" + text, "c.yaml"
    )
    assert isinstance(loaded.obj, Calendar)
    return loaded.obj


def working_days(cal: Calendar, first: dt.date = FIRST, last: dt.date = LAST) -> WorkingDays:
    return WorkingDays.from_calendar(cal, expander.closed_days(cal, first, last), first, last)


def at(zone: str, text: str) -> NDArray[np.int64]:
    local = dt.datetime.fromisoformat(text).replace(tzinfo=zoneinfo.ZoneInfo(zone))
    return np.array([int(local.timestamp())], dtype=np.int64)


def iso(zone: str, instants: NDArray[np.int64]) -> list[str]:
    tz = zoneinfo.ZoneInfo(zone)
    return [dt.datetime.fromtimestamp(int(t), tz).isoformat(timespec="minutes") for t in instants]


def starts(zone: str, *texts: str) -> NDArray[np.int64]:
    return np.concatenate([at(zone, t) for t in texts])


STD_STARTS = ("2025-01-13 10:00", "2025-01-17 15:00", "2025-01-18 11:00", "2025-01-13 18:00", "2025-01-13 07:00")


def test_business_days_keep_the_clock_time() -> None:
    days = working_days(calendar(STD))
    got = iso("Europe/London", days.after(starts("Europe/London", *STD_STARTS), 1))
    assert got == [
        "2025-01-14T10:00+00:00",  # case 18
        "2025-01-20T15:00+00:00",  # over the weekend
        "2025-01-21T09:00+00:00",  # Saturday: from Monday's opening, a full working day
        "2025-01-14T17:00+00:00",  # after the close: no later than the next day's close
        "2025-01-14T07:00+00:00",  # before the opening: Monday's eight hours are the day
    ]
    assert days.after(starts("Europe/London", *STD_STARTS), 0).tolist() == starts("Europe/London", *STD_STARTS).tolist()


def test_end_of_day() -> None:
    days = working_days(calendar(STD))
    t0 = starts("Europe/London", *STD_STARTS)
    assert iso("Europe/London", days.end_of(t0, 1)) == [
        "2025-01-14T17:00+00:00",
        "2025-01-20T17:00+00:00",
        "2025-01-21T17:00+00:00",
        "2025-01-14T17:00+00:00",
        "2025-01-14T17:00+00:00",
    ]
    assert iso("Europe/London", days.end_of(t0, 0)) == [
        "2025-01-13T17:00+00:00",
        "2025-01-17T17:00+00:00",
        "2025-01-20T17:00+00:00",
        "2025-01-14T17:00+00:00",
        "2025-01-13T17:00+00:00",
    ]
    # Per-ticket counts, and a close reached exactly moves on to the next one.
    assert iso("Europe/London", days.end_of(at("Europe/London", "2025-01-13 17:00"), 0)) == ["2025-01-14T17:00+00:00"]
    assert iso("Europe/London", days.end_of(t0[:2], np.array([2, 3]))) == [
        "2025-01-15T17:00+00:00",
        "2025-01-22T17:00+00:00",
    ]


def test_holidays_and_partial_days() -> None:
    text = STD + "  holidays: {dates: [{date: 2025-12-24, hours: [09:00-13:00]}, {from: 2025-12-25, to: 2025-12-26}]}\n"
    days = working_days(calendar(text))
    t0 = at("Europe/London", "2025-12-23 15:00")
    assert iso("Europe/London", days.after(t0, 1)) == ["2025-12-24T13:00+00:00"]  # the partial day's close
    assert iso("Europe/London", days.after(t0, 2)) == ["2025-12-29T15:00+00:00"]
    assert iso("Europe/London", days.end_of(t0, 1)) == ["2025-12-24T13:00+00:00"]


def test_overnight_shifts_are_owned_by_the_day_they_start() -> None:
    days = working_days(calendar(SHIFTS + "  holidays: {dates: [{date: 2025-01-15}]}\n"))
    # Wed 15 January is a holiday: Tuesday's shift still ends Wed 06:00.
    assert iso("Asia/Riyadh", days.end_of(at("Asia/Riyadh", "2025-01-15 03:00"), 0)) == ["2025-01-15T06:00+03:00"]
    assert iso("Asia/Riyadh", days.end_of(at("Asia/Riyadh", "2025-01-14 23:30"), 1)) == ["2025-01-17T06:00+03:00"]
    # From the holiday, the next working day is Thursday, opening 22:00.
    assert iso("Asia/Riyadh", days.after(at("Asia/Riyadh", "2025-01-15 12:00"), 1)) == ["2025-01-19T22:00+03:00"]


def test_business_days_across_daylight_saving() -> None:
    london = working_days(calendar(STD))
    # 30 March 2025: Friday 10:00 GMT + 1 = Monday 10:00 BST, 71 real hours later.
    t0 = at("Europe/London", "2025-03-28 10:00")
    assert iso("Europe/London", london.after(t0, 1)) == ["2025-03-31T10:00+01:00"]
    assert int(london.after(t0, 1)[0] - t0[0]) == 71 * 3600
    always = working_days(calendar("  timeZone: America/New_York\n  hours: 24x7\n"))
    # 02:30 does not exist on 9 March 2025: read with the offset before the change (03:30 EDT).
    assert iso("America/New_York", always.after(at("America/New_York", "2025-03-08 02:30"), 1)) == [
        "2025-03-09T03:30-04:00"
    ]
    # 01:30 happens twice on 2 November 2025: the first one.
    assert iso("America/New_York", always.after(at("America/New_York", "2025-11-01 01:30"), 1)) == [
        "2025-11-02T01:30-04:00"
    ]
    assert iso("America/New_York", always.end_of(at("America/New_York", "2025-11-02 12:00"), 0)) == [
        "2025-11-03T00:00-05:00"
    ]


def test_day_units_with_pauses_are_pushed_by_the_paused_business_time() -> None:
    cal = calendar(STD)
    span = (
        int(dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp()),
        int(dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp()),
    )
    clock = BusinessClock(*expander.service_intervals(cal, *span), span=span)
    days = working_days(cal)
    t0 = at("Europe/London", "2025-01-13 10:00")
    pause = Pauses.of(at("Europe/London", "2025-01-13 15:00"), at("Europe/London", "2025-01-13 16:00"), [0])
    assert iso("Europe/London", deadlines(ClockUnit.BUSINESS_DAYS, t0, 1, clock=clock, days=days, pauses=pause)) == [
        "2025-01-14T11:00+00:00"
    ]
    assert iso("Europe/London", deadlines(ClockUnit.END_OF_DAY, t0, 1, clock=clock, days=days, pauses=pause)) == [
        "2025-01-15T10:00+00:00"
    ]


def test_errors_are_clear() -> None:
    with pytest.raises(ConfigurationError, match="'c' has no working day between 2025-01-01 and 2025-01-03"):
        working_days(
            calendar(STD + "  holidays: {dates: [{from: 2025-01-01, to: 2025-01-03}]}\n"),
            FIRST,
            dt.date(2025, 1, 3),
        )
    days = working_days(calendar(STD))
    with pytest.raises(
        ConfigurationError, match="outside the working days known for calendar 'c', 2025-01-01 to 2025-12-31"
    ):
        days.after(at("Europe/London", "2025-12-30 10:00"), 5)
    with pytest.raises(ConfigurationError, match="outside the working days known"):
        days.end_of(at("Europe/London", "2024-12-30 10:00"), 1)
    with pytest.raises(ValueError, match="cannot be negative"):
        days.after(at("Europe/London", "2025-06-02 10:00"), -1)
