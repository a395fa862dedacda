"""Where each objective's window will end: a forecast of its end-of-window attainment with
prediction intervals and the probability of breach (``docs/formulas.md``, "Forecasts").

The window's attainment at its end is ``(G + g) / (N + n)``: ``G`` and ``N`` are the good and
counted units (events or slices, as the budgeting method counts them) already in the window,
``g`` and ``n`` those still to come. The rest of the window is drawn from the objective's own
recent past by a **seasonal block bootstrap** (Künsch 1989; Politis and Romano 1994; Hyndman
and Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., section 5.5):

- the last ``H`` days before ``at`` (28 by default) are cut into day blocks aligned to ``at``
  itself, so a drawn day has the same time-of-day phase as the day it stands for;
- each draw reads only the most recent ``h`` of them, ``h`` drawn among 2, 7, 14 and ``H``
  days: the recent level and the longer-run one both stay possible, so the spread covers a
  change of level (a model average over history lengths; a single history length
  under-covered on the real series of the backtest, ``docs/benchmarks.md``);
- with at least two whole weeks among them, each future week is a whole past week starting on
  the same weekday (drawn with replacement): days keep their weekday, so a business
  calendar's quiet weekend stays quiet, and a bad stretch stays a stretch rather than being
  shuffled into scattered bad days; with less, each future day is a past day of the same
  weekday when there are two, else any of them;
- the last, partial day is the same stretch of time of the drawn day (its first hours when
  the window ends part-way through a day).

Each of ``draws`` simulated futures gives one end-of-window attainment: the forecast is their
mean, the 80 % and 95 % intervals their central quantiles, and the probability of breach the
share below target (a window breaches when its attainment is below target, as in
``status``). The draws are seeded, so the same inputs give the same forecast.

For a calendar window the forecast is about the window's end. A rolling window has no end:
its forecast is about the rolling window as it will stand at the end of the calendar month
that holds ``at`` (in the objective's time zone), the instant a monthly report reads it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.engine.evaluation import as_matrix, slice_settings
from slmo.core.engine.grid import BucketGrid
from slmo.core.engine.tally import Tally, occurrence_tally, slice_tally
from slmo.core.engine.windows import Instant, Span, calendar_period, epoch_seconds, window_at
from slmo.core.model.calendar import Weekday
from slmo.core.model.forecast import AttainmentForecast, Interval
from slmo.core.model.objective import BudgetingMethod, Objective, Window, WindowUnit

DAY = 86_400
WEEK_DAYS = 7
HISTORY_DAYS = 28
DRAWS = 2_000
LEVELS = (0.80, 0.95)
SPANS = (2, 7, 14)


def forecast_span(
    window: Window, at: Instant, *, time_zone: str | None = None, week_start: Weekday = Weekday.MON
) -> Span:
    """The window the forecast is about: a calendar window's own period; for a rolling window,
    the window ending at the end of the calendar month that holds ``at``."""
    t = epoch_seconds(at)
    current = window_at(window, t, time_zone=time_zone, week_start=week_start)
    if not window.rolling:
        return current
    end = calendar_period(t, WindowUnit.MONTH, window.time_zone or time_zone or "UTC").end
    return Span(end - current.seconds, end)


def day_blocks(tally: Tally, at: int, days: int, length: int = DAY) -> tuple[NDArray[Any], NDArray[Any]]:
    """Good and counted units of the ``days`` day blocks before ``at`` (``block_spans``), or of
    the first ``length`` seconds of each: two ``(k, days)`` arrays."""
    spans = block_spans(at, days, length)
    lo, hi = tally.positions(spans)
    # One running sum over the units for every block (exact: counts stay far below 2**53);
    # ``Tally.sums`` would sum each block apart.
    good, total = (
        np.concatenate([np.zeros((a.shape[0], 1)), np.cumsum(a, axis=-1, dtype=np.float64)], axis=-1)
        for a in (tally.good, tally.total)
    )
    return np.clip(good[:, hi] - good[:, lo], 0, None), total[:, hi] - total[:, lo]


def _future_days(
    history: int,
    future_days: float,
    offset_days: float,
    draws: int,
    rng: np.random.Generator,
    recent: tuple[int, ...] = SPANS,
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Which past day stands for each future day in each draw, ``(draws, m)``, and each future
    day's weight (1, or the share of a partial last day)."""
    m = max(math.ceil(future_days - 1e-9), 1)
    weights = np.ones(m)
    weights[-1] = future_days - (m - 1)
    phase = round(offset_days)
    index = np.empty((draws, m), dtype=np.intp)
    # Each draw reads the last h days only, h drawn from ``recent`` and the whole history: the
    # recent level and the longer-run one both stay possible, so the spread covers a change of
    # level.
    spans = np.asarray([h for h in recent if h < history] + [history])
    chosen = spans[rng.integers(0, spans.size, size=draws)]
    for h in np.unique(chosen):
        rows = np.flatnonzero(chosen == h)
        index[rows] = history - h + _draw_days(int(h), m, phase + history - h, rows.size, rng)
    return index, weights


def _draw_days(history: int, m: int, phase: int, draws: int, rng: np.random.Generator) -> NDArray[np.intp]:
    """Future days drawn from ``history`` past days (indices into them): whole weeks starting
    on the matching weekday when there are two or more, else days of the same weekday when
    there are two, else any day. Past day i has the weekday of future day j when
    ``i - history = j + phase (mod 7)``."""
    j = np.arange(m)
    first = (history + phase) % WEEK_DAYS
    week_starts = np.arange(first, history - WEEK_DAYS + 1, WEEK_DAYS)
    if week_starts.size >= 2:
        picks = rng.integers(0, week_starts.size, size=(draws, -(-m // WEEK_DAYS)))
        return np.asarray(week_starts[picks][:, j // WEEK_DAYS] + j % WEEK_DAYS, dtype=np.intp)
    index = np.empty((draws, m), dtype=np.intp)
    days = np.arange(history)
    for residue in range(WEEK_DAYS):
        columns = j[(first + j) % WEEK_DAYS == residue]
        if columns.size == 0:
            continue
        same = days[days % WEEK_DAYS == residue]
        pool = same if same.size >= 2 else days
        index[:, columns] = pool[rng.integers(0, pool.size, size=(draws, columns.size))]
    return index


def simulate_attainments(
    history_good: ArrayLike,
    history_total: ArrayLike,
    *,
    known_good: float,
    known_total: float,
    future_days: float,
    offset_days: float = 0.0,
    partial: tuple[ArrayLike, ArrayLike] | None = None,
    draws: int = DRAWS,
    seed: int = 0,
    recent: tuple[int, ...] = SPANS,
) -> NDArray[np.float64]:
    """One simulated end-of-window attainment per draw (NaN where nothing would be counted).

    ``history_good``/``history_total`` are the day blocks before ``at`` (``day_blocks``),
    oldest first; ``future_days`` the length of the window still to come and
    ``offset_days`` how far after ``at`` it begins (0 unless a rolling window's forecast
    window starts after ``at``). A whole future period is ``known_good = known_total = 0``.
    ``recent`` are the shorter history lengths a draw may read besides the whole history
    (``SPANS``); ``()`` draws from the whole history alone, as a year ahead should.
    """
    g = np.asarray(history_good, dtype=np.float64)
    n = np.asarray(history_total, dtype=np.float64)
    if g.shape != n.shape or g.ndim != 1:
        raise ValueError(f"history good and total must be two equal 1-d arrays, got {g.shape} and {n.shape}")
    if draws < 1:
        raise ValueError(f"draws must be at least 1, got {draws}")
    if future_days <= 0 or g.size == 0:
        known = known_good / known_total if known_total > 0 else math.nan
        return np.full(draws, known)
    index, weights = _future_days(g.size, future_days, offset_days, draws, np.random.default_rng(seed), recent)
    good = known_good + (g[index] * weights).sum(axis=1)
    total = known_total + (n[index] * weights).sum(axis=1)
    if partial is not None and weights[-1] < 1:
        # The last, partial day is the same stretch of the drawn day, not its pro-rata share:
        # a window ending at 18:00 does not see the drawn day's night.
        pg, pn = (np.asarray(a, dtype=np.float64) for a in partial)
        last = index[:, -1]
        good += pg[last] - g[last] * weights[-1]
        total += pn[last] - n[last] * weights[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.minimum(good / total, 1.0), math.nan)


def seasonal_naive_attainment(
    history_good: ArrayLike,
    history_total: ArrayLike,
    *,
    known_good: float,
    known_total: float,
    future_days: float,
    offset_days: float = 0.0,
) -> float:
    """The naive seasonal forecast the backtests compare with: every future day is the same
    day one week earlier (repeated for horizons beyond a week). NaN with under a week of
    history or nothing counted."""
    g = np.asarray(history_good, dtype=np.float64)
    n = np.asarray(history_total, dtype=np.float64)
    if future_days <= 0:
        return known_good / known_total if known_total > 0 else math.nan
    if g.size < WEEK_DAYS:
        return math.nan
    m = max(math.ceil(future_days - 1e-9), 1)
    weights = np.ones(m)
    weights[-1] = future_days - (m - 1)
    index = g.size - WEEK_DAYS + (round(offset_days) + np.arange(m)) % WEEK_DAYS
    good = known_good + float((g[index] * weights).sum())
    total = known_total + float((n[index] * weights).sum())
    return min(good / total, 1.0) if total > 0 else math.nan


@dataclass(frozen=True)
class Summary:
    expected: float | None
    intervals: tuple[Interval, ...]
    breach_probability: float | None


def summarise(attainments: NDArray[np.float64], target: float, levels: tuple[float, ...] = LEVELS) -> Summary:
    """Mean, central intervals and the share below ``target`` of simulated attainments."""
    kept = attainments[~np.isnan(attainments)]
    if kept.size == 0:
        return Summary(None, (), None)
    edges = np.quantile(kept, [q for level in levels for q in ((1 - level) / 2, (1 + level) / 2)]).tolist()
    intervals = tuple(Interval(level=level, low=edges[2 * i], high=edges[2 * i + 1]) for i, level in enumerate(levels))
    return Summary(float(np.mean(kept)), intervals, float(np.mean(kept < target)))


def objective_tally(objective: Objective, grid: BucketGrid, at: int, *, first: int, anchor: int) -> Tally:
    """The objective's units from ``first`` to ``at``: runs of buckets cut at day edges and
    at ``anchor`` for Occurrences, time slices laid from ``anchor`` for the slice methods."""
    grid = as_matrix(grid)
    if objective.budgeting is BudgetingMethod.OCCURRENCES:
        points = [*range(at, first - 1, -DAY), anchor]
        return occurrence_tally(grid, objective.maintenance, until=at, points=points)
    slice_seconds, slice_target = slice_settings(objective)
    assert slice_seconds is not None
    return slice_tally(
        grid,
        objective.maintenance,
        objective.budgeting,
        anchor=anchor,
        slice_seconds=slice_seconds,
        first=first,
        until=at,
        slice_target=slice_target,
    )


def _utc(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def block_spans(at: int, days: int, length: int = DAY) -> list[Span]:
    """The ``days`` day blocks before ``at`` (oldest first, the last ``[at - 1 day, at)``), or
    the first ``length`` seconds of each (the stretch a partial last day stands for)."""
    return [Span(at - (days - i) * DAY, at - (days - i) * DAY + length) for i in range(days)]


def forecast_objective(
    objective: Objective,
    grid: BucketGrid,
    at: Instant,
    *,
    time_zone: str | None = None,
    week_start: Weekday = Weekday.MON,
    history_days: int = HISTORY_DAYS,
    draws: int = DRAWS,
    seed: int = 0,
) -> AttainmentForecast:
    """Forecast one objective's end-of-window attainment at ``at`` from ``grid`` (one row),
    which must hold the ``history_days`` before ``at`` and the forecast window's known part.
    Days of history before the grid's start are not drawn from: pass fewer when the
    objective's measurements began later."""
    t = epoch_seconds(at)
    span = forecast_span(objective.window, t, time_zone=time_zone, week_start=week_start)
    days = max(min(history_days, (t - grid.start) // DAY), 0)
    first = min(t - days * DAY, span.start)
    tally = objective_tally(objective, grid, t, first=max(first, grid.start), anchor=span.start)

    def sums(spans: list[Span]) -> tuple[NDArray[Any], NDArray[Any]]:
        # The day blocks through one running sum (``day_blocks``); the known part directly.
        if len(spans) > 1:
            good, total = day_blocks(tally, t, len(spans), spans[0].seconds)
        else:
            good, total = tally.sums(spans)
        return good[0], total[0]

    return forecast_from_sums(objective.target, span, t, sums, history_days=days, draws=draws, seed=seed)


def forecast_from_sums(
    target: float,
    span: Span,
    at: int,
    sums: Callable[[list[Span]], tuple[NDArray[Any], NDArray[Any]]],
    *,
    history_days: int = HISTORY_DAYS,
    draws: int = DRAWS,
    seed: int = 0,
) -> AttainmentForecast:
    """The forecast of ``span``'s attainment at ``at``, from ``sums``: good and counted units
    over each of a list of spans (the known part of ``span``, the day blocks of
    ``block_spans``), whatever counts them (a bucket tally, the ticket clocks)."""
    t = at
    days = history_days
    known_good, known_total = (float(a[0]) for a in sums([Span(span.start, max(span.start, t))]))
    history_good, history_total = sums(block_spans(t, days)) if days else (np.zeros(0), np.zeros(0))
    # Days before the objective's first measurement are not quiet days: leave them out.
    counted = np.flatnonzero(history_total > 0)
    start = int(counted[0]) if counted.size else days
    days -= start
    history_good, history_total = history_good[start:], history_total[start:]
    future = span.end - max(span.start, t)
    offset = max(span.start - t, 0)
    tail = max(future, 0) % DAY
    partial = None
    if days and tail and not offset:
        partial = sums(block_spans(t, days, tail))
    simulated = simulate_attainments(
        history_good,
        history_total,
        known_good=known_good,
        known_total=known_total,
        future_days=max(future, 0) / DAY,
        offset_days=offset / DAY,
        partial=partial,
        draws=draws,
        seed=seed,
    )
    summary = summarise(simulated, target)
    by_level = {i.level: i for i in summary.intervals}
    return AttainmentForecast(
        at=_utc(t),
        window_start=_utc(span.start),
        window_end=_utc(span.end),
        target=target,
        expected=summary.expected,
        interval_80=by_level.get(0.80),
        interval_95=by_level.get(0.95),
        breach_probability=summary.breach_probability,
        known=known_good / known_total if known_total > 0 else None,
        remaining_days=max(future, 0) / DAY,
        history_days=int(days),
        draws=draws,
    )
