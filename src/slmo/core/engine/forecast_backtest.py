"""Honest accuracy of the attainment forecasts: forecast at many past instants from what was
known then, and compare with what the window's attainment turned out to be.

Each origin ``t`` forecasts the window of ``forecast_span`` from the grid's buckets before
``t`` only (the simulation never reads a later bucket: ``forecast_objective`` tallies up to
``t``); the truth is the same window's attainment at its end, from every bucket. Origins whose
window ends after the grid, or that have no history yet, are skipped. The naive seasonal
forecast (``seasonal_naive_attainment``: the rest of the window as it was one week earlier)
is computed at the same origins, so the two errors compare like with like.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from slmo.core.engine.forecast import (
    DAY,
    DRAWS,
    HISTORY_DAYS,
    day_blocks,
    forecast_objective,
    forecast_span,
    objective_tally,
    seasonal_naive_attainment,
)
from slmo.core.engine.forecast_accuracy import interval_coverage
from slmo.core.engine.grid import BucketGrid
from slmo.core.engine.windows import Span
from slmo.core.model.calendar import Weekday
from slmo.core.model.objective import Objective


@dataclass(frozen=True, eq=False)
class ForecastBacktest:
    """Per origin: the truth, the forecast's mean and intervals, its breach probability and
    the naive seasonal forecast (NaN where it has under a week of history)."""

    origins: NDArray[np.int64]
    truth: NDArray[np.float64]
    expected: NDArray[np.float64]
    low_80: NDArray[np.float64]
    high_80: NDArray[np.float64]
    low_95: NDArray[np.float64]
    high_95: NDArray[np.float64]
    breach_probability: NDArray[np.float64]
    naive: NDArray[np.float64]

    @property
    def count(self) -> int:
        return int(self.origins.size)

    def coverage(self, level: float) -> float:
        low, high = (self.low_80, self.high_80) if level == 0.80 else (self.low_95, self.high_95)
        return interval_coverage(self.truth, low, high)

    def errors(self) -> tuple[float, float]:
        """Mean absolute error of the forecast and of the naive seasonal forecast, over the
        origins where both exist."""
        both = ~np.isnan(self.naive)
        if not both.any():
            return math.nan, math.nan
        return (
            float(np.mean(np.abs(self.expected[both] - self.truth[both]))),
            float(np.mean(np.abs(self.naive[both] - self.truth[both]))),
        )


def backtest_forecasts(
    objective: Objective,
    grid: BucketGrid,
    origins: Iterable[int],
    *,
    time_zone: str | None = None,
    week_start: Weekday = Weekday.MON,
    history_days: int = HISTORY_DAYS,
    min_history_days: int = 7,
    draws: int = DRAWS,
) -> ForecastBacktest:
    rows: list[tuple[float, ...]] = []
    kept: list[int] = []
    for t in origins:
        span = forecast_span(objective.window, t, time_zone=time_zone, week_start=week_start)
        if span.end > grid.end or (t - grid.start) // DAY < min_history_days:
            continue
        truth = _attainment(objective, grid, span)
        forecast = forecast_objective(
            objective, grid, t, time_zone=time_zone, week_start=week_start, history_days=history_days, draws=draws
        )
        if truth is None or forecast.expected is None or forecast.interval_80 is None or forecast.interval_95 is None:
            continue
        naive = _naive(objective, grid, t, span, history_days)
        kept.append(t)
        rows.append(
            (
                truth,
                forecast.expected,
                forecast.interval_80.low,
                forecast.interval_80.high,
                forecast.interval_95.low,
                forecast.interval_95.high,
                forecast.breach_probability if forecast.breach_probability is not None else math.nan,
                naive,
            )
        )
    table = np.asarray(rows, dtype=np.float64).reshape(-1, 8)
    return ForecastBacktest(np.asarray(kept, dtype=np.int64), *(table[:, c].copy() for c in range(8)))


def _attainment(objective: Objective, grid: BucketGrid, span: Span) -> float | None:
    tally = objective_tally(objective, grid, span.end, first=span.start, anchor=span.start)
    good, total = (float(a[0, 0]) for a in tally.sums([span]))
    return good / total if total > 0 else None


def _naive(objective: Objective, grid: BucketGrid, t: int, span: Span, history_days: int) -> float:
    days = max(min(history_days, (t - grid.start) // DAY), 0)
    tally = objective_tally(
        objective, grid, t, first=max(min(t - days * DAY, span.start), grid.start), anchor=span.start
    )
    known_good, known_total = (float(a[0, 0]) for a in tally.sums([Span(span.start, max(span.start, t))]))
    good, total = day_blocks(tally, t, days)
    return seasonal_naive_attainment(
        good[0],
        total[0],
        known_good=known_good,
        known_total=known_total,
        future_days=(span.end - max(span.start, t)) / DAY,
        offset_days=max(span.start - t, 0) / DAY,
    )
