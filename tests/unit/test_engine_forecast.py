"""The attainment forecast (``core.engine.forecast``), on cases worked by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from slmo.core.engine.forecast import (
    DAY,
    forecast_objective,
    forecast_span,
    seasonal_naive_attainment,
    simulate_attainments,
    summarise,
)
from slmo.core.engine.grid import BucketGrid
from slmo.core.model.objective import Objective, Window, WindowUnit
from slmo.core.model.text import LocalizedText


def _utc(text: str) -> int:
    return int(dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp())


def test_identical_days_give_one_value_worked_by_hand() -> None:
    # Known so far 50 good of 50; every past day 90 good of 100; two days to come:
    # (50 + 2 * 90) / (50 + 2 * 100) = 230 / 250 = 0.92 in every draw.
    draws = simulate_attainments([90.0] * 10, [100.0] * 10, known_good=50, known_total=50, future_days=2.0)
    assert np.allclose(draws, 0.92)
    summary = summarise(draws, target=0.95)
    assert summary.expected == pytest.approx(0.92)
    assert summary.breach_probability == 1.0
    assert summary.intervals[0].low == pytest.approx(0.92) and summary.intervals[1].high == pytest.approx(0.92)
    assert summarise(draws, target=0.92).breach_probability == 0.0  # at target is met, as in status


def test_half_a_day_counts_half_of_the_drawn_day() -> None:
    # 1.5 days to come, every past day 8 good of 10: (0 + 1.5 * 8) / (0 + 1.5 * 10) = 0.8.
    draws = simulate_attainments([8.0] * 7, [10.0] * 7, known_good=0, known_total=0, future_days=1.5)
    assert np.allclose(draws, 0.8)


def test_the_partial_day_is_the_same_stretch_of_the_drawn_day() -> None:
    # Whole past days 10 of 10, but their first half (the stretch still to come) 0 of 5:
    # known 10 of 10, half a day to come -> (10 + 0) / (10 + 5) = 2/3 in every draw.
    draws = simulate_attainments(
        [10.0] * 7, [10.0] * 7, known_good=10, known_total=10, future_days=0.5, partial=([0.0] * 7, [5.0] * 7)
    )
    assert np.allclose(draws, 2 / 3)


def test_a_quiet_weekday_stays_quiet() -> None:
    # 14 past days; day i - 14 = j (mod 7) has future day j's weekday. Days with i % 7 == 3
    # (the weekday of future day 3) counted nothing; the others 100 events, 1 bad. Seven days
    # to come: six days of 99/100 and one of 0/0 whatever is drawn -> 594 / 600 = 0.99.
    good = [0.0 if i % 7 == 3 else 99.0 for i in range(14)]
    total = [0.0 if i % 7 == 3 else 100.0 for i in range(14)]
    draws = simulate_attainments(good, total, known_good=0, known_total=0, future_days=7.0)
    assert np.allclose(draws, 0.99)


def test_a_bad_day_in_the_history_spreads_the_forecast() -> None:
    # 28 past days of 100/100 but one of 0/100; 7 days to come, nothing known. A draw holds
    # that bad day at most once per drawn week: its attainment is 1 or 600/700.
    good = [100.0] * 28
    good[20] = 0.0
    draws = simulate_attainments(good, [100.0] * 28, known_good=0, known_total=0, future_days=7.0, draws=4000)
    values = set(np.round(draws, 12).tolist())
    assert values == {1.0, round(600 / 700, 12)}
    # Draws reading the last 2 or 7 days (26-27, 21-27) never hold day 20; those reading 14
    # draw one of the weeks 14-20 and 21-27 (1/2), those reading 28 one of four (1/4); each
    # span a quarter of the draws: (0 + 0 + 1/2 + 1/4) / 4 = 0.1875.
    assert float(np.mean(draws < 0.99)) == pytest.approx(0.1875, abs=0.03)


def test_nothing_known_and_no_history_has_no_figures() -> None:
    draws = simulate_attainments([], [], known_good=0, known_total=0, future_days=3.0)
    assert np.isnan(draws).all()
    assert summarise(draws, 0.99).expected is None


def test_bad_history_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="equal 1-d"):
        simulate_attainments([1.0, 2.0], [1.0], known_good=0, known_total=0, future_days=1.0)


def test_seasonal_naive_repeats_last_week_worked_by_hand() -> None:
    # 7 past days; day k has k good of 10. Two days to come, phase 0: future day 0 is past
    # day 0 (one week earlier), day 1 past day 1: (5 + 0 + 1) / (10 + 10 + 10) = 0.2.
    good = [float(k) for k in range(7)]
    assert seasonal_naive_attainment(good, [10.0] * 7, known_good=5, known_total=10, future_days=2.0) == pytest.approx(
        0.2
    )
    assert np.isnan(seasonal_naive_attainment(good[:3], [10.0] * 3, known_good=0, known_total=0, future_days=1.0))


def test_a_rolling_window_is_forecast_at_the_end_of_the_month() -> None:
    window = Window(length=7, unit=WindowUnit.DAY, rolling=True, time_zone="Asia/Riyadh")
    span = forecast_span(window, _utc("2026-11-10T12:00:00"))
    # November ends at 2026-12-01 00:00 in Riyadh (UTC+3): 2026-11-30T21:00Z; 7 days before.
    assert span.end == _utc("2026-11-30T21:00:00")
    assert span.end - span.start == 7 * DAY
    calendar = Window(length=1, unit=WindowUnit.MONTH, rolling=False, time_zone="UTC")
    month = forecast_span(calendar, _utc("2026-11-10T12:00:00"))
    assert (month.start, month.end) == (_utc("2026-11-01T00:00:00"), _utc("2026-12-01T00:00:00"))


def _objective(target: float = 0.99) -> Objective:
    return Objective(
        name="avail",
        display_name=LocalizedText(en="avail"),
        indicator="ind",
        target=target,
        window=Window(length=1, unit=WindowUnit.WEEK, rolling=False, time_zone="UTC"),
    )


def test_forecast_objective_on_a_grid_worked_by_hand() -> None:
    # Hourly buckets from Monday 2026-10-05; every hour 100 events, 1 bad, except that the
    # week of 2026-11-02 had every hour perfect so far. At Thursday 2026-11-05 00:00 the week
    # has 3 days known (7,200 good of 7,200) and 4 days to come, each drawn past day
    # 2,376 good of 2,400 in every past week: (7,200 + 4 * 2,376) / (7,200 + 4 * 2,400)
    # = 16,704 / 16,800 = 0.994285714...
    start = _utc("2026-10-05T00:00:00")
    at = _utc("2026-11-05T00:00:00")
    hours = (at - start) // 3600
    good = np.full(hours, 99, dtype=np.int64)
    total = np.full(hours, 100, dtype=np.int64)
    week = (_utc("2026-11-02T00:00:00") - start) // 3600
    good[week:] = 100
    grid = BucketGrid.of(start, 3600, good, total)
    forecast = forecast_objective(_objective(), grid, at)
    # The draws that read only the last 2 days (Tue and Wed of this perfect week) give 1.0.
    assert forecast.known == 1.0
    assert forecast.remaining_days == 4.0
    assert forecast.history_days == 28
    low, high = 16_704 / 16_800, 1.0
    assert forecast.interval_95 is not None
    assert forecast.interval_95.low == pytest.approx(low)
    assert forecast.interval_95.high <= high
    assert forecast.expected is not None and low <= forecast.expected <= high
    assert forecast.breach_probability == 0.0  # even the worst draw (99.43 %) meets 99 %
    assert forecast.window_end == dt.datetime(2026, 11, 9, tzinfo=dt.UTC)
    # With a 99.5 % target a draw breaches when its 4 days hold under 9,516 good
    # (0.995 * 16,800 - 7,200), that is when all 4 are ordinary (2,376 each). Each draw reads
    # the last 2, 7, 14 or 28 days, a quarter each: the last 2 (Tue, Wed) are perfect: never;
    # the last 7 (4 ordinary days of 7, drawn one by one): (4/7)^4 = 0.1066; 14 and 28 draw
    # whole weeks, whose Thu to Sun were all ordinary: always. (0 + 0.1066 + 1 + 1) / 4 = 0.527.
    tighter = forecast_objective(_objective(0.995), grid, at)
    assert tighter.breach_probability == pytest.approx(0.527, abs=0.04)
