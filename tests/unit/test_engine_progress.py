"""A period point by point (``core.engine.progress``) and downtime with maintenance apart
(``core.engine.downtime``), computed by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from slmo.core.engine import BucketGrid, Span, evaluate, named_period
from slmo.core.engine.downtime import downtime
from slmo.core.engine.progress import day_ends, period_progress, progress
from slmo.core.model import Objective, Window
from slmo.core.model.objective import WindowUnit
from slmo.core.model.text import LocalizedText

DAY = 86_400


def utc(*args: int) -> int:
    return int(dt.datetime(*args, tzinfo=dt.UTC).timestamp())


def test_burn_down_is_a_share_of_the_whole_periods_budget() -> None:
    # Cumulative good/total at three points, target 90 %: the period allows 10 % of 300 = 30
    # bad; 10, 10 and then 20 were spent, so 2/3, 2/3 and 1/3 of it is left. Attainment to
    # date: 90/100, 190/200, 280/300.
    found = progress([90, 190, 280], [100, 200, 300], 0.9, [1, 2, 3])
    assert found.attainment.tolist() == pytest.approx([0.9, 0.95, 280 / 300])
    assert found.budget_left.tolist() == pytest.approx([1 - 10 / 30, 1 - 10 / 30, 1 - 20 / 30])


def test_nothing_counted_yet_is_not_a_number() -> None:
    early = progress([0, 50], [0, 50], 0.99, [1, 2])
    assert math.isnan(early.attainment[0]) and early.attainment[1] == 1.0
    assert early.budget_left.tolist() == [1.0, 1.0]
    nothing = progress([0, 0], [0, 0], 0.99, [1, 2])
    assert np.isnan(nothing.attainment).all() and np.isnan(nothing.budget_left).all()


def test_day_ends_are_local_midnights() -> None:
    riyadh = day_ends(named_period("2026-10", "Asia/Riyadh"), "Asia/Riyadh")
    assert len(riyadh) == 31
    assert riyadh[0] == utc(2026, 10, 1, 21) and riyadh[-1] == utc(2026, 10, 31, 21)
    # Paris leaves summer time on 25 October 2026: that day lasts 25 hours.
    october = named_period("2026-10", "Europe/Paris")
    paris = day_ends(october, "Europe/Paris")
    lengths = np.diff([october.start, *paris.tolist()])
    assert len(paris) == 31 and sorted(set(lengths.tolist())) == [DAY, DAY + 3600]
    assert lengths[24] == DAY + 3600  # 25 October
    # A period still running stops at the instant given, inside its day.
    running = day_ends(named_period("2026-10", "UTC"), "UTC", until=utc(2026, 10, 3, 12))
    assert running.tolist() == [utc(2026, 10, 2), utc(2026, 10, 3), utc(2026, 10, 3, 12)]


def test_period_progress_from_the_engines_own_tally() -> None:
    # October 2026 in UTC, measured for its first three days: 10 requests a minute, all good
    # but for one hour of day 2 with none good (600 bad). Target 99 %.
    # Day 1: 14,400 counted, 0 bad: 100 %. Day 2: 28,800 counted, 600 bad: 97.9167 %.
    # Day 3: 43,200 counted, 600 bad: 98.6111 %. The period allows 1 % of 43,200 = 432 bad,
    # so the budget left is 1, then 1 - 600/432 = -0.3889, twice.
    minutes = 3 * 1440
    total = np.full(minutes, 10)
    good = total.copy()
    good[1440 + 600 : 1440 + 660] = 0
    start = utc(2026, 10, 1)
    grid = BucketGrid.of(start, 60, good, total)
    objective = Objective(
        name="requests",
        display_name=LocalizedText(en="Requests"),
        indicator="requests",
        target=0.99,
        window=Window(length=1, unit=WindowUnit.MONTH, rolling=False, time_zone="UTC"),
    )
    period = named_period("2026-10", "UTC")
    at = start + minutes * 60 - 1
    points = day_ends(period, "UTC", until=at + 1).tolist()
    found = period_progress(objective, grid, period, points, at=at, time_zone="UTC")
    assert found.total.tolist() == [14_400, 28_800, 43_200]
    assert found.attainment.tolist() == pytest.approx([1.0, 1 - 600 / 28_800, 1 - 600 / 43_200])
    assert found.budget_left.tolist() == pytest.approx([1.0, 1 - 600 / 432, 1 - 600 / 432])
    # The last point is the period's own evaluation.
    whole = evaluate(objective, grid, at, time_zone="UTC")
    assert found.attainment[-1] == pytest.approx(whole.attainment)
    assert found.budget_left[-1] == pytest.approx(whole.budget_left)


def test_downtime_counts_overlaps_once_and_maintenance_apart() -> None:
    # Outages [0, 100) and [50, 150): 150 s together. Maintenance [120, 200) covers 30 s of
    # them, which are shown apart: 120 s count.
    found = downtime([0, 50], [100, 150], [120], [200], Span(0, 1000))
    assert (found.total, found.in_maintenance, found.counted) == (150, 30, 120)
    # Clipped to the period [10, 140): 130 s of outage, 20 s of it in maintenance.
    clipped = downtime([0, 50], [100, 150], [120], [200], Span(10, 140))
    assert (clipped.total, clipped.in_maintenance, clipped.counted) == (130, 20, 110)
    assert downtime([], [], [120], [200], Span(0, 1000)).total == 0
