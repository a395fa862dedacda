"""Backtests: alert intervals from a history of firing states, matched against breaches.

Rules (``docs/alerting.md``):

- **Alert intervals.** The state decided at an instant holds until the next one, so a run of
  firing instants ``t_a .. t_b`` is the alert ``[t_a, t_b + step)``: it starts at its first
  firing instant and resets at the first instant it no longer fires. A run still firing at
  the last instant is *open*: its end is the next evaluation after the history.
- **Breaches** are ``[start, end)`` intervals: the instants at which the objective's window
  was below target (``AlertHistory.below_target``, made into intervals the same way), or
  externally labelled windows (anomaly labels). Overlapping or touching breaches merge.
- **Matching.** An alert and a breach match when the alert overlaps the breach widened to
  ``[start - lead, end + grace)``. An alert matching some breach is a *true alarm*, else a
  *false alarm*; a breach matched by some alert is *detected*.
- **Detection time** of a detected breach: the start of the first matching alert minus the
  breach's start (negative when the alert came first). **Reset time**: the end of the last
  matching alert minus the breach's end (unknown when that alert is open).
- **Precision** = true alarms / alarms; **recall** = detected breaches / breaches (``None``
  when there are no alarms, or no breaches).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.engine.alert_history import AlertHistory
from slmo.core.engine.coverage import merge
from slmo.core.engine.windows import Instant, epoch_seconds

ANY_TIER = "any"
"""The name ``backtest`` gives to the alerts of all tiers together."""


@dataclass(frozen=True, eq=False)
class Intervals:
    """Sorted, disjoint ``[start, end)`` intervals in epoch seconds; ``open_end`` says the
    last one was still going when the history ended."""

    starts: NDArray[np.int64]
    ends: NDArray[np.int64]
    open_end: bool = False

    def __len__(self) -> int:
        return int(self.starts.shape[0])

    @classmethod
    def of(cls, pairs: Sequence[tuple[Instant, Instant]]) -> Intervals:
        """From ``(start, end)`` pairs in any order; overlapping or touching ones merge."""
        starts, ends = merge([epoch_seconds(a) for a, _ in pairs], [epoch_seconds(b) for _, b in pairs])
        return cls(starts=starts, ends=ends)

    def pairs(self) -> list[tuple[int, int]]:
        return list(zip(self.starts.tolist(), self.ends.tolist(), strict=True))


def firing_intervals(instants: ArrayLike, firing: ArrayLike, step: int) -> Intervals:
    """The runs of ``firing`` over ascending ``instants`` (``step`` apart) as intervals: a run
    from ``t_a`` to ``t_b`` is ``[t_a, t_b + step)``."""
    t = np.asarray(instants, dtype=np.int64)
    on = np.asarray(firing, dtype=bool)
    if t.shape != on.shape or t.ndim != 1:
        raise ValueError(f"instants {t.shape} and firing {on.shape} must be equal 1-D arrays")
    edges = np.diff(np.concatenate(([False], on, [False])).astype(np.int8))
    first = np.flatnonzero(edges == 1)
    last = np.flatnonzero(edges == -1) - 1
    return Intervals(starts=t[first], ends=t[last] + step, open_end=bool(on.size and on[-1]))


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """Alerts of one tier matched against breaches. Per alert: ``true_alarm``; per breach:
    ``detected``, ``detection_seconds`` and ``reset_seconds`` (NaN when not detected, reset
    also when the last matching alert is open)."""

    alerts: Intervals
    breaches: Intervals
    true_alarm: NDArray[np.bool_]
    detected: NDArray[np.bool_]
    detection_seconds: NDArray[np.float64]
    reset_seconds: NDArray[np.float64]

    @property
    def false_alarms(self) -> int:
        return int(np.count_nonzero(~self.true_alarm))

    @property
    def precision(self) -> float | None:
        """True alarms over alarms; ``None`` without alarms."""
        return float(np.mean(self.true_alarm)) if len(self.alerts) else None

    @property
    def recall(self) -> float | None:
        """Detected breaches over breaches; ``None`` without breaches."""
        return float(np.mean(self.detected)) if len(self.breaches) else None

    @property
    def mean_detection_seconds(self) -> float | None:
        found = self.detection_seconds[self.detected]
        return float(np.mean(found)) if found.size else None

    @property
    def mean_reset_seconds(self) -> float | None:
        found = self.reset_seconds[~np.isnan(self.reset_seconds)]
        return float(np.mean(found)) if found.size else None


def match_alerts(alerts: Intervals, breaches: Intervals, *, lead: int = 0, grace: int = 0) -> BacktestResult:
    """Match alerts with breaches widened to ``[start - lead, end + grace)`` (seconds).

    Both are sorted and disjoint, so the alerts overlapping a breach are one contiguous run,
    found with two ``searchsorted`` calls per side for all intervals at once."""
    a_start, a_end = alerts.starts, alerts.ends
    b_start, b_end = breaches.starts - lead, breaches.ends + grace
    # Alerts overlapping breach i: those ending after its start and starting before its end.
    first = np.searchsorted(a_end, b_start, side="right")
    stop = np.searchsorted(a_start, b_end, side="left")
    detected = stop > first
    n_alerts = len(alerts)
    pick_first = np.minimum(first, max(n_alerts - 1, 0))
    pick_last = np.clip(stop - 1, 0, max(n_alerts - 1, 0))
    detection = np.full(len(breaches), np.nan)
    reset = np.full(len(breaches), np.nan)
    if n_alerts:
        detection = np.where(detected, a_start[pick_first] - breaches.starts, np.nan)
        closed = ~(alerts.open_end & (pick_last == n_alerts - 1))
        reset = np.where(detected & closed, a_end[pick_last] - breaches.ends, np.nan)
    # Breaches overlapping alert j, the same way round (widened breaches stay sorted).
    lo = np.searchsorted(b_end, a_start, side="right")
    hi = np.searchsorted(b_start, a_end, side="left")
    return BacktestResult(
        alerts=alerts,
        breaches=breaches,
        true_alarm=hi > lo,
        detected=detected,
        detection_seconds=detection.astype(np.float64),
        reset_seconds=reset.astype(np.float64),
    )


def backtest(
    history: AlertHistory, breaches: Intervals | None = None, *, lead: int = 0, grace: int = 0
) -> Mapping[str, BacktestResult]:
    """Each tier's alerts over ``history`` (and all tiers together, as ``ANY_TIER``) matched
    against ``breaches``: by default the intervals in which the objective's window was below
    target; or labelled windows (``Intervals.of``)."""
    step = history.step
    if breaches is None:
        breaches = firing_intervals(history.instants, history.below_target, step)
    found = {
        name: match_alerts(
            firing_intervals(history.instants, history.tier(name), step), breaches, lead=lead, grace=grace
        )
        for name in history.tiers
    }
    found[ANY_TIER] = match_alerts(
        firing_intervals(history.instants, history.any_tier, step), breaches, lead=lead, grace=grace
    )
    return found
