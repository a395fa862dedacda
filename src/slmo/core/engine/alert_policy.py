"""Alert policies: the SRE workbook's multiwindow, multi-burn-rate default, how its burn-rate
factors scale to an objective's window, and the signals a policy is made of.

SRE workbook, chapter 5 "Alerting on SLOs", table 5-8 ("Recommended parameters for an SLO
based alert"), for a 30-day window:

    tier     budget consumed   long window   short window   burn-rate factor
    page     2 %               1 hour        5 minutes      14.4
    page     5 %               6 hours       30 minutes     6
    ticket   10 %              1 day         2 hours        3
    ticket   10 %              3 days        6 hours        1

A condition fires when the burn rate exceeds its factor over the long window *and* over the
short one (the short window makes the alert reset soon after the problem stops).

**Scaling to the objective's window, as Sloth does.** Sloth (``slok/sloth``,
``internal/alert/window.go``, ``getBurnRateFactor``) keeps the budget share and derives the
factor for the SLO period ``P``::

    factor = errorBudgetPercent * P_hours / 100 / longWindow_hours

so a condition spends the same share of the budget over its long window whatever the period,
and a factor stated for 30 days becomes ``factor * P / 30 d`` for a window of ``P``: 13.44,
5.6, 2.8 and 0.933 for 28 days (Sloth's ``google-28d.yaml``), 14.4, 6, 3 and 1 for 30 days
(``google-30d.yaml``, its default). The threshold on the bad ratio is then
``factor * (1 - target)``, as in Sloth's generated rules (``... > (14.4 * 0.001)``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.model.alerting import (
    MONTH_SECONDS,
    PAGE,
    TICKET,
    AlertCondition,
    AlertRules,
    AlertTier,
    AtRiskRule,
    BudgetThreshold,
    BurnCondition,
    ForecastRule,
    NoDataRule,
)
from slmo.core.model.duration import format_duration
from slmo.core.model.indicator import Operator

_HOUR = 3600
_DAY = 86400

WORKBOOK_CONDITIONS: tuple[tuple[str, BurnCondition], ...] = (
    (PAGE, BurnCondition(long_seconds=_HOUR, short_seconds=300, factor=14.4)),
    (PAGE, BurnCondition(long_seconds=6 * _HOUR, short_seconds=1800, factor=6.0)),
    (TICKET, BurnCondition(long_seconds=_DAY, short_seconds=2 * _HOUR, factor=3.0)),
    (TICKET, BurnCondition(long_seconds=3 * _DAY, short_seconds=6 * _HOUR, factor=1.0)),
)
"""The workbook's four conditions (tier, condition), factors stated for a 30-day window."""


def scaled_factor(condition: BurnCondition, window_seconds: ArrayLike) -> NDArray[np.float64]:
    """The condition's burn-rate factor for an objective window of ``window_seconds``:
    ``factor * W / period_seconds`` (Sloth's rule), or ``factor`` when the condition's
    period is ``None``. Vectorised over ``window_seconds`` (calendar months differ)."""
    w = np.asarray(window_seconds, dtype=np.float64)
    if condition.period_seconds is None:
        return np.full(w.shape, condition.factor)
    return np.asarray(condition.factor * w / condition.period_seconds, dtype=np.float64)


def budget_share(condition: BurnCondition) -> float:
    """The share of the window's error budget the condition lets the long window spend
    before it fires: ``factor * long / period`` (the workbook's "budget consumed"; Sloth's
    ``errorBudgetPercent / 100``). Needs the condition's period."""
    if condition.period_seconds is None:
        raise ValueError("a condition without a period has no fixed budget share")
    return condition.factor * condition.long_seconds / condition.period_seconds


def condition_from_budget(
    share: float, long_seconds: int, short_seconds: int | None, period_seconds: int = MONTH_SECONDS
) -> BurnCondition:
    """The condition that fires when ``share`` of the budget burns within ``long_seconds``
    (Sloth's ``AlertWindows`` entries: ``errorBudgetPercent`` / 100, ``longWindow``,
    ``shortWindow``), stated for a window of ``period_seconds``."""
    return BurnCondition(
        long_seconds=long_seconds,
        short_seconds=short_seconds,
        factor=share * period_seconds / long_seconds,
        period_seconds=period_seconds,
    )


# The default predictive alert: a breach forecast at even odds or worse, on the ticket tier.
PREDICTIVE = ForecastRule()


def default_rules(
    *,
    budget_thresholds: Sequence[BudgetThreshold] = (),
    at_risk: AtRiskRule | None = None,
    no_data: NoDataRule | None = None,
    forecast: ForecastRule | None = PREDICTIVE,
    silence_in_maintenance: bool = True,
) -> AlertRules:
    """The default policy: the workbook's page and ticket tiers (``WORKBOOK_CONDITIONS``),
    scaled to each objective's window when evaluated, and the predictive alert on the ticket
    tier when the forecast gives a breach at even odds or worse (``ForecastRule``); other
    rules only when given."""
    tiers = tuple(
        AlertTier(name=name, conditions=tuple(c for tier, c in WORKBOOK_CONDITIONS if tier == name))
        for name in (PAGE, TICKET)
    )
    return AlertRules(
        tiers=tiers,
        budget_thresholds=tuple(budget_thresholds),
        at_risk=at_risk,
        no_data=no_data,
        forecast=forecast,
        silence_in_maintenance=silence_in_maintenance,
    )


def rules_from_conditions(
    conditions: Sequence[AlertCondition], *, period_seconds: int | None = None, no_data: NoDataRule | None = None
) -> AlertRules:
    """Rules from catalogue alert conditions (OpenSLO ``AlertCondition``, Sloth imports): one
    tier per severity (``page`` and ``ticket`` first, then others as they come), the
    threshold as the factor over ``lookback_seconds`` and ``short_lookback_seconds``.

    OpenSLO thresholds apply as written (``period_seconds`` ``None``); give the period they
    were stated for to have them scaled. Only burn-rate conditions with ``gt`` or ``gte``
    have a meaning here (the engine compares with ``>``, as Sloth and the workbook do)."""
    by_tier: dict[str, list[BurnCondition]] = {}
    for condition in conditions:
        if condition.kind != "burnrate" or condition.operator not in (Operator.GT, Operator.GTE):
            raise ValueError(
                f"alert condition {condition.name!r}: only burn rate above a threshold can be evaluated,"
                f" got {condition.kind} {condition.operator.value}"
            )
        by_tier.setdefault(condition.severity, []).append(
            BurnCondition(
                long_seconds=condition.lookback_seconds,
                short_seconds=condition.short_lookback_seconds,
                factor=condition.threshold,
                period_seconds=period_seconds,
            )
        )
    order = [name for name in (PAGE, TICKET) if name in by_tier] + [n for n in by_tier if n not in (PAGE, TICKET)]
    tiers = tuple(AlertTier(name=name, conditions=tuple(by_tier[name])) for name in order)
    if no_data is not None and no_data.tier not in by_tier:
        tiers += (AlertTier(name=no_data.tier),)
    return AlertRules(tiers=tiers, no_data=no_data)


class SignalKind(StrEnum):
    """What raised a tier."""

    BURN_RATE = "burn_rate"
    BUDGET = "budget"
    AT_RISK = "at_risk"
    NO_DATA = "no_data"
    FORECAST = "forecast"


@dataclass(frozen=True)
class AlertSignal:
    """One rule of a policy that can raise a tier: a burn-rate condition, a budget threshold,
    the at-risk projection or the no-data rule. ``name`` is stable text for records and
    messages (``burn 1h/5m``, ``budget < 25%``, ``at risk``, ``no data 1h``)."""

    tier: str
    kind: SignalKind
    name: str
    condition: BurnCondition | None = None
    below: float | None = None


def _label(seconds: int) -> str:
    return format_duration(seconds)


def policy_signals(rules: AlertRules) -> tuple[AlertSignal, ...]:
    """Every signal of a policy, tier by tier in the order of ``rules.tiers``; within a tier,
    burn-rate conditions, then budget thresholds, the at-risk and the no-data rule."""
    found: list[AlertSignal] = []
    for tier in rules.tiers:
        for c in tier.conditions:
            windows = _label(c.long_seconds) + ("" if c.short_seconds is None else f"/{_label(c.short_seconds)}")
            found.append(AlertSignal(tier.name, SignalKind.BURN_RATE, f"burn {windows}", condition=c))
        for threshold in rules.budget_thresholds:
            if threshold.tier == tier.name:
                found.append(
                    AlertSignal(tier.name, SignalKind.BUDGET, f"budget < {threshold.below:.0%}", below=threshold.below)
                )
        if rules.at_risk is not None and rules.at_risk.tier == tier.name:
            found.append(AlertSignal(tier.name, SignalKind.AT_RISK, "at risk"))
        if rules.no_data is not None and rules.no_data.tier == tier.name:
            found.append(AlertSignal(tier.name, SignalKind.NO_DATA, f"no data {_label(rules.no_data.seconds)}"))
        if rules.forecast is not None and rules.forecast.tier == tier.name:
            found.append(
                AlertSignal(tier.name, SignalKind.FORECAST, f"breach forecast >= {rules.forecast.probability:.0%}")
            )
    return tuple(found)


def policy_windows(rules: AlertRules) -> Mapping[str, int]:
    """Label to seconds of every window the rules read (long and short windows, projection
    windows, the no-data span), shortest first: the ``burn_windows`` to evaluate with."""
    seconds: set[int] = set()
    for tier in rules.tiers:
        for c in tier.conditions:
            seconds.add(c.long_seconds)
            if c.short_seconds is not None:
                seconds.add(c.short_seconds)
    if rules.at_risk is not None:
        seconds.update(rules.at_risk.projection_seconds)
    if rules.no_data is not None:
        seconds.add(rules.no_data.seconds)
    return {_label(s): s for s in sorted(seconds)}
