"""Cross-check with a peer: the PyPI package ``businesstimedelta`` computes elapsed business
time and deadlines one ticket at a time by walking working periods; slmo's clock must agree
with it to the second on calendars both can express.

Both can express: one working range a day on chosen weekdays (optionally with a lunch
break), in an IANA zone, with whole-day holidays. Four calendars: std with English holidays,
the Saudi week with Saudi holidays, New York with a lunch break and US holidays, Sydney
(daylight saving in the other half of the year) Monday to Saturday with explicit holiday
dates. Each gets 2,500 random intervals and 1,250 random deadlines (10,000 and 5,000 in all),
a fifth of their instants snapped onto opening and closing times or a second off them.
``bench/bench_clock.py`` checks 10,000 more deadlines, with pauses, against the peer.

Left out, because the peer gets them wrong or cannot say them: shifts that cross midnight
(its ``WorkDayRule.next`` looks only at the current date, so at Wed 03:00 it misses the rest
of Tuesday's 22:00-06:00 shift), partial days, and ranges that start or end inside a
daylight-saving gap or repeat (pytz's ``localize`` picks the other occurrence).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from slmo.calendars import HolidayCalendarExpander
from slmo.core.engine.clock import BusinessClock
from slmo.core.model.calendar import Calendar, CountryHolidays, HolidayDates, TimeRange, Weekday
from slmo.core.model.text import LocalizedText
from tests.conftest import require

FIRST, LAST = dt.date(2024, 12, 1), dt.date(2026, 12, 31)
SPAN = (
    int(dt.datetime(2024, 12, 1, tzinfo=dt.UTC).timestamp()),
    int(dt.datetime(2026, 12, 31, tzinfo=dt.UTC).timestamp()),
)
PER_CALENDAR = 2_500  # intervals; and half as many deadlines
expander = HolidayCalendarExpander()

# Explicit dates for the peer's sake through 2026: its HolidayRule fails when no holiday
# follows within five years.
SYDNEY_DAYS_OFF = tuple(
    HolidayDates(start=dt.date.fromisoformat(d), end=dt.date.fromisoformat(d))
    for d in ("2025-01-27", "2025-04-18", "2025-04-21", "2025-10-06", "2025-12-25", "2026-01-26", "2026-12-25")
)


def weekly(zone: str, days: tuple[Weekday, ...], start: str, end: str, **extra: Any) -> Calendar:
    minutes = [int(t[:2]) * 60 + int(t[3:]) for t in (start, end)]
    ranges = (TimeRange(start=minutes[0], end=minutes[1]),)
    return Calendar(
        name=zone,
        display_name=LocalizedText.plain(zone),
        time_zone=zone,
        hours=tuple((d, ranges) for d in days),
        **extra,
    )


MON_FRI = (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)
CALENDARS = {
    "std": (
        weekly("Europe/London", MON_FRI, "09:00", "17:00", holiday_countries=(CountryHolidays(country="GB"),)),
        None,
    ),
    "saudi": (
        weekly(
            "Asia/Riyadh",
            (Weekday.SUN, Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU),
            "08:00",
            "16:00",
            holiday_countries=(CountryHolidays(country="SA"),),
        ),
        None,
    ),
    "new-york-lunch": (
        weekly("America/New_York", MON_FRI, "08:00", "17:30", holiday_countries=(CountryHolidays(country="US"),)),
        ("12:00", "13:00"),
    ),
    "sydney": (
        weekly("Australia/Sydney", (*MON_FRI, Weekday.SAT), "07:30", "18:30", holiday_dates=SYDNEY_DAYS_OFF),
        None,
    ),
}


def our_clock(cal: Calendar, lunch: tuple[str, str] | None) -> BusinessClock:
    service = expander.service_intervals(cal, *SPAN)
    if lunch is None:
        return BusinessClock(*service, span=SPAN, name=cal.name)
    lunch_cal = weekly(cal.time_zone, MON_FRI, *lunch)
    return BusinessClock.from_service(service, expander.service_intervals(lunch_cal, *SPAN), span=SPAN, name=cal.name)


def peer_rule(cal: Calendar, lunch: tuple[str, str] | None) -> Any:
    import businesstimedelta as btd
    import pytz

    tz = pytz.timezone(cal.time_zone)
    assert cal.hours is not None
    (hours,) = {ranges for _, ranges in cal.hours}
    (r,) = hours
    days = [int(d) for d, _ in cal.hours]
    rules = [btd.WorkDayRule(start_time=_time(r.start), end_time=_time(r.end), working_days=days, tz=tz)]
    if lunch is not None:
        start, end = (dt.time.fromisoformat(t) for t in lunch)
        rules.append(btd.LunchTimeRule(start_time=start, end_time=end, working_days=days, tz=tz))
    closed = {d for d, hours_that_day in expander.closed_days(cal, FIRST, LAST).items() if hours_that_day is None}
    rules.append(btd.HolidayRule(closed, tz=tz))
    return btd.Rules(rules)


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def random_instants(rng: np.random.Generator, clock: BusinessClock, n: int) -> NDArray[np.int64]:
    """Instants in 2025, a fifth of them on an opening or closing time or a second off one."""
    t = rng.integers(SPAN[0] + 40 * 86_400, SPAN[0] + 400 * 86_400, n)
    edges = np.concatenate((clock.starts, clock.ends))
    edges = edges[(edges > SPAN[0] + 40 * 86_400) & (edges < SPAN[0] + 400 * 86_400)]
    snap = rng.random(n) < 0.2
    t[snap] = rng.choice(edges, int(snap.sum())) + rng.integers(-1, 2, int(snap.sum()))
    return t


def utc(t: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, dt.UTC)


def mismatches(ours: NDArray[np.int64], peer: list[int], show: Callable[[int], str]) -> list[str]:
    bad = np.flatnonzero(ours != np.asarray(peer))
    return [show(int(i)) for i in bad[:5]]


@pytest.fixture(scope="module")
def peer_available() -> None:
    require(importlib.util.find_spec("businesstimedelta") is not None, "businesstimedelta (the test extra) is missing")


@pytest.mark.parametrize("name", sorted(CALENDARS))
def test_elapsed_and_deadlines_equal_the_peer_to_the_second(name: str, peer_available: None) -> None:
    import businesstimedelta as btd

    cal, lunch = CALENDARS[name]
    clock, rule = our_clock(cal, lunch), peer_rule(cal, lunch)
    rng = np.random.default_rng(sum(map(ord, name)))

    t0 = random_instants(rng, clock, PER_CALENDAR)
    t1 = t0 + rng.integers(0, 7 * 86_400, PER_CALENDAR)
    # A fifth of the ends on the next opening or closing time, or a second off it.
    edges = np.sort(np.concatenate((clock.starts, clock.ends)))
    snap = rng.random(PER_CALENDAR) < 0.2
    near = edges[np.searchsorted(edges, t1[snap])] + rng.integers(-1, 2, int(snap.sum()))
    t1[snap] = np.maximum(t0[snap], near)
    peer_elapsed = [
        int(rule.difference(utc(int(a)), utc(int(b))).timedelta.total_seconds()) for a, b in zip(t0, t1, strict=True)
    ]
    ours = clock.elapsed(t0, t1)
    assert (
        mismatches(
            ours, peer_elapsed, lambda i: f"{utc(int(t0[i]))} -> {utc(int(t1[i]))}: {ours[i]} vs {peer_elapsed[i]}"
        )
        == []
    )

    n = PER_CALENDAR // 2
    starts = random_instants(rng, clock, n)
    targets = rng.integers(1, 32 * 3600, n)
    targets[: n // 10] = rng.choice([1800, 3600, 4 * 3600, 8 * 3600], n // 10)
    peer_due = [
        int((utc(int(a)) + btd.BusinessTimeDelta(rule, seconds=int(x))).timestamp())
        for a, x in zip(starts, targets, strict=True)
    ]
    due = clock.deadline(starts, targets)
    assert (
        mismatches(
            due, peer_due, lambda i: f"{utc(int(starts[i]))} + {targets[i]} s: {utc(int(due[i]))} vs {utc(peer_due[i])}"
        )
        == []
    )
