"""Properties of the business clock that hold for any working time and any tickets.

- elapsed time is additive over any split point, and equals counting seconds one by one;
- deadline(start, elapsed(start, t)) = t for t inside service hours (and for t = start);
- elapsed and deadline are monotonic, and the deadline is the earliest instant reaching
  the target;
- with pauses, elapsed time and deadlines equal a second-by-second reference, and a batch
  of tickets gives what each ticket gives alone;
- on calendars expanded through daylight saving changes in both directions (with shifts
  crossing midnight) the same hold, and business days equal a per-ticket zoneinfo reference;
- local wall time converts to and from instants as zoneinfo does;
- the grid index behind the look-ups answers as ``searchsorted`` does.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from slmo.calendars import HolidayCalendarExpander
from slmo.core.engine.clock import BusinessClock
from slmo.core.engine.clock_days import WorkingDays
from slmo.core.engine.clock_index import SortedIndex
from slmo.core.engine.clock_pauses import Pauses
from slmo.core.engine.clock_zone import LocalTime
from slmo.core.model.calendar import Calendar, TimeRange, Weekday
from slmo.core.model.text import LocalizedText

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ZONES = ["Europe/London", "America/New_York", "Asia/Riyadh", "Australia/Lord_Howe", "America/Santiago"]
expander = HolidayCalendarExpander()


@st.composite
def small_clocks(draw: st.DrawFn) -> tuple[BusinessClock, NDArray[np.bool_]]:
    """A clock over [0, span) with random working intervals, and its per-second mask."""
    pieces = draw(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 40)), min_size=1, max_size=12))
    edges, t = [], 0
    for gap, length in pieces:
        edges.append((t + gap, t + gap + length))
        t += gap + length
    span = t + draw(st.integers(0, 40))
    mask = np.zeros(span, dtype=bool)
    for a, b in edges:
        mask[a:b] = True
    return BusinessClock([a for a, _ in edges], [b for _, b in edges], span=(0, span)), mask


def reference_elapsed(mask: NDArray[np.bool_], paused: NDArray[np.bool_], a: int, b: int) -> int:
    return int(np.sum(mask[a:b] & ~paused[a:b]))


def reference_deadline(mask: NDArray[np.bool_], paused: NDArray[np.bool_], a: int, x: int) -> int | None:
    counted = np.cumsum(mask[a:] & ~paused[a:])
    if x == 0:
        return a
    hits = np.flatnonzero(counted >= x)
    return a + int(hits[0]) + 1 if hits.size else None


@SETTINGS
@given(small_clocks(), st.data())
def test_elapsed_is_additive_and_counts_seconds(
    clocked: tuple[BusinessClock, NDArray[np.bool_]], data: st.DataObject
) -> None:
    clock, mask = clocked
    points = st.integers(0, mask.size)
    a, b, c = data.draw(points), data.draw(points), data.draw(points)
    ab, bc, ac = (int(clock.elapsed(x, y)) for x, y in ((a, b), (b, c), (a, c)))
    assert ac == ab + bc
    lo, hi = min(a, c), max(a, c)
    assert int(clock.elapsed(lo, hi)) == int(mask[lo:hi].sum())


@SETTINGS
@given(small_clocks(), st.data())
def test_deadline_inverts_elapsed_inside_service_hours(
    clocked: tuple[BusinessClock, NDArray[np.bool_]], data: st.DataObject
) -> None:
    clock, mask = clocked
    start = data.draw(st.integers(0, mask.size))
    # Instants "inside" working time: t in (s, e], where elapsed strictly increases up to t.
    inside = [t for t in range(start + 1, mask.size + 1) if mask[t - 1]] + [start]
    t = data.draw(st.sampled_from(inside))
    assert int(clock.deadline(start, clock.elapsed(start, t))) == t


@SETTINGS
@given(small_clocks(), st.data())
def test_monotonic_and_earliest(clocked: tuple[BusinessClock, NDArray[np.bool_]], data: st.DataObject) -> None:
    clock, mask = clocked
    instants = np.sort(np.asarray(data.draw(st.lists(st.integers(0, mask.size), min_size=2, max_size=20))))
    assert np.all(np.diff(clock.cumulative(instants)) >= 0)
    start = data.draw(st.integers(0, mask.size))
    room = int(clock.elapsed(start, mask.size))
    targets = np.sort(np.asarray(data.draw(st.lists(st.integers(0, room), min_size=2, max_size=20))))
    due = clock.deadline(np.full(targets.size, start), targets)
    assert np.all(np.diff(due) >= 0)
    assert clock.elapsed(np.full(targets.size, start), due).tolist() == targets.tolist()
    positive = targets > 0
    starts = np.full(int(positive.sum()), start)
    assert np.all(clock.elapsed(starts, due[positive] - 1) < targets[positive])
    # Later starts never have earlier deadlines for the same target.
    x = int(targets[0])
    later = np.arange(start, mask.size + 1)
    reachable = later[clock.elapsed(later, np.full(later.size, mask.size)) >= x]
    assert np.all(np.diff(clock.deadline(reachable, x)) >= 0)


@SETTINGS
@given(small_clocks(), st.data())
def test_pauses_match_a_second_by_second_reference(
    clocked: tuple[BusinessClock, NDArray[np.bool_]], data: st.DataObject
) -> None:
    clock, mask = clocked
    n = data.draw(st.integers(1, 5))
    points = st.integers(0, mask.size)
    t0 = np.asarray([data.draw(points) for _ in range(n)])
    t1 = np.asarray([data.draw(st.integers(int(a), mask.size)) for a in t0])
    raw = data.draw(st.lists(st.tuples(st.integers(0, n - 1), points, st.integers(0, 30)), max_size=12))
    pauses = Pauses.of([s for _, s, _ in raw], [s + d for _, s, d in raw], [o for o, _, _ in raw])
    got = clock.elapsed_with_pauses(t0, t1, pauses)
    targets = np.asarray([data.draw(st.integers(0, 40)) for _ in range(n)])
    expected_due: list[int | None] = []
    for i in range(n):
        paused = np.zeros(mask.size, dtype=bool)
        for o, s, d in raw:
            if o == i:
                paused[s : s + d] = True
        assert int(got[i]) == reference_elapsed(mask, paused, int(t0[i]), int(t1[i]))
        expected_due.append(reference_deadline(mask, paused, int(t0[i]), int(targets[i])))
        # One ticket alone gives what it gives in the batch.
        alone = Pauses.of(
            [s for o, s, _ in raw if o == i], [s + d for o, s, d in raw if o == i], [0] * sum(o == i for o, _, _ in raw)
        )
        assert int(clock.elapsed_with_pauses(t0[i : i + 1], t1[i : i + 1], alone)[0]) == int(got[i])
    reachable = np.asarray([d is not None for d in expected_due])
    if reachable.any():
        keep = np.flatnonzero(reachable)
        owners = {int(k): j for j, k in enumerate(keep)}
        kept = [(owners[o], s, d) for o, s, d in raw if o in owners]
        sub = Pauses.of([s for _, s, _ in kept], [s + d for _, s, d in kept], [o for o, _, _ in kept])
        due = clock.deadline_with_pauses(t0[keep], targets[keep], sub)
        assert due.tolist() == [expected_due[k] for k in keep]


def weekly_calendar(draw: st.DrawFn) -> Calendar:
    hours: list[tuple[Weekday, tuple[TimeRange, ...]]] = []
    for day in Weekday:
        start = draw(st.integers(0, 47)) * 30
        length = draw(st.integers(0, 20)) * 30
        # One range a day; some cross midnight and may overlap the next day's (merged by the clock).
        if length:
            hours.append((day, (TimeRange(start=start, end=(start + length) % 1440),)))
    if not hours:
        hours.append((Weekday.WED, (TimeRange(start=540, end=1020),)))
    return Calendar(
        name="w", display_name=LocalizedText.plain("w"), time_zone=draw(st.sampled_from(ZONES)), hours=tuple(hours)
    )


# Three weeks around each daylight saving change of 2025 in the zones above.
AROUND = [dt.date(2025, 3, 20), dt.date(2025, 3, 30), dt.date(2025, 10, 20), dt.date(2025, 10, 30)]


@st.composite
def expanded(draw: st.DrawFn) -> tuple[Calendar, BusinessClock, dt.date, dt.date]:
    cal = weekly_calendar(draw)
    first = draw(st.sampled_from(AROUND))
    last = first + dt.timedelta(days=21)
    span = tuple(int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp()) for d in (first, last))
    clock = BusinessClock(*expander.service_intervals(cal, span[0], span[1]), span=(span[0], span[1]), name="w")
    return cal, clock, first, last


@SETTINGS
@given(expanded(), st.data())
def test_properties_hold_on_expanded_calendars_through_daylight_saving(
    found: tuple[Calendar, BusinessClock, dt.date, dt.date], data: st.DataObject
) -> None:
    _, clock, _, _ = found
    lo, hi = clock.span
    t = np.sort(np.asarray(data.draw(st.lists(st.integers(lo, hi), min_size=3, max_size=3))))
    a, b, c = (int(x) for x in t)
    assert int(clock.elapsed(a, c)) == int(clock.elapsed(a, b)) + int(clock.elapsed(b, c))
    k = data.draw(st.integers(0, clock.starts.size - 1))
    inside = data.draw(st.integers(int(clock.starts[k]) + 1, int(clock.ends[k])))
    start = min(a, inside)
    assert int(clock.deadline(start, clock.elapsed(start, inside))) == inside


def reference_after(cal: Calendar, t0: int, n: int) -> int:
    """Business days one ticket at a time with datetime and zoneinfo, as docs/clock.md states them."""
    tz = zoneinfo.ZoneInfo(cal.time_zone)
    local = dt.datetime.fromtimestamp(t0, tz)

    def spans(day: dt.date) -> list[tuple[int, int]]:
        return [s for r in cal.hours_on(Weekday(day.weekday())) for s in r.spans()]

    def wall(day: dt.date, minutes: int) -> int:
        return int(
            (dt.datetime(day.year, day.month, day.day) + dt.timedelta(minutes=minutes)).replace(tzinfo=tz).timestamp()
        )

    day, time_of_day = local.date(), local.replace(tzinfo=None) - dt.datetime.combine(local.date(), dt.time())
    if not spans(day):
        while not spans(day):
            day += dt.timedelta(days=1)
        time_of_day = dt.timedelta(minutes=min(s for s, _ in spans(day)))
    for _ in range(n):
        day += dt.timedelta(days=1)
        while not spans(day):
            day += dt.timedelta(days=1)
    moved = int((dt.datetime.combine(day, dt.time()) + time_of_day).replace(tzinfo=tz).timestamp())
    return min(moved, wall(day, max(e for _, e in spans(day))))


@SETTINGS
@given(expanded(), st.data())
def test_business_days_equal_a_per_ticket_reference(
    found: tuple[Calendar, BusinessClock, dt.date, dt.date], data: st.DataObject
) -> None:
    cal, clock, first, last = found
    days = WorkingDays.from_calendar(cal, {}, first - dt.timedelta(days=3), last + dt.timedelta(days=30))
    t0 = np.asarray(data.draw(st.lists(st.integers(*clock.span), min_size=1, max_size=8)))
    n = np.asarray(data.draw(st.lists(st.integers(1, 3), min_size=t0.size, max_size=t0.size)))
    assert days.after(t0, n).tolist() == [reference_after(cal, int(a), int(k)) for a, k in zip(t0, n, strict=True)]


@SETTINGS
@given(st.sampled_from([*ZONES, "Asia/Tehran", "Pacific/Chatham", "UTC"]), st.data())
def test_local_time_converts_as_zoneinfo_does(name: str, data: st.DataObject) -> None:
    tz = zoneinfo.ZoneInfo(name)
    lo, hi = 1_700_000_000, 1_800_000_000
    local = LocalTime(name, (lo, hi))
    t = np.asarray(data.draw(st.lists(st.integers(lo, hi), min_size=1, max_size=30)))
    walls = local.wall(t)
    assert walls.tolist() == [int(dt.datetime.fromtimestamp(int(x), tz).replace(tzinfo=dt.UTC).timestamp()) for x in t]
    # Wall times near the offset changes too, where gaps and repeats are.
    w = walls + np.asarray(data.draw(st.lists(st.integers(-7200, 7200), min_size=t.size, max_size=t.size)))
    expected = [int(dt.datetime.fromtimestamp(int(x), dt.UTC).replace(tzinfo=tz).timestamp()) for x in w]
    assert local.instant(w).tolist() == expected


@SETTINGS
@given(
    st.lists(st.integers(1, 5_000), min_size=1, max_size=60),
    st.lists(st.integers(0, 400_000), min_size=1, max_size=50),
    st.sampled_from([1, 1_000, 1_000_000_000]),
)
def test_the_grid_index_answers_as_searchsorted_does(gaps: list[int], offsets: list[int], stretch: int) -> None:
    # Keys bunched at one end and spread at the other; ``stretch`` pushes the last key far
    # away, which makes some grids too coarse and others too large (searchsorted then).
    keys = np.cumsum(np.asarray([-7, *gaps], dtype=np.int64))
    keys[-1] += stretch
    index = SortedIndex(keys)
    t = keys[0] + np.asarray(offsets, dtype=np.int64) * max(1, stretch // 100_000)
    assert index.last(t).tolist() == (np.searchsorted(keys, t, side="right") - 1).tolist()


def test_bunched_keys_fall_back_to_searchsorted() -> None:
    keys = np.asarray([0, 1, 2, 3, 1_000_000_000], dtype=np.int64)
    index = SortedIndex(keys)
    assert not index.gridded
    assert index.last(np.asarray([0, 2, 999, 1_000_000_000, 2_000_000_000])).tolist() == [0, 2, 3, 4, 4]
    assert SortedIndex(np.asarray([5, 100, 200, 300], dtype=np.int64)).gridded
