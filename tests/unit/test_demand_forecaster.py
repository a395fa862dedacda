"""The statsmodels demand forecaster on small synthetic series: which method it picks for which
history, intervals that nest and never go below zero, gaps, zeros, and short histories."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from slmo.core.model.demand import DAY, HOUR, DemandHistory, DemandMethod, DemandUnit
from slmo.forecasting.demand import StatsmodelsDemandForecaster

START = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
FORECASTER = StatsmodelsDemandForecaster()


def days(values: np.ndarray, unit: DemandUnit = DemandUnit.TICKETS) -> DemandHistory:
    return DemandHistory(series="desk", unit=unit, step_seconds=DAY, start=START, values=values.astype(np.float64))


def hours(values: np.ndarray) -> DemandHistory:
    return DemandHistory(
        series="api", unit=DemandUnit.EVENTS, step_seconds=HOUR, start=START, values=values.astype(np.float64)
    )


def weekly(n: int, seed: int = 1, level: float = 100) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = np.array([1.0, 1.1, 1.05, 1.0, 0.9, 0.3, 0.2])
    return rng.poisson(level * shape[np.arange(n) % 7]).astype(np.float64)


def hourly(n: int, seed: int = 2) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    rate = 30 * np.where((t // 24) % 7 >= 5, 0.4, 1.0) * (0.2 + np.sin(np.pi * (t % 24) / 24) ** 2)
    return rng.poisson(rate).astype(np.float64)


def check_shape(forecast_steps: int, made: object) -> None:
    from slmo.core.model.demand import DemandForecast

    assert isinstance(made, DemandForecast)
    assert len(made.steps) == forecast_steps
    for step in made.steps:
        assert 0 <= step.interval_95.low <= step.interval_80.low <= step.expected
        assert step.expected <= step.interval_80.high <= step.interval_95.high
        assert step.interval_80.level == 0.8 and step.interval_95.level == 0.95


def test_days_with_five_weeks_get_the_model_and_the_weekly_pattern() -> None:
    history = days(weekly(70))
    made = FORECASTER.forecast(history, 14)
    check_shape(14, made)
    assert made.method is DemandMethod.MODEL and made.seasons == (7,) and made.note is None
    assert made.history_steps == 70
    # Steps start where the history ends, a day apart.
    assert made.made_at == START + dt.timedelta(days=70)
    assert [s.start for s in made.steps[:2]] == [made.made_at, made.made_at + dt.timedelta(days=1)]
    # Day 70 is a Monday-like day (index 0 of the shape), day 75 a weekend-like one.
    assert made.steps[0].expected > 2 * made.steps[5].expected
    assert made.steps[0].expected == pytest.approx(100, rel=0.2)
    # The week's total has its own interval, around the sum of the steps.
    assert made.total is not None and made.total_steps == 7
    assert made.total.expected == pytest.approx(sum(s.expected for s in made.steps[:7]))
    assert made.total.interval_80.low < made.total.expected < made.total.interval_80.high


def test_the_forecast_reads_only_its_history() -> None:
    values = weekly(84)
    first = FORECASTER.forecast(days(values[:63]), 7)
    again = FORECASTER.forecast(days(values[:63].copy()), 7)
    assert first == again
    assert first.history_steps == 63


def test_a_short_history_falls_back_to_the_last_week_and_says_so() -> None:
    values = weekly(20)
    made = FORECASTER.forecast(days(values), 10)
    check_shape(10, made)
    assert made.method is DemandMethod.SEASONAL_NAIVE
    assert made.note == "demand.note.short_history"
    # The last week again: days 13..19, then 13..15.
    expected = [values[13 + i % 7] for i in range(10)]
    assert [s.expected for s in made.steps] == pytest.approx(expected)


def test_nothing_counted_forecasts_zero() -> None:
    made = FORECASTER.forecast(days(np.zeros(40)), 7)
    assert made.note == "demand.note.no_counts"
    assert all(s.expected == 0 and s.interval_95.high == 0 for s in made.steps)
    gaps = FORECASTER.forecast(days(np.full(40, np.nan)), 7)
    assert gaps.note == "demand.note.no_counts"


def test_zeros_and_gaps_keep_the_model_and_counts_stay_non_negative() -> None:
    values = weekly(63, level=3)  # many zero days
    values[[10, 11, 30, 50]] = np.nan
    made = FORECASTER.forecast(days(values), 14)
    check_shape(14, made)
    assert made.method is DemandMethod.MODEL
    assert all(np.isfinite(s.expected) for s in made.steps)


def test_negative_counts_are_taken_as_zero() -> None:
    values = weekly(42)
    values[5] = -3
    made = FORECASTER.forecast(days(values), 7)
    check_shape(7, made)


def test_hours_with_five_weeks_get_daily_and_weekly_seasonality() -> None:
    made = FORECASTER.forecast(hours(hourly(36 * 24)), 48)
    check_shape(48, made)
    assert made.method is DemandMethod.MODEL and made.seasons == (24, 168)
    assert made.total is not None and made.total_steps == 24
    values = [s.expected for s in made.steps[:24]]
    # Quiet at night, busy at noon.
    assert values[12] > 3 * values[0]


def test_hours_with_under_five_weeks_get_the_daily_pattern_only() -> None:
    made = FORECASTER.forecast(hours(hourly(10 * 24)), 24)
    check_shape(24, made)
    assert made.method is DemandMethod.MODEL and made.seasons == (24,)


def test_two_days_of_hours_fall_back_to_yesterday_again() -> None:
    values = hourly(48)
    made = FORECASTER.forecast(hours(values), 30)
    check_shape(30, made)
    assert made.method is DemandMethod.SEASONAL_NAIVE and made.seasons == (24,)
    assert [s.expected for s in made.steps[:24]] == pytest.approx(values[24:])


def test_other_steps_and_horizons_are_refused() -> None:
    with pytest.raises(ValueError, match="per hour or per day"):
        FORECASTER.forecast(
            DemandHistory(
                series="x", unit=DemandUnit.EVENTS, step_seconds=60, start=START, values=np.ones(100, dtype=np.float64)
            ),
            5,
        )
    with pytest.raises(ValueError, match="at least 1"):
        FORECASTER.forecast(days(weekly(40)), 0)
