"""Alerts at every instant of a history, vectorised: what ``evaluate_alerts`` would have
decided at each unit boundary, for backtests (``backtest.py``).

The grid is first reduced to *units* on a regular step: buckets for Occurrences (weighed by
service hours and maintenance by the tally's rule), time slices laid from the grid's
start for the time-slice methods (each slice's score and count). Instants are the unit
boundaries ``start + j * step``. With prefix sums ``G`` and ``T`` of the units' good and
total, a window of ``w`` seconds at boundary ``j`` holds the ``w // step`` units before it
(those whose start lies in ``[at - w, at)``, the rule of ``docs/formulas.md`` section 1), so
every window at every instant is ``G[j] - G[j - w // step]``: one subtraction per window
over all instants, whatever the window's length.

At a unit boundary the result equals ``evaluate_alerts`` at the same instant. For the
time-slice methods that needs the objective's slices to lie on the grid's slices: a rolling
window a whole number of slices long, calendar periods starting on a slice boundary (true
for slices that divide an hour on a grid starting on the hour).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from slmo.core.engine.alert_policy import AlertSignal, policy_signals, policy_windows
from slmo.core.engine.alert_rules import IntervalPairs, in_intervals, signal_states, tier_states
from slmo.core.engine.attainment import check_target, ratio
from slmo.core.engine.budget import budget_left
from slmo.core.engine.burnrate import burn_rate
from slmo.core.engine.evaluation import slice_settings
from slmo.core.engine.grid import BucketGrid
from slmo.core.engine.segments import prefix
from slmo.core.engine.tally import slice_tally
from slmo.core.engine.windows import Instant, epoch_seconds, window_at
from slmo.core.model.alerting import AlertRules
from slmo.core.model.calendar import Weekday
from slmo.core.model.objective import BudgetingMethod, MaintenancePolicy, Objective


@dataclass(frozen=True, eq=False)
class AlertHistory:
    """One objective's alert decision at each of ``T`` instants (unit boundaries, ascending,
    ``step`` apart). ``active`` is ``(T, signals)``, ``firing`` ``(T, tiers)``; the state at
    an instant holds until the next one. ``total``, ``attainment`` and ``budget_left`` are
    over the objective's window; ``rates`` the burn rate over each window the rules read, by
    its length in seconds (NaN without data)."""

    instants: NDArray[np.int64]
    step: int
    target: float
    tiers: tuple[str, ...]
    signals: tuple[AlertSignal, ...]
    active: NDArray[np.bool_]
    firing: NDArray[np.bool_]
    in_maintenance: NDArray[np.bool_]
    total: NDArray[Any]
    attainment: NDArray[np.float64]
    budget_left: NDArray[np.float64]
    rates: Mapping[int, NDArray[np.float64]]

    def tier(self, name: str) -> NDArray[np.bool_]:
        """Whether tier ``name`` fires at each instant."""
        return self.firing[:, self.tiers.index(name)]

    @property
    def any_tier(self) -> NDArray[np.bool_]:
        """Whether some tier fires at each instant."""
        return np.asarray(np.any(self.firing, axis=1))

    @property
    def below_target(self) -> NDArray[np.bool_]:
        """Whether the objective's window is below target at each instant (the breaches)."""
        return np.asarray(self.budget_left < 0)


def _units(objective: Objective, grid: BucketGrid) -> tuple[int, int, NDArray[Any], NDArray[Any]]:
    """(start, step, good, total) per unit, as ``evaluate_group`` counts them."""
    if grid.good.ndim == 2 and grid.good.shape[0] != 1:
        raise ValueError(f"a history is for one objective's grid, got {grid.good.shape[0]} rows")
    if objective.budgeting is BudgetingMethod.OCCURRENCES and grid.service is None and grid.excluded is None:
        return grid.start, grid.bucket_seconds, grid.good.reshape(-1), grid.total.reshape(-1)
    matrix = BucketGrid(
        grid.start,
        grid.bucket_seconds,
        grid.good.reshape(1, -1),
        grid.total.reshape(1, -1),
        grid.service,
        grid.excluded,
    )
    if objective.budgeting is BudgetingMethod.OCCURRENCES:
        good, total = _weighed(matrix, objective.maintenance)
        return grid.start, grid.bucket_seconds, good, total
    slice_seconds, slice_target = slice_settings(objective)
    assert slice_seconds is not None
    if slice_seconds % grid.bucket_seconds:
        raise ValueError(f"time slices of {slice_seconds} s are not whole {grid.bucket_seconds} s buckets")
    tally = slice_tally(
        matrix,
        objective.maintenance,
        objective.budgeting,
        anchor=grid.start,
        slice_seconds=slice_seconds,
        first=grid.start,
        until=grid.end,
        slice_target=slice_target,
    )
    return grid.start, slice_seconds, tally.good.reshape(-1), tally.total.reshape(-1)


def _weighed(grid: BucketGrid, policy: MaintenancePolicy) -> tuple[NDArray[Any], NDArray[Any]]:
    """Good and total of each bucket weighed by service hours ``s`` and maintenance ``x``, by
    the table of ``docs/formulas.md`` section 2 (the tally's rule): EXCLUDE counts
    ``good * s * (1 - x)`` of ``total * s * (1 - x)``; GOOD counts ``good * s * (1 - x) +
    total * s * x`` of ``total * s``. Boolean weights keep the counts integers."""
    good, total = grid.good.reshape(-1), grid.total.reshape(-1)
    shape = good.shape
    s = np.ones(shape, dtype=bool) if grid.service is None else grid.service.reshape(-1)
    x = np.zeros(shape, dtype=bool) if grid.excluded is None else grid.excluded.reshape(-1)
    if s.dtype == np.bool_ and x.dtype == np.bool_:
        kept = s & ~x
        counted_good = np.where(kept, good, 0)
        if policy is MaintenancePolicy.EXCLUDE:
            return counted_good, np.where(kept, total, 0)
        return counted_good + np.where(s & x, total, 0), np.where(s, total, 0)
    sf, xf = s.astype(np.float64), x.astype(np.float64)
    keep = sf * (1.0 - xf)
    if policy is MaintenancePolicy.EXCLUDE:
        return good * keep, total * keep
    return good * keep + total * sf * xf, total * sf


def _window_starts(
    objective: Objective, instants: NDArray[np.int64], time_zone: str | None, week_start: Weekday
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Start and end of the objective's window at each instant. Fixed rolling windows are
    one subtraction; calendar periods are found once per period; rolling months, quarters
    and years step back on the local calendar instant by instant (the slow path)."""
    window = objective.window
    fixed = window.fixed_seconds
    if window.rolling and fixed is not None:
        return instants - fixed, instants.copy()
    if window.rolling:
        spans = [window_at(window, int(t), time_zone=time_zone, week_start=week_start) for t in instants.tolist()]
        return np.array([s.start for s in spans], dtype=np.int64), instants.copy()
    starts: list[int] = []
    ends: list[int] = []
    t = int(instants[0]) if instants.size else 0
    last = int(instants[-1]) if instants.size else -1
    while t <= last:
        span = window_at(window, t, time_zone=time_zone, week_start=week_start)
        starts.append(span.start)
        ends.append(span.end)
        t = span.end
    which = np.searchsorted(np.array(ends, dtype=np.int64), instants, side="right")
    return np.array(starts, dtype=np.int64)[which], np.array(ends, dtype=np.int64)[which]


def alert_history(
    objective: Objective,
    grid: BucketGrid,
    rules: AlertRules,
    *,
    start: Instant | None = None,
    end: Instant | None = None,
    maintenance: IntervalPairs = (),
    time_zone: str | None = None,
    week_start: Weekday = Weekday.MON,
) -> AlertHistory:
    """The alert decision of ``rules`` for one objective at every unit boundary in
    ``[start, end]`` (default: the whole grid, from the end of its first unit), vectorised.

    ``maintenance`` lists agreed maintenance as ``[start, end)`` intervals; instants inside
    one are silenced when the rules say so."""
    target = check_target(objective.target)
    origin, step, good, total = _units(objective, grid)
    n = good.shape[0]
    lo = 1 if start is None else max(1, math.ceil((epoch_seconds(start) - origin) / step))
    hi = n if end is None else min(n, (epoch_seconds(end) - origin) // step)
    j = np.arange(lo, max(hi, lo - 1) + 1, dtype=np.int64)
    instants = origin + j * step
    g, t = prefix(good), prefix(total)

    def sums(first: NDArray[np.int64]) -> tuple[NDArray[Any], NDArray[Any]]:
        k = np.clip(first, 0, j)
        window_good, window_total = g[j] - g[k], t[j] - t[k]
        if window_good.dtype.kind == "f":
            # Differences of running float sums may overshoot by a rounding error (as in the tally).
            window_good = np.clip(window_good, 0, window_total)
        return window_good, window_total

    rates = {}
    for seconds in policy_windows(rules).values():
        wg, wt = sums(j - seconds // step)
        rates[seconds] = burn_rate(wg, wt, target)
    window_start, window_end = _window_starts(objective, instants, time_zone, week_start)
    if objective.budgeting is not BudgetingMethod.OCCURRENCES and np.any((window_start - origin) % step):
        raise ValueError(
            f"the objective's {objective.window} window does not start on the grid's {step} s slices"
            " (laid from the grid's start): start the grid on a slice boundary of the window"
        )
    # The units whose start lies in [window start, at): from ceil((start - origin) / step).
    first = -((origin - window_start) // step)
    good_w, total_w = sums(first)
    left = budget_left(good_w, total_w, target)
    rolling = objective.window.rolling
    length = window_end - window_start
    signals = policy_signals(rules)
    active = signal_states(
        signals,
        rules,
        rates=rates,
        budget_left=left,
        window_seconds=length,
        elapsed=length if rolling else instants - window_start,
        horizon=length if rolling else window_end - instants,
    )
    silenced = in_intervals(instants, maintenance)
    return AlertHistory(
        instants=instants,
        step=step,
        target=target,
        tiers=tuple(tier.name for tier in rules.tiers),
        signals=signals,
        active=active,
        firing=tier_states(rules, signals, active, silenced),
        in_maintenance=silenced,
        total=total_w,
        attainment=ratio(good_w, total_w),
        budget_left=left,
        rates=rates,
    )
