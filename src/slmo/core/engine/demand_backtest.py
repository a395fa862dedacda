"""Rolling-origin backtest of demand forecasts (FPP3 section 5.10, "time series
cross-validation"): at each origin the forecaster sees only the steps before it, forecasts the
next ``horizon`` steps, and is judged on what came. The seasonal-naive forecast from the same
history is judged on the same steps, so the error ratio compares like with like.

The forecaster is a plain callable (the ``DemandForecaster`` port's ``forecast``), so the
engine stays free of the statistics library; the bench and the integration test share this
loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from slmo.core.engine.forecast_accuracy import (
    error_ratio,
    interval_coverage,
    mean_absolute_error,
    seasonal_naive,
)
from slmo.core.model.demand import DemandForecast, DemandHistory, DemandMethod


@dataclass(frozen=True, kw_only=True)
class DemandBacktest:
    """What a backtest measured over every judged step of every origin: the share of truths
    inside the 80 and 95 % intervals, the forecast's and the seasonal-naive forecast's mean
    absolute errors (in the series' unit) and their ratio (below 1: better than naive).
    ``fallbacks`` counts origins where the forecaster fell back to the seasonal-naive method."""

    series: str
    horizon: int
    season: int
    origins: tuple[int, ...]
    steps: int
    coverage_80: float
    coverage_95: float
    mae: float
    naive_mae: float
    error_ratio: float
    fallbacks: int


def rolling_origins(length: int, first: int, horizon: int, count: int) -> list[int]:
    """``count`` origins spread evenly from ``first`` to the last one with a whole horizon of
    truth after it (fewer when there is not room for that many)."""
    last = length - horizon
    if last < first or count < 1:
        return []
    if count == 1:
        return [last]
    return sorted({int(o) for o in np.rint(np.linspace(first, last, count))})


def backtest_demand(
    history: DemandHistory,
    forecast: Callable[[DemandHistory, int], DemandForecast],
    origins: Sequence[int],
    horizon: int,
    season: int,
) -> DemandBacktest:
    """Forecast from ``history.before(origin)`` at each origin and judge the steps that follow
    (up to ``horizon``; gaps in the truth are left out). ``season`` is the seasonal-naive
    reference's period in steps (7 for days, 168 for hours)."""
    truths: list[np.ndarray] = []
    means: list[np.ndarray] = []
    naives: list[np.ndarray] = []
    bounds: dict[float, tuple[list[np.ndarray], list[np.ndarray]]] = {0.8: ([], []), 0.95: ([], [])}
    fallbacks = 0
    for origin in origins:
        known = history.before(origin)
        made = forecast(known, horizon)
        if made.method is DemandMethod.SEASONAL_NAIVE:
            fallbacks += 1
        truth = history.values[origin : origin + horizon]
        n = truth.shape[0]
        truths.append(truth)
        means.append(made.expected[:n])
        naives.append(seasonal_naive(known.values, season, horizon)[:n])
        for level, (lows, highs) in bounds.items():
            low, high = made.bounds(level)
            lows.append(low[:n])
            highs.append(high[:n])
    if not truths:
        raise ValueError(f"no origin to backtest {history.series!r} on")
    y = np.concatenate(truths)
    f = np.concatenate(means)
    r = np.concatenate(naives)
    return DemandBacktest(
        series=history.series,
        horizon=horizon,
        season=season,
        origins=tuple(origins),
        steps=int(np.isfinite(y).sum()),
        coverage_80=interval_coverage(y, np.concatenate(bounds[0.8][0]), np.concatenate(bounds[0.8][1])),
        coverage_95=interval_coverage(y, np.concatenate(bounds[0.95][0]), np.concatenate(bounds[0.95][1])),
        mae=mean_absolute_error(y, f),
        naive_mae=mean_absolute_error(y, r),
        error_ratio=error_ratio(y, f, r),
        fallbacks=fallbacks,
    )
