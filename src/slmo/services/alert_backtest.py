"""Backtests of an objective's alert rules over its stored history (``slmo alerts backtest``):
when each tier would have fired, each breach's detection and reset times, false alarms,
precision and recall (the engine's rules: ``docs/alerting.md`` section 4).

The grid reaches back before ``start`` by the objective's window and the longest window the
rules read, so that the first decisions see full windows; it starts on a UTC hour, so that
time slices that divide an hour lie on the grid's slices as ``alert_history`` needs.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from slmo.core.engine import Span, epoch_seconds, window_at
from slmo.core.engine.alert_history import alert_history
from slmo.core.engine.alert_policy import policy_windows
from slmo.core.engine.alert_rules import IntervalPairs
from slmo.core.engine.backtest import ANY_TIER, BacktestResult, backtest
from slmo.core.model import IndicatorKind
from slmo.core.model.alerting import AlertRules
from slmo.core.ports import UnitOfWork
from slmo.errors import Problem, SpecError
from slmo.services.evaluate import EvaluationService, Target

_HOUR = 3600


@dataclass(frozen=True)
class BreachReport:
    """One breach (the window below target) and how the tier's alerts met it; the times are
    seconds (negative: the alert came first, or stopped first), ``None`` when unknown."""

    start: int
    end: int
    detected: bool
    detection_seconds: float | None
    reset_seconds: float | None


@dataclass(frozen=True)
class TierReport:
    tier: str
    alerts: list[tuple[int, int]]
    true_alarm: list[bool]
    open_end: bool
    breaches: list[BreachReport]
    false_alarms: int
    precision: float | None
    recall: float | None
    mean_detection_seconds: float | None
    mean_reset_seconds: float | None


@dataclass(frozen=True)
class BacktestReport:
    objective: str
    start: int
    end: int
    step: int
    tiers: list[TierReport]


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def tier_report(tier: str, result: BacktestResult) -> TierReport:
    breaches = [
        BreachReport(
            start=start,
            end=end,
            detected=bool(result.detected[i]),
            detection_seconds=_number(float(result.detection_seconds[i])),
            reset_seconds=_number(float(result.reset_seconds[i])),
        )
        for i, (start, end) in enumerate(result.breaches.pairs())
    ]
    return TierReport(
        tier=tier,
        alerts=result.alerts.pairs(),
        true_alarm=[bool(x) for x in result.true_alarm.tolist()],
        open_end=result.alerts.open_end,
        breaches=breaches,
        false_alarms=result.false_alarms,
        precision=result.precision,
        recall=result.recall,
        mean_detection_seconds=result.mean_detection_seconds,
        mean_reset_seconds=result.mean_reset_seconds,
    )


def replay(
    uow: UnitOfWork,
    evaluation: EvaluationService,
    target: Target,
    rules: AlertRules,
    start: dt.datetime,
    end: dt.datetime,
    maintenance: Callable[[Target, int, int], IntervalPairs],
) -> BacktestReport:
    """The backtest of ``rules`` on ``target`` over ``[start, end]``."""
    if target.indicator.kind is IndicatorKind.TICKET:
        raise SpecError(
            [
                Problem(
                    None,
                    "objective",
                    f"objective {target.key} is measured by tickets; it has no burn-rate alerts to replay",
                    key="backtest_tickets",
                    args={"objective": target.key},
                )
            ]
        )
    t0, t1 = epoch_seconds(start), epoch_seconds(end)
    window = window_at(target.objective.window, t0, time_zone=target.time_zone, week_start=target.week_start)
    longest = max(policy_windows(rules).values(), default=0)
    first = min(window.start, t0 - longest) // _HOUR * _HOUR
    grid, _ = evaluation.grid(uow, target, Span(first, t1), t1)
    history = alert_history(
        target.objective,
        grid,
        rules,
        start=t0,
        end=t1,
        maintenance=maintenance(target, first, t1),
        time_zone=target.time_zone,
        week_start=target.week_start,
    )
    results = backtest(history)
    order = [*history.tiers, ANY_TIER]
    return BacktestReport(
        objective=target.key,
        start=t0,
        end=t1,
        step=history.step,
        tiers=[tier_report(name, results[name]) for name in order],
    )
