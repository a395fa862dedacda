"""How good a forecast was: interval coverage, mean absolute error, and the seasonal-naive
forecast it has to beat.

Sources: Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.),
section 5.2 (the seasonal naive method: each step takes the value of the same season in
the last observed season), 5.8 (mean absolute error; MASE scales it by the in-sample
seasonal-naive error, after Hyndman & Koehler 2006) and 5.9 (a prediction interval's
coverage: the share of later truths inside it, which for an honest 80 % interval should be
near 0.8).

Pairs where the truth or the forecast is missing (NaN) are left out of every measure: a gap
in the record says nothing about the forecast. A measure over nothing is NaN.

Pure numpy, no I/O; the units are those of the series.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def _pairs(*arrays: ArrayLike) -> tuple[NDArray[np.float64], ...]:
    values = [np.asarray(a, dtype=np.float64).ravel() for a in arrays]
    shapes = {v.shape for v in values}
    if len(shapes) != 1:
        raise ValueError(f"arrays of different lengths: {[v.size for v in values]}")
    known = np.logical_and.reduce([np.isfinite(v) for v in values])
    return tuple(v[known] for v in values)


def interval_coverage(truth: ArrayLike, low: ArrayLike, high: ArrayLike) -> float:
    """Share of truths within ``[low, high]``, both ends included; NaN when nothing to judge."""
    y, lo, hi = _pairs(truth, low, high)
    if y.size == 0:
        return float("nan")
    return float(np.mean((y >= lo) & (y <= hi)))


def mean_absolute_error(truth: ArrayLike, forecast: ArrayLike) -> float:
    """``mean |truth - forecast|`` in the series' unit; NaN when nothing to judge."""
    y, f = _pairs(truth, forecast)
    if y.size == 0:
        return float("nan")
    return float(np.mean(np.abs(y - f)))


def seasonal_naive(history: ArrayLike, season: int, horizon: int) -> NDArray[np.float64]:
    """The value one season ago for each step ``h = 1..horizon`` after the end of ``history``:
    ``y[T + h] = y[T + h - s * (floor((h - 1) / s) + 1)]`` (FPP3 5.2), so a horizon longer than a
    season repeats the last observed season. A gap one season ago stays a gap (NaN)."""
    if season < 1:
        raise ValueError(f"season must be at least 1, got {season}")
    if horizon < 0:
        raise ValueError(f"horizon must not be negative, got {horizon}")
    y = np.asarray(history, dtype=np.float64).ravel()
    if y.size < season:
        raise ValueError(f"a seasonal-naive forecast needs one whole season ({season}) of history, got {y.size}")
    last_season = y[y.size - season :]
    return last_season[np.arange(horizon) % season].copy()


def seasonal_naive_scale(history: ArrayLike, season: int) -> float:
    """The in-sample one-step seasonal-naive error, ``mean |y[t] - y[t - s]|`` over ``t > s``:
    the denominator of MASE (Hyndman & Koehler 2006). NaN when the history is shorter than a
    season plus one."""
    if season < 1:
        raise ValueError(f"season must be at least 1, got {season}")
    y = np.asarray(history, dtype=np.float64).ravel()
    if y.size <= season:
        return float("nan")
    return mean_absolute_error(y[season:], y[:-season])


def mase(truth: ArrayLike, forecast: ArrayLike, history: ArrayLike, season: int) -> float:
    """Mean absolute scaled error: the forecast's MAE over ``seasonal_naive_scale(history)``;
    below 1 beats the in-sample seasonal-naive forecast. When the history is exactly seasonal
    (scale 0): 0 for an exact forecast, infinite otherwise."""
    error = mean_absolute_error(truth, forecast)
    return _ratio(error, seasonal_naive_scale(history, season), exact=0.0)


def error_ratio(truth: ArrayLike, forecast: ArrayLike, reference: ArrayLike) -> float:
    """``MAE(forecast) / MAE(reference)`` over the same truths, typically the seasonal-naive
    forecast made from the same history: below 1 the forecast is better. Pairs where any of
    the three is missing are left out of both, so the two errors are measured on the same
    steps. 1 when both are exact; infinite when only the reference is."""
    y, f, r = _pairs(truth, forecast, reference)
    if y.size == 0:
        return float("nan")
    return _ratio(float(np.mean(np.abs(y - f))), float(np.mean(np.abs(y - r))), exact=1.0)


def skill_score(truth: ArrayLike, forecast: ArrayLike, reference: ArrayLike) -> float:
    """``1 - error_ratio``: the share of the reference's error the forecast removes (0 no
    better, negative worse, 1 exact)."""
    return 1.0 - error_ratio(truth, forecast, reference)


def _ratio(error: float, scale: float, exact: float) -> float:
    if np.isnan(error) or np.isnan(scale):
        return float("nan")
    if scale == 0:
        return exact if error == 0 else float("inf")
    return error / scale
