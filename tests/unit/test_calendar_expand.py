"""Calendars expanded into instants, with hand-computed expectations: the Saudi week, holidays,
partial days, overnight shifts, both daylight-saving changes and recurring maintenance."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import numpy as np

from slmo.calendars import HolidayCalendarExpander
from slmo.spec.codec import YamlSpecCodec

RIYADH = zoneinfo.ZoneInfo("Asia/Riyadh")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
expander = HolidayCalendarExpander()


def calendar(text: str):  # type: ignore[no-untyped-def]
    (loaded,) = YamlSpecCodec().load_text(
        "apiVersion: slmo/v1\nkind: Calendar\nmetadata: {name: c}\nspec:\n" + text, "c.yaml"
    )
    return loaded.obj


def at(zone: zoneinfo.ZoneInfo, *parts: int) -> int:
    return int(dt.datetime(*parts, tzinfo=zone).timestamp())


def spans(zone: zoneinfo.ZoneInfo, intervals: tuple[np.ndarray, np.ndarray]) -> list[tuple[str, str]]:
    return [
        (
            dt.datetime.fromtimestamp(int(s), zone).strftime("%a %d %H:%M"),
            dt.datetime.fromtimestamp(int(e), zone).strftime("%a %d %H:%M"),
        )
        for s, e in zip(*intervals, strict=True)
    ]


SAUDI_WEEK = """\
  timeZone: Asia/Riyadh
  hours:
    sun: ["08:00-16:00"]
    mon: ["08:00-12:00", "13:00-17:00"]
    tue: ["08:00-16:00"]
    wed: ["08:00-16:00"]
    thu: ["22:00-06:00"]
"""


def test_saudi_week_with_split_day_and_overnight_shift() -> None:
    cal = calendar(SAUDI_WEEK)
    # Sunday 1 March 2026 to Sunday 8 March 2026.
    got = spans(RIYADH, expander.service_intervals(cal, at(RIYADH, 2026, 3, 1), at(RIYADH, 2026, 3, 8)))
    assert got == [
        ("Sun 01 08:00", "Sun 01 16:00"),
        ("Mon 02 08:00", "Mon 02 12:00"),
        ("Mon 02 13:00", "Mon 02 17:00"),
        ("Tue 03 08:00", "Tue 03 16:00"),
        ("Wed 04 08:00", "Wed 04 16:00"),
        ("Thu 05 22:00", "Fri 06 06:00"),  # belongs to Thursday, runs into Friday
    ]


def test_a_span_starting_mid_shift_is_clipped() -> None:
    cal = calendar(SAUDI_WEEK)
    got = spans(RIYADH, expander.service_intervals(cal, at(RIYADH, 2026, 3, 6, 2), at(RIYADH, 2026, 3, 7)))
    assert got == [("Fri 06 02:00", "Fri 06 06:00")]


def test_country_holidays_and_explicit_dates_close_whole_days() -> None:
    cal = calendar(SAUDI_WEEK + "  holidays:\n    countries: [{country: SA}]\n    dates:\n      - {date: 2026-03-03}\n")
    # 22 February 2026 (Sunday) is Founding Day in the holidays package; 3 March is an explicit date.
    got = spans(RIYADH, expander.service_intervals(cal, at(RIYADH, 2026, 2, 22), at(RIYADH, 2026, 3, 5)))
    assert ("Sun 22 08:00", "Sun 22 16:00") not in got
    assert ("Tue 03 08:00", "Tue 03 16:00") not in got
    assert ("Sun 01 08:00", "Sun 01 16:00") in got


def test_holiday_on_the_start_day_of_an_overnight_shift_closes_all_of_it() -> None:
    cal = calendar(SAUDI_WEEK + "  holidays:\n    dates:\n      - {date: 2026-03-05}\n")
    got = spans(RIYADH, expander.service_intervals(cal, at(RIYADH, 2026, 3, 5), at(RIYADH, 2026, 3, 7)))
    assert got == []


def test_partial_day_opens_only_its_hours_even_on_a_weekend() -> None:
    cal = calendar(SAUDI_WEEK + '  holidays:\n    dates:\n      - {date: 2026-03-07, hours: ["09:00-13:00"]}\n')
    got = spans(RIYADH, expander.service_intervals(cal, at(RIYADH, 2026, 3, 7), at(RIYADH, 2026, 3, 8)))
    assert got == [("Sat 07 09:00", "Sat 07 13:00")]


NIGHTS = """\
  timeZone: America/New_York
  hours:
    sun: ["01:00-04:00"]
"""


def test_spring_forward_night_is_two_real_hours() -> None:
    # 8 March 2026: clocks go from 02:00 EST to 03:00 EDT.
    starts, ends = expander.service_intervals(calendar(NIGHTS), at(NEW_YORK, 2026, 3, 8), at(NEW_YORK, 2026, 3, 9))
    assert (ends - starts).tolist() == [2 * 3600]


def test_fall_back_night_is_four_real_hours() -> None:
    # 1 November 2026: clocks go from 02:00 EDT back to 01:00 EST.
    starts, ends = expander.service_intervals(calendar(NIGHTS), at(NEW_YORK, 2026, 11, 1), at(NEW_YORK, 2026, 11, 2))
    assert (ends - starts).tolist() == [4 * 3600]


def test_always_open_is_one_interval() -> None:
    cal = calendar("  timeZone: Asia/Riyadh\n  hours: 24x7\n")
    starts, ends = expander.service_intervals(cal, 1000, 5000)
    assert starts.tolist() == [1000] and ends.tolist() == [5000]


def test_recurring_and_one_off_maintenance() -> None:
    cal = calendar(
        "  timeZone: Asia/Riyadh\n  exclusions:\n"
        '    - {start: "2026-10-03T00:00:00+03:00", end: "2026-10-03T04:00:00+03:00", reason: upgrade}\n'
        '    - {rrule: "FREQ=WEEKLY;BYDAY=FR;BYHOUR=1;BYMINUTE=0", duration: 2h}\n'
    )
    got = spans(RIYADH, expander.excluded_intervals(cal, at(RIYADH, 2026, 10, 1), at(RIYADH, 2026, 10, 15)))
    assert got == [
        ("Fri 02 01:00", "Fri 02 03:00"),
        ("Sat 03 00:00", "Sat 03 04:00"),
        ("Fri 09 01:00", "Fri 09 03:00"),
    ]


def test_maintenance_running_into_the_span_is_clipped() -> None:
    cal = calendar(
        '  timeZone: Asia/Riyadh\n  exclusions:\n    - {rrule: "FREQ=DAILY;BYHOUR=23;BYMINUTE=0", duration: 2h}\n'
    )
    got = spans(RIYADH, expander.excluded_intervals(cal, at(RIYADH, 2026, 10, 2), at(RIYADH, 2026, 10, 3)))
    assert got == [("Fri 02 00:00", "Fri 02 01:00"), ("Fri 02 23:00", "Sat 03 00:00")]


def test_maintenance_lasts_its_duration_across_daylight_saving() -> None:
    # A 2 h window at 01:00 New York time: on 8 March 2026 (spring forward at 02:00) and on
    # 1 November 2026 (fall back at 02:00) it still lasts two real hours.
    cal = calendar(
        '  timeZone: America/New_York\n  exclusions:\n    - {rrule: "FREQ=DAILY;BYHOUR=1;BYMINUTE=0", duration: 2h}\n'
    )
    for day in ((2026, 3, 8), (2026, 11, 1)):
        starts, ends = expander.excluded_intervals(cal, at(NEW_YORK, *day), at(NEW_YORK, *day, 12))
        assert (ends - starts).tolist() == [7200]


def test_rrule_until_in_utc_or_floating() -> None:
    # Midnight UTC on 5 October is 03:00 in Riyadh, after that day's 01:00 occurrence; a
    # floating UNTIL is local midnight, before it.
    expected = {
        "20261005T000000Z": ["Sat 03", "Sun 04", "Mon 05"],
        "20261005T000000": ["Sat 03", "Sun 04"],
        "20261005": ["Sat 03", "Sun 04"],
    }
    for until, days in expected.items():
        rule = f"FREQ=DAILY;BYHOUR=1;UNTIL={until}"
        cal = calendar(f'  timeZone: Asia/Riyadh\n  exclusions:\n    - {{rrule: "{rule}", duration: 1h}}\n')
        got = spans(RIYADH, expander.excluded_intervals(cal, at(RIYADH, 2026, 10, 3), at(RIYADH, 2026, 10, 8)))
        assert got == [(f"{d} 01:00", f"{d} 02:00") for d in days], until


def test_bad_rrule_is_refused_at_load_with_its_line() -> None:
    from slmo.errors import SpecError

    try:
        calendar('  timeZone: Asia/Riyadh\n  exclusions:\n    - {rrule: "FREQ=SOMETIMES", duration: 1h}\n')
    except SpecError as exc:
        assert str(exc).startswith("c.yaml:7:8: spec.exclusions[0].rrule: not an RFC 5545 rule")
    else:
        raise AssertionError("a bad rule was accepted")


def test_backwards_span_is_empty() -> None:
    starts, ends = expander.service_intervals(calendar("  timeZone: UTC\n"), 5000, 1000)
    assert starts.size == ends.size == 0
