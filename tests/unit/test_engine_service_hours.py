"""A calendar month in Asia/Riyadh with Saudi service hours (Sunday to Thursday, 08:00-16:00).

October 2026 starts on a Thursday. Its Sunday-to-Thursday days: Sundays 4, 11, 18, 25;
Mondays 5, 12, 19, 26; Tuesdays 6, 13, 20, 27; Wednesdays 7, 14, 21, 28; Thursdays 1, 8,
15, 22, 29: 21 days x 8 hours = 168 service hours. Buckets and slices are one hour.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from slmo.core.engine.coverage import bucket_mask
from slmo.core.engine.evaluation import evaluate
from slmo.core.engine.grid import BucketGrid
from slmo.core.engine.windows import named_period
from slmo.core.model.calendar import Weekday
from slmo.core.model.objective import BudgetingMethod, Objective, TimeSlice, Window, WindowUnit
from slmo.core.model.results import EvaluationStatus
from slmo.core.model.text import LocalizedText

RIYADH = ZoneInfo("Asia/Riyadh")
OCTOBER = named_period("2026-10", "Asia/Riyadh")
HOURS = OCTOBER.seconds // 3600  # 744
WORKDAYS = {Weekday.SUN, Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU}


def at(day: int, hour: int = 0) -> int:
    return int(dt.datetime(2026, 10, day, hour, tzinfo=RIYADH).timestamp())


def service_hours() -> np.ndarray:
    days = [d for d in range(1, 32) if dt.date(2026, 10, d).weekday() in WORKDAYS]
    assert len(days) == 21
    return bucket_mask(OCTOBER.start, 3600, HOURS, [at(d, 8) for d in days], [at(d, 16) for d in days])


def month_series() -> BucketGrid:
    total = np.full(HOURS, 100)
    good = total.copy()
    good[(at(5, 10) - OCTOBER.start) // 3600] = 50  # Monday 5 October 10:00: half bad, in service
    good[(at(2, 10) - OCTOBER.start) // 3600] = 0  # Friday 2 October: all bad, but no service
    return BucketGrid.of(OCTOBER.start, 3600, good, total, service=service_hours())


def test_service_hours_month_by_hand() -> None:
    objective = Objective(
        name="desk",
        display_name=LocalizedText.plain("Service desk"),
        indicator="answered",
        target=0.99,
        window=Window(length=1, unit=WindowUnit.MONTH, rolling=False, time_zone="Asia/Riyadh"),
        budgeting=BudgetingMethod.TIMESLICES,
        time_slice=TimeSlice(seconds=3600, target=0.95),
    )
    found = evaluate(objective, month_series(), at(15), week_start=Weekday.SUN)
    assert found.window_start.timestamp() == OCTOBER.start
    assert found.window_end.timestamp() == OCTOBER.end
    # Before 15 October 00:00: ten service days (1, 4-8, 11-14) x 8 = 80 counted slices,
    # one bad (5 October 10:00); the Friday hour is outside service hours.
    assert (found.good, found.total) == (79, 80)
    # 79/80 = 0.9875 < 0.99: breached. Budget 0.01 * 80 = 0.8 slices, 1 spent: 1 - 1/0.8.
    assert found.status is EvaluationStatus.BREACHED
    assert found.budget_left == pytest.approx(-0.25)
    # In minutes of the whole month's service time: 0.01 * 168 h * 60 = 100.8 minutes,
    # 60 spent, 40.8 left.
    assert found.budget_minutes_total == pytest.approx(100.8)
    assert found.budget_minutes_spent == 60
    assert found.budget_minutes_left == pytest.approx(40.8)
    # The contributors: the one bad service hour spent the whole of what was spent.
    (hour,) = found.contributors
    assert hour.start.timestamp() == at(5, 10)
    assert (hour.budget_spent, hour.share) == (1.0, 1.0)


def test_occurrences_month_counts_service_events_only() -> None:
    objective = Objective(
        name="desk",
        display_name=LocalizedText.plain("Service desk"),
        indicator="answered",
        target=0.99,
        window=Window(length=1, unit=WindowUnit.MONTH, rolling=False, time_zone="Asia/Riyadh"),
    )
    found = evaluate(objective, month_series(), at(15))
    # 80 service hours x 100 events = 8,000; 50 bad: 7,950 / 8,000 = 0.99375.
    assert (found.good, found.total) == (7950, 8000)
    # Budget 80 events, spent 50, left 0.375: met, above the 0.25 threshold.
    assert found.budget_left == pytest.approx(0.375)
    assert found.status is EvaluationStatus.MET
