"""Deciding alerts: which signals of a policy are active and which tiers fire, at one instant
for many objectives (``evaluate_alerts``, ``decide_alerts``) or, through the same decision
code, at every instant of a history (``alert_history``).

The rules (``docs/alerting.md``), for each signal of ``policy_signals``:

- **burn rate**: the burn rate over the long window *and* over the short window exceed the
  condition's factor scaled to the objective's window (``scaled_factor``). A window without
  data has no burn rate and never fires (SRE workbook, "Alerting on SLOs"; Sloth).
- **budget**: the share of the window's budget left is below the threshold.
- **at risk**: at the fastest burn rate ``r`` over the projection windows, the window would
  end below target: ``(r - 1) * horizon > left * elapsed``, in budget accrued per second of
  steady traffic (``docs/formulas.md`` section 6). For ``left >= 0`` this is
  ``seconds_to_exhaustion < horizon``, the projection of ``status``'s at-risk rule; a window
  already overspent is at risk unless the current rate would bring it back. For a rolling
  window ``elapsed`` and ``horizon`` are both the window length, so it is ``r > 1 + left``.
- **no data**: nothing counted over the last ``NoDataRule.seconds``.

A tier fires when any of its signals is active, unless the instant lies in agreed
maintenance and the rules silence maintenance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.engine.alert_policy import AlertSignal, SignalKind, policy_signals, policy_windows, scaled_factor
from slmo.core.engine.burnrate import window_seconds
from slmo.core.engine.coverage import merge
from slmo.core.engine.evaluation import EvaluationArrays, evaluate_group, slice_settings
from slmo.core.engine.grid import BucketGrid
from slmo.core.engine.windows import Instant, epoch_seconds
from slmo.core.model.alerting import AlertRules
from slmo.core.model.calendar import Weekday
from slmo.core.model.objective import Objective

IntervalPairs = Sequence[tuple[Instant, Instant]]


def signal_states(
    signals: Sequence[AlertSignal],
    rules: AlertRules,
    *,
    rates: Mapping[int, ArrayLike],
    budget_left: ArrayLike,
    window_seconds: ArrayLike,
    elapsed: ArrayLike,
    horizon: ArrayLike,
    breach_probability: ArrayLike = np.nan,
) -> NDArray[np.bool_]:
    """Which signals are active: shape ``(*S, len(signals))`` for figures of shape ``S``
    (objectives at one instant, or the instants of a history).

    ``rates`` holds the burn rate over each window the rules read, by its length in seconds
    (NaN where the window holds no data); ``budget_left`` the share of the window's budget
    left; ``window_seconds`` the length of the objective's window (for scaling factors);
    ``elapsed`` and ``horizon`` the seconds of the window behind and ahead (for at risk);
    ``breach_probability`` the forecast's (NaN where there is none, or too little history:
    the forecast signal stays off).
    """
    left = np.asarray(budget_left, dtype=np.float64)
    shape = left.shape
    burn = {w: np.broadcast_to(np.asarray(r, dtype=np.float64), shape) for w, r in rates.items()}
    active = np.zeros((*shape, len(signals)), dtype=bool)
    for i, signal in enumerate(signals):
        if signal.kind is SignalKind.BURN_RATE:
            c = signal.condition
            assert c is not None
            factor = scaled_factor(c, window_seconds)
            hot = burn[c.long_seconds] > factor
            if c.short_seconds is not None:
                hot &= burn[c.short_seconds] > factor
            active[..., i] = hot
        elif signal.kind is SignalKind.BUDGET:
            assert signal.below is not None
            active[..., i] = left < signal.below
        elif signal.kind is SignalKind.AT_RISK:
            assert rules.at_risk is not None
            fastest = np.fmax.reduce([burn[w] for w in rules.at_risk.projection_seconds], axis=0)
            ahead = np.asarray(horizon, dtype=np.float64)
            behind = np.asarray(elapsed, dtype=np.float64)
            active[..., i] = (fastest - 1.0) * ahead > left * behind
        elif signal.kind is SignalKind.FORECAST:
            assert rules.forecast is not None
            chance = np.broadcast_to(np.asarray(breach_probability, dtype=np.float64), shape)
            active[..., i] = chance >= rules.forecast.probability
        else:
            assert rules.no_data is not None
            active[..., i] = np.isnan(burn[rules.no_data.seconds])
    return active


def tier_states(
    rules: AlertRules, signals: Sequence[AlertSignal], active: NDArray[np.bool_], in_maintenance: ArrayLike = False
) -> NDArray[np.bool_]:
    """Which tiers fire, ``(*S, len(rules.tiers))``: any of the tier's signals is active, and
    the instant is not silenced by maintenance."""
    firing = np.zeros((*active.shape[:-1], len(rules.tiers)), dtype=bool)
    for t, tier in enumerate(rules.tiers):
        mine = [i for i, s in enumerate(signals) if s.tier == tier.name]
        if mine:
            firing[..., t] = np.any(active[..., mine], axis=-1)
    if rules.silence_in_maintenance:
        firing &= ~np.asarray(in_maintenance, dtype=bool)[..., None]
    return firing


def in_intervals(instants: ArrayLike, intervals: IntervalPairs) -> NDArray[np.bool_]:
    """True for each instant inside one of the ``[start, end)`` intervals (agreed maintenance,
    from the calendar's exclusions), by a ``searchsorted`` into the merged intervals."""
    t = np.asarray(instants, dtype=np.int64)
    if not intervals:
        return np.zeros(t.shape, dtype=bool)
    starts, ends = merge([epoch_seconds(a) for a, _ in intervals], [epoch_seconds(b) for _, b in intervals])
    k = np.searchsorted(starts, t, side="right") - 1
    return (k >= 0) & (t < ends[np.maximum(k, 0)])


@dataclass(frozen=True, eq=False)
class AlertState:
    """The alert decision for ``k`` objectives at one instant. ``active`` is ``(k, signals)``,
    ``firing`` ``(k, tiers)``; ``evaluation`` holds the figures it was decided from (its burn
    rates cover ``policy_windows``)."""

    at: int
    tiers: tuple[str, ...]
    signals: tuple[AlertSignal, ...]
    active: NDArray[np.bool_]
    firing: NDArray[np.bool_]
    in_maintenance: NDArray[np.bool_]
    evaluation: EvaluationArrays

    def firing_tiers(self, row: int = 0) -> tuple[str, ...]:
        """The tiers firing for objective ``row``, most urgent first."""
        return tuple(name for name, on in zip(self.tiers, self.firing[row].tolist(), strict=True) if on)

    def reasons(self, row: int = 0) -> tuple[AlertSignal, ...]:
        """The active signals of objective ``row`` (also those silenced by maintenance)."""
        return tuple(s for s, on in zip(self.signals, self.active[row].tolist(), strict=True) if on)


def decide_alerts(
    arrays: EvaluationArrays,
    rules: AlertRules,
    *,
    rolling: bool,
    in_maintenance: ArrayLike = False,
    breach_probability: ArrayLike = np.nan,
) -> AlertState:
    """The alert decision from an evaluation (``evaluate_group``) whose ``burn_windows``
    include ``policy_windows(rules)``. ``rolling`` says whether the objectives' window is a
    rolling one (the at-risk horizon); ``in_maintenance`` is one flag or one per objective."""
    rates = {window_seconds(label): arrays.burn_rates[:, i] for i, label in enumerate(arrays.burn_labels)}
    missing = [label for label, s in policy_windows(rules).items() if s not in rates]
    if missing:
        raise ValueError(f"the evaluation has no burn rate over {', '.join(missing)}: evaluate with policy_windows")
    span = arrays.window
    elapsed = span.seconds if rolling else arrays.at - span.start
    horizon = span.seconds if rolling else span.end - arrays.at
    signals = policy_signals(rules)
    active = signal_states(
        signals,
        rules,
        rates=rates,
        budget_left=arrays.budget_left,
        window_seconds=span.seconds,
        elapsed=elapsed,
        horizon=horizon,
        breach_probability=breach_probability,
    )
    k = arrays.budget_left.shape[0]
    maintenance = np.broadcast_to(np.asarray(in_maintenance, dtype=bool), (k,))
    return AlertState(
        at=arrays.at,
        tiers=tuple(t.name for t in rules.tiers),
        signals=signals,
        active=active,
        firing=tier_states(rules, signals, active, maintenance),
        in_maintenance=maintenance,
        evaluation=arrays,
    )


def evaluate_alerts(
    objective: Objective,
    grid: BucketGrid,
    at: Instant,
    rules: AlertRules,
    *,
    maintenance: IntervalPairs = (),
    time_zone: str | None = None,
    week_start: Weekday = Weekday.MON,
    breach_probability: float = np.nan,
) -> AlertState:
    """Which tiers of ``rules`` fire for one objective at ``at`` (``grid`` holds its buckets),
    and why. ``maintenance`` lists agreed maintenance as ``[start, end)`` intervals; ``at``
    inside one silences the alerts when the rules say so. ``breach_probability`` is the
    forecast's, made with the evaluation at ``at``."""
    t = epoch_seconds(at)
    slice_seconds, slice_target = slice_settings(objective)
    arrays = evaluate_group(
        grid,
        t,
        window=objective.window,
        target=objective.target,
        budgeting=objective.budgeting,
        slice_seconds=slice_seconds,
        slice_target=slice_target,
        maintenance=objective.maintenance,
        time_zone=time_zone,
        week_start=week_start,
        burn_windows=policy_windows(rules),
    )
    silenced = bool(in_intervals([t], maintenance)[0])
    return decide_alerts(
        arrays,
        rules,
        rolling=objective.window.rolling,
        in_maintenance=silenced,
        breach_probability=breach_probability,
    )
