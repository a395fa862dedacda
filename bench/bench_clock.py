"""Business clock benchmark: elapsed business time and deadlines for 1,000,000 tickets with pauses.

The calendar is the Saudi week, Sunday to Thursday 08:00-16:00 in Asia/Riyadh, with Saudi
public holidays (the ``holidays`` package). Tickets open at random through 2025 and the first
half of 2026, stay open for hours to weeks, and have 0 to 4 pauses each ("waiting for
customer"), given as one flat batch in no particular order. Per ticket the clock computes:

- elapsed business seconds from opening to resolution, less its pauses;
- the deadline of its priority's target (4, 8, 16 or 40 business hours), pushed by pauses.

Target: at most 2 s for both on 1,000,000 tickets. The same work is done by the PyPI package
``businesstimedelta`` (the peer, one ticket at a time) on the first 10,000 tickets in the
same run, results compared to the second; target: at least 100 times faster per ticket.

    .venv/bin/python bench/bench_clock.py [--tickets 1000000] [--peer-tickets 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from slmo.calendars import HolidayCalendarExpander
from slmo.core.engine.clock import BusinessClock
from slmo.core.engine.clock_pauses import Pauses
from slmo.core.model.calendar import Calendar, CountryHolidays, TimeRange, Weekday
from slmo.core.model.text import LocalizedText

HOUR, DAY = 3600, 86_400
FIRST, LAST = dt.date(2024, 12, 1), dt.date(2026, 12, 31)
SAUDI_WEEK = (Weekday.SUN, Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU)
TARGETS = np.array([4, 8, 16, 40]) * HOUR
CALENDAR = Calendar(
    name="saudi-week",
    display_name=LocalizedText.plain("Saudi week"),
    time_zone="Asia/Riyadh",
    hours=tuple((d, (TimeRange(start=8 * 60, end=16 * 60),)) for d in SAUDI_WEEK),
    holiday_countries=(CountryHolidays(country="SA"),),
)


def epoch(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return min(times)


def tickets(n: int, seed: int = 11) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], Pauses]:
    """Opening, resolution, target seconds and the pauses of ``n`` tickets."""
    rng = np.random.default_rng(seed)
    t0 = rng.integers(epoch(dt.date(2025, 1, 1)), epoch(dt.date(2026, 7, 1)), n)
    t1 = t0 + np.minimum(rng.exponential(3 * DAY, n).astype(np.int64), 60 * DAY)
    target = TARGETS[rng.integers(0, TARGETS.size, n)]
    count = rng.choice(5, n, p=[0.35, 0.3, 0.2, 0.1, 0.05])
    owner = np.repeat(np.arange(n), count)
    starts = t0[owner] + (rng.random(owner.size) * (t1 - t0)[owner]).astype(np.int64)
    ends = starts + rng.exponential(8 * HOUR, owner.size).astype(np.int64)
    return t0, t1, target, Pauses.of(starts, ends, owner)


def peer_rule() -> Any:
    import businesstimedelta as btd
    import pytz

    tz = pytz.timezone(CALENDAR.time_zone)
    closed = {d for d, hours in HolidayCalendarExpander().closed_days(CALENDAR, FIRST, LAST).items() if hours is None}
    work = btd.WorkDayRule(
        start_time=dt.time(8), end_time=dt.time(16), working_days=[int(d) for d in SAUDI_WEEK], tz=tz
    )
    return btd.Rules([work, btd.HolidayRule(closed, tz=tz)])


def peer_ticket(rule: Any, t0: int, t1: int, target: int, pauses: list[tuple[int, int]]) -> tuple[int, int]:
    """One ticket the peer's way: merge its pauses, subtract their business time, walk to the deadline."""
    import businesstimedelta as btd

    def at(t: int) -> dt.datetime:
        return dt.datetime.fromtimestamp(t, dt.UTC)

    def business(a: int, b: int) -> int:
        return int(rule.difference(at(a), at(b)).timedelta.total_seconds()) if b > a else 0

    merged: list[list[int]] = []
    for s, e in sorted((max(s, t0), e) for s, e in pauses if e > max(s, t0)):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    elapsed = business(t0, t1) - sum(business(s, min(e, t1)) for s, e in merged if s < t1)
    left, now = target, t0
    for s, e in merged:
        if s > now:
            free = business(now, s)
            if free >= left:
                break
            left -= free
        now = max(now, e)
    due = int((at(now) + btd.BusinessTimeDelta(rule, seconds=left)).timestamp())
    return elapsed, due


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--peer-tickets", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t0, t1, target, pauses = tickets(args.tickets)
    span = (epoch(FIRST), epoch(LAST))
    expander = HolidayCalendarExpander()
    began = time.perf_counter()
    clock = BusinessClock(*expander.service_intervals(CALENDAR, *span), span=span, name=CALENDAR.name)
    build = time.perf_counter() - began
    print(f"calendar {CALENDAR.name}: {clock.starts.size:,} working intervals, {FIRST} to {LAST}")
    print(f"tickets: {args.tickets:,} with {len(pauses):,} pauses")
    print(f"build the clock (expand + cumulative sums):   {build * 1e3:8.1f} ms")

    elapsed_only = best_of(args.repeat, lambda: clock.elapsed(t0, t1))
    deadline_only = best_of(args.repeat, lambda: clock.deadline(t0, target))
    results: dict[str, NDArray[np.int64]] = {}

    def both() -> None:
        merged = pauses.merge()  # once for both calls
        results["elapsed"] = clock.elapsed_with_pauses(t0, t1, merged)
        results["due"] = clock.deadline_with_pauses(t0, target, merged)

    ours = best_of(args.repeat, both)
    print(f"elapsed, no pauses:                           {elapsed_only * 1e3:8.1f} ms")
    print(f"deadlines, no pauses:                         {deadline_only * 1e3:8.1f} ms")
    print(f"elapsed and deadlines with pauses:            {ours * 1e3:8.1f} ms   (target <= 2000 ms)")

    n = min(args.peer_tickets, args.tickets)
    rule = peer_rule()
    by_ticket: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for s, e, o in zip(pauses.starts.tolist(), pauses.ends.tolist(), pauses.owner.tolist(), strict=True):
        if o < n:
            by_ticket[o].append((s, e))
    began = time.perf_counter()
    peer = [peer_ticket(rule, int(t0[i]), int(t1[i]), int(target[i]), by_ticket[i]) for i in range(n)]
    peer_seconds = time.perf_counter() - began
    differ = sum((e, d) != (int(results["elapsed"][i]), int(results["due"][i])) for i, (e, d) in enumerate(peer))
    per_ours = ours / args.tickets
    per_peer = peer_seconds / n
    print(f"businesstimedelta, same work on {n:,} tickets: {peer_seconds * 1e3:8.1f} ms")
    print(f"per ticket: slmo {per_ours * 1e6:.3f} us, businesstimedelta {per_peer * 1e6:.1f} us")
    print(f"ratio: {per_peer / per_ours:,.0f}x faster per ticket   (target >= 100x)")
    print(f"results differing from the peer: {differ} of {n:,}")


if __name__ == "__main__":
    main()
