"""Demand forecasts with statsmodels: counts per day with weekly seasonality, counts per hour
with daily and weekly seasonality, and prediction intervals calibrated on the method's own
errors (``docs/formulas.md``, "Demand forecasts"; ``docs/benchmarks.md`` for the measured
accuracy).

The method, chosen by backtests on the real series of ``../shared/data`` against the
alternatives tried (ETS with a seasonal state, STL with a damped trend, medians of past weeks,
MSTL on hours, and their averages):

- **Days** (FPP3 section 5.7, forecasting with decomposition): the counts are taken as
  ``log1p`` (seasonality is a multiple of the level; zeros stay finite); a robust STL with
  period 7 splits off the weekly pattern; the rest's outliers (holidays, outages) are clipped
  at 2.5 robust standard deviations of STL's remainder so that one odd day does not move the
  level; simple exponential smoothing (statsmodels ``SimpleExpSmoothing``) gives the level. The
  forecast is the level plus the last week of the seasonal pattern, back-transformed (a
  median, which is what the mean absolute error rewards).
- **Hours**, with five weeks of history or more: the daily forecast above, shared among the
  day's hours by the median share of each hour on the last five same weekdays (FPP3 section
  11.2, top-down with historical proportions). It is faster than MSTL and, on the hourly
  series measured, more accurate. With less than five weeks but five days or more, the same
  decomposition as for days with period 24 (daily seasonality only).
- **Intervals** (split conformal, after Vovk et al.; FPP3 section 5.5's empirical intervals
  in spirit): the method is fitted again on the history less its last six seasons, then run
  over those held-out seasons with its parameters and pattern frozen; the 10th and 90th (2.5th
  and 97.5th) percentiles of its errors there, on the ``log1p`` scale with all horizons pooled,
  widen the forecast into the 80 (95) % interval. Errors the method really made out of sample,
  not its in-sample residuals, which cover far too little (52 to 62 % for 80 % measured). The
  total over the first week (days) or day (hours) gets its own percentiles from the held-out
  totals.
- **Short history**: the seasonal-naive forecast (the last season again), with intervals from
  its own past errors (the season-on-season changes), and a note saying so.

Gaps (NaN) are filled with the value a season earlier (else the nearest known value) before
fitting and are left out of the calibration. statsmodels is imported inside the functions:
importing this module costs nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from slmo.core.model.demand import (
    DAY,
    HOUR,
    DemandForecast,
    DemandHistory,
    DemandMethod,
    DemandStep,
)
from slmo.core.model.forecast import Interval

logger = logging.getLogger(__name__)

FloatArray = NDArray[np.float64]

WEEK_DAYS = 7
DAY_HOURS = 24
# Seasons of history below which the model is not fitted: three to fit, two to calibrate on.
FIT_SEASONS = 3
MIN_SEASONS = 5
# Seasons held out to calibrate the intervals (fewer when the history is short).
HOLDOUT_SEASONS = 6
# STL's seasonal smoother span (odd), in seasons: the weekly pattern may drift over a quarter.
STL_SEASONAL = 13
# The remainder beyond this many robust standard deviations is an outlier, clipped.
CLIP_SIGMAS = 2.5
# Same weekdays whose hourly shares the hourly profile takes the median of.
PROFILE_WEEKS = 5
LEVELS = (0.8, 0.95)


@dataclass(frozen=True, eq=False)
class _Fit:
    seasonal: FloatArray
    alpha: float
    levels: FloatArray


@dataclass(frozen=True, eq=False)
class _Made:
    """A forecast on the ``log1p`` scale and the held-out errors that calibrate it."""

    z: FloatArray
    errors: FloatArray
    total_errors: FloatArray
    total_z: float


class StatsmodelsDemandForecaster:
    """The ``DemandForecaster`` port: days and hours, with the method above."""

    def forecast(self, history: DemandHistory, horizon: int) -> DemandForecast:
        if horizon < 1:
            raise ValueError(f"horizon must be at least 1 step, got {horizon}")
        values = np.clip(np.asarray(history.values, dtype=np.float64), 0, None)
        known = np.isfinite(values)
        hourly = history.step_seconds == HOUR
        if history.step_seconds not in (HOUR, DAY):
            raise ValueError(f"demand is forecast per hour or per day, not per {history.step_seconds} s")
        seasons = (DAY_HOURS, DAY_HOURS * WEEK_DAYS) if hourly else (WEEK_DAYS,)
        total_steps = DAY_HOURS if hourly else WEEK_DAYS
        if not known.any() or not np.nansum(values) > 0:
            return _flat(history, horizon, seasons, total_steps, "demand.note.no_counts")
        filled = _fill(values, seasons[0] if hourly else WEEK_DAYS)
        made: _Made | None = None
        if hourly and len(values) >= MIN_SEASONS * WEEK_DAYS * DAY_HOURS:
            made = _top_down(filled, known, horizon)
        elif len(values) >= MIN_SEASONS * seasons[0]:
            made = _decomposed(filled, known, seasons[0], horizon, total_steps)
        if made is None:
            return _naive(history, filled, known, horizon, seasons, total_steps)
        if hourly and len(values) < MIN_SEASONS * WEEK_DAYS * DAY_HOURS:
            seasons = (DAY_HOURS,)
        return _forecast(history, made, horizon, DemandMethod.MODEL, seasons, total_steps, None)


# -- the model ------------------------------------------------------------------------------


def _fit(z: FloatArray, period: int) -> _Fit:
    from statsmodels.tsa.holtwinters import SimpleExpSmoothing
    from statsmodels.tsa.seasonal import STL

    with warnings.catch_warnings():
        # A fit that stopped short of convergence is still a fit; the backtests judge it.
        warnings.simplefilter("ignore")
        return _fit_quietly(z, period, STL, SimpleExpSmoothing)


def _fit_quietly(z: FloatArray, period: int, stl: Any, smoother: Any) -> _Fit:
    decomposition = stl(z, period=period, seasonal=STL_SEASONAL, robust=True).fit()
    seasonal = np.asarray(decomposition.seasonal, dtype=np.float64)
    trend = np.asarray(decomposition.trend, dtype=np.float64)
    adjusted = z - seasonal
    rest = adjusted - trend
    spread = 1.4826 * float(np.median(np.abs(rest - np.median(rest))))
    if spread > 0:
        adjusted = trend + np.clip(rest, -CLIP_SIGMAS * spread, CLIP_SIGMAS * spread)
    if np.ptp(adjusted) == 0:
        return _Fit(seasonal, 0.0, np.full(z.shape, adjusted[0]))
    smoothing = smoother(adjusted, initialization_method="estimated").fit()
    alpha = float(smoothing.params["smoothing_level"])
    levels = _levels(adjusted, alpha, float(smoothing.params["initial_level"]))
    return _Fit(seasonal, alpha, levels)


def _levels(adjusted: FloatArray, alpha: float, level: float) -> FloatArray:
    out = np.empty_like(adjusted)
    for i, value in enumerate(adjusted):
        level += alpha * (value - level)
        out[i] = level
    return out


def _run_on(fit: _Fit, z: FloatArray, start: int, period: int) -> tuple[FloatArray, FloatArray]:
    """The level before each step from ``start`` on, run with ``fit``'s smoothing and the last
    season of its pattern frozen (what a forecaster fitted at ``start`` would have used), and
    that pattern for each of those steps."""
    pattern = fit.seasonal[-period:]
    level = float(fit.levels[-1])
    before = np.empty(z.shape[0] - start)
    for i in range(start, z.shape[0]):
        before[i - start] = level
        level += fit.alpha * ((z[i] - pattern[(i - start) % period]) - level)
    return before, pattern


def _holdout(n: int, period: int) -> int:
    return min(HOLDOUT_SEASONS * period, n - FIT_SEASONS * period)


def _decomposed(
    filled: FloatArray, known: NDArray[np.bool_], period: int, horizon: int, total_steps: int
) -> _Made | None:
    z = np.log1p(filled)
    n = z.shape[0]
    fit = _fit(z, period)
    forecast_z = fit.levels[-1] + fit.seasonal[-period:][np.arange(horizon) % period]
    held = _holdout(n, period)
    cut = n - held
    early = _fit(z[:cut], period)
    before, pattern = _run_on(early, z, cut, period)
    errors: list[float] = []
    totals: list[float] = []
    counts = filled
    for origin in range(cut, n):
        steps = np.arange(origin, min(n, origin + horizon))
        guess = before[origin - cut] + pattern[(steps - cut) % period]
        mask = known[steps]
        errors.extend((z[steps] - guess)[mask])
        if origin + total_steps <= n and known[origin : origin + total_steps].all():
            ahead = np.arange(origin, origin + total_steps)
            total = np.expm1(before[origin - cut] + pattern[(ahead - cut) % period]).clip(0).sum()
            totals.append(math.log1p(float(counts[ahead].sum())) - math.log1p(float(total)))
    total_z = math.log1p(float(np.expm1(forecast_z[:total_steps]).clip(0).sum()))
    return _Made(forecast_z, np.array(errors), np.array(totals), total_z)


def _top_down(filled: FloatArray, known: NDArray[np.bool_], horizon: int) -> _Made | None:
    """Hours as the daily forecast shared by each hour's median share on the same weekdays."""
    days_n = filled.shape[0] // DAY_HOURS
    offset = filled.shape[0] - days_n * DAY_HOURS  # a partial first day is dropped
    hours = filled[offset:].reshape(days_n, DAY_HOURS)
    seen = known[offset:].reshape(days_n, DAY_HOURS)
    daily = hours.sum(axis=1)
    z = np.log1p(daily)
    ahead_days = -(-horizon // DAY_HOURS)
    fit = _fit(z, WEEK_DAYS)
    day_z = fit.levels[-1] + fit.seasonal[-WEEK_DAYS:][np.arange(ahead_days) % WEEK_DAYS]
    shares = _shares(hours)
    hourly = np.expm1(day_z)[:, None].clip(0) * np.stack([shares[d % WEEK_DAYS] for d in range(ahead_days)])
    forecast_z = np.log1p(hourly.ravel()[:horizon])

    held = _holdout(days_n, WEEK_DAYS)
    cut = days_n - held
    early = _fit(z[:cut], WEEK_DAYS)
    before, pattern = _run_on(early, z, cut, WEEK_DAYS)
    early_shares = _shares(hours[:cut])
    errors: list[float] = []
    totals: list[float] = []
    for origin in range(cut, days_n):
        for d in range(origin, min(days_n, origin + ahead_days)):
            day_guess = math.expm1(before[origin - cut] + pattern[(d - cut) % WEEK_DAYS])
            guess = np.log1p(max(day_guess, 0.0) * early_shares[(d - cut) % WEEK_DAYS])
            errors.extend((np.log1p(hours[d]) - guess)[seen[d]])
        if seen[origin].all():
            day_guess = math.expm1(before[origin - cut] + pattern[(origin - cut) % WEEK_DAYS])
            totals.append(math.log1p(float(daily[origin])) - math.log1p(max(day_guess, 0.0)))
    total_z = math.log1p(float(np.expm1(forecast_z[:DAY_HOURS]).sum()))
    return _Made(forecast_z, np.array(errors), np.array(totals), total_z)


def _shares(hours: FloatArray) -> FloatArray:
    """Per weekday slot ``w`` (the days ``len - 7 + w``, ``len - 14 + w`` ...: the slot of the
    ``w``-th day after the history), the median share of each hour in its day's count."""
    days_n = hours.shape[0]
    sums = hours.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(sums > 0, hours / np.where(sums > 0, sums, 1), np.nan)
    out = np.full((WEEK_DAYS, DAY_HOURS), 1 / DAY_HOURS)
    for w in range(WEEK_DAYS):
        rows = np.arange(days_n - WEEK_DAYS + w, -1, -WEEK_DAYS)[:PROFILE_WEEKS]
        rows = rows[rows >= 0]
        if rows.size == 0 or not np.isfinite(share[rows]).any():
            continue
        profile = np.nanmedian(share[rows], axis=0)
        profile = np.where(np.isfinite(profile), profile, 0.0)
        if profile.sum() > 0:
            out[w] = profile / profile.sum()
    return out


# -- short history, nothing counted, gaps ---------------------------------------------------


def _naive(
    history: DemandHistory,
    filled: FloatArray,
    known: NDArray[np.bool_],
    horizon: int,
    seasons: tuple[int, ...],
    total_steps: int,
) -> DemandForecast:
    n = filled.shape[0]
    season = max((s for s in (*seasons, 1) if s <= n), default=1)
    season = min(season, seasons[0]) if n < seasons[-1] else season
    z = np.log1p(filled)
    forecast_z = z[n - season :][np.arange(horizon) % season]
    both = known[season:] & known[:-season]
    errors = (z[season:] - z[:-season])[both]
    totals = np.array([], dtype=np.float64)
    if n >= 2 * total_steps:
        sums = np.convolve(filled, np.ones(total_steps), mode="valid")
        totals = np.log1p(sums[total_steps:]) - np.log1p(sums[:-total_steps])
    total_z = math.log1p(float(np.expm1(forecast_z[:total_steps]).sum()))
    made = _Made(forecast_z, errors, totals, total_z)
    used = (season,) if season > 1 else ()
    return _forecast(
        history, made, horizon, DemandMethod.SEASONAL_NAIVE, used, total_steps, "demand.note.short_history"
    )


def _flat(
    history: DemandHistory, horizon: int, seasons: tuple[int, ...], total_steps: int, note: str
) -> DemandForecast:
    made = _Made(np.zeros(horizon), np.zeros(1), np.zeros(1), 0.0)
    return _forecast(history, made, horizon, DemandMethod.SEASONAL_NAIVE, seasons, total_steps, note)


def _fill(values: FloatArray, season: int) -> FloatArray:
    """Gaps take the value a season earlier when there is one, else the nearest known value."""
    out = values.copy()
    for i in np.flatnonzero(~np.isfinite(out)):
        if i >= season and np.isfinite(out[i - season]):
            out[i] = out[i - season]
    gaps = ~np.isfinite(out)
    if gaps.any():
        where = np.flatnonzero(~gaps)
        out[gaps] = np.interp(np.flatnonzero(gaps), where, out[where])
    return out


# -- intervals ------------------------------------------------------------------------------


def _quantiles(errors: FloatArray, level: float) -> tuple[float, float]:
    """The ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of the held-out errors
    (linear interpolation), widened to hold 0; (0, 0) with no errors. The conformal ``(n + 1) / n`` correction was
    measured too: it over-covers (the errors are not exchangeable, so its guarantee does not
    hold anyway, and the target is calibration, not a floor)."""
    errors = errors[np.isfinite(errors)]
    if errors.shape[0] == 0:
        return 0.0, 0.0
    tail = (1 - level) / 2
    # Widened to hold an error of 0, so that an interval always holds its expected value
    # (held-out errors of one sign would otherwise leave it outside).
    return min(0.0, float(np.quantile(errors, tail))), max(0.0, float(np.quantile(errors, 1 - tail)))


def _forecast(
    history: DemandHistory,
    made: _Made,
    horizon: int,
    method: DemandMethod,
    seasons: tuple[int, ...],
    total_steps: int,
    note: str | None,
) -> DemandForecast:
    step = dt.timedelta(seconds=history.step_seconds)
    first = history.end
    bounds = {level: _quantiles(made.errors, level) for level in LEVELS}
    expected = np.expm1(made.z).clip(0)
    steps = []
    for i in range(horizon):
        intervals = {
            level: Interval(
                level=level,
                low=max(0.0, math.expm1(made.z[i] + low)),
                high=max(0.0, math.expm1(made.z[i] + high)),
            )
            for level, (low, high) in bounds.items()
        }
        steps.append(
            DemandStep(
                start=first + i * step,
                expected=float(expected[i]),
                interval_80=intervals[0.8],
                interval_95=intervals[0.95],
            )
        )
    total = None
    if horizon >= total_steps:
        total = _total(made, steps[:total_steps], first)
    logger.debug(
        "demand %s: %s over %d steps, %d held-out errors", history.series, method, len(history), made.errors.size
    )
    return DemandForecast(
        series=history.series,
        unit=history.unit,
        step_seconds=history.step_seconds,
        made_at=first,
        method=method,
        seasons=seasons,
        history_steps=len(history),
        steps=tuple(steps),
        total=total,
        total_steps=total_steps if total is not None else 0,
        note=note,
    )


def _total(made: _Made, steps: list[DemandStep], first: dt.datetime) -> DemandStep:
    expected = float(sum(s.expected for s in steps))
    intervals: dict[float, Interval] = {}
    for level in LEVELS:
        if made.total_errors.size >= 1 / (1 - level) - 1:
            low, high = _quantiles(made.total_errors, level)
            intervals[level] = Interval(
                level=level,
                low=max(0.0, math.expm1(made.total_z + low)),
                high=max(0.0, math.expm1(made.total_z + high)),
            )
        else:
            # Too few held-out totals for the level: the sums of the steps' bounds, wider.
            chosen = [s.interval_80 if level == 0.8 else s.interval_95 for s in steps]
            intervals[level] = Interval(level=level, low=sum(i.low for i in chosen), high=sum(i.high for i in chosen))
    return DemandStep(start=first, expected=expected, interval_80=intervals[0.8], interval_95=intervals[0.95])
