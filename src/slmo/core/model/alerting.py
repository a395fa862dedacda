"""Alert policies and notification targets, in OpenSLO's terms, and the rules the engine
applies to decide when an objective alerts (``AlertRules``: tiers of multiwindow burn-rate
conditions, budget thresholds, the at-risk projection, no data; see ``docs/alerting.md``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from slmo.core.model.indicator import Operator
from slmo.core.model.text import LocalizedText
from slmo.core.model.ticket import DEFAULT_WARNINGS


@dataclass(frozen=True, kw_only=True)
class AlertCondition:
    """Burn rate ``operator threshold`` over ``lookback_seconds``, held for ``alert_after_seconds``.

    ``short_lookback_seconds`` makes it a multiwindow condition (SRE workbook, "Alerting on
    SLOs"): the burn rate must pass the threshold over the short window too, so that the alert
    resets soon after the problem stops."""

    name: str
    display_name: LocalizedText | None = None
    severity: str
    operator: Operator
    threshold: float
    lookback_seconds: int
    alert_after_seconds: int | None = None
    kind: str = "burnrate"
    description: LocalizedText | None = None
    labels: Mapping[str, Any] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    short_lookback_seconds: int | None = None


@dataclass(frozen=True, kw_only=True)
class NotificationTarget:
    name: str
    display_name: LocalizedText | None = None
    target: str
    description: LocalizedText | None = None
    labels: Mapping[str, Any] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class AlertPolicy:
    """When to alert on an objective and whom to tell. Conditions and targets are named;
    they may be defined inline (kept here) or as objects of their own. Objectives name the
    policies that apply to them (``Objective.alert_policies``). An alert left unacknowledged
    for ``escalate_after_seconds`` (30 minutes when ``None``) moves to the next contact level."""

    name: str
    display_name: LocalizedText | None = None
    conditions: tuple[str, ...] = ()
    notification_targets: tuple[str, ...] = ()
    alert_when_no_data: bool = False
    alert_when_resolved: bool = False
    alert_when_breaching: bool = True
    description: LocalizedText | None = None
    labels: Mapping[str, Any] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    escalate_after_seconds: int | None = None


PAGE = "page"
TICKET = "ticket"
MONTH_SECONDS = 30 * 86400
"""The SRE workbook states its burn-rate factors for a 30-day window."""


@dataclass(frozen=True, kw_only=True)
class BurnCondition:
    """Fire when the burn rate exceeds ``factor`` over the long window and over the short one.

    ``factor`` is stated for an objective window of ``period_seconds`` and scaled to the
    objective's own window ``W`` as ``factor * W / period_seconds`` (Sloth's rule: the factor
    that spends the same share of the budget over the long window); with ``period_seconds``
    ``None`` it applies as written to any window. ``short_seconds`` ``None`` makes a
    single-window condition.
    """

    long_seconds: int
    short_seconds: int | None
    factor: float
    period_seconds: int | None = MONTH_SECONDS

    def __post_init__(self) -> None:
        if self.long_seconds <= 0 or (self.short_seconds is not None and self.short_seconds <= 0):
            raise ValueError(f"alert windows must be positive, got {self.long_seconds} and {self.short_seconds}")
        if not self.factor > 0:
            raise ValueError(f"a burn-rate factor must be positive, got {self.factor}")
        if self.period_seconds is not None and self.period_seconds <= 0:
            raise ValueError(f"period_seconds must be positive, got {self.period_seconds}")


@dataclass(frozen=True, kw_only=True)
class AlertTier:
    """A named level of urgency (``page``, ``ticket``, or any other name) and the burn-rate
    conditions that raise it; any one condition is enough."""

    name: str
    conditions: tuple[BurnCondition, ...] = ()


@dataclass(frozen=True, kw_only=True)
class BudgetThreshold:
    """Raise ``tier`` while the share of the window's error budget left is below ``below``
    (0.25: three quarters spent)."""

    tier: str
    below: float


@dataclass(frozen=True, kw_only=True)
class AtRiskRule:
    """Raise ``tier`` when, at the fastest burn rate over ``projection_seconds``, the window
    would end below target (the projection of ``status``'s at-risk rule)."""

    tier: str = TICKET
    projection_seconds: tuple[int, ...] = (6 * 3600, 86400, 3 * 86400)


@dataclass(frozen=True, kw_only=True)
class ForecastRule:
    """Raise ``tier`` when the forecast of where the window will end (``core.engine.forecast``)
    gives a breach at least ``probability``, once it draws on ``min_history_days`` of the
    objective's past: the predictive alert, which looks past the burn rates of the last hours
    to the whole rest of the window."""

    tier: str = TICKET
    probability: float = 0.5
    min_history_days: int = 7

    def __post_init__(self) -> None:
        if not 0 < self.probability <= 1:
            raise ValueError(f"a forecast rule's probability is in (0, 1], got {self.probability}")
        if self.min_history_days < 0:
            raise ValueError(f"min_history_days must not be negative, got {self.min_history_days}")


@dataclass(frozen=True, kw_only=True)
class NoDataRule:
    """Raise ``tier`` when nothing was counted (total 0) over the last ``seconds``."""

    tier: str = TICKET
    seconds: int = 3600


@dataclass(frozen=True, kw_only=True)
class AlertRules:
    """Everything that decides when an objective alerts, tier by tier. ``tiers`` lists the
    tiers in order of urgency (most urgent first); budget thresholds and the at-risk and
    no-data rules name one of them. ``silence_in_maintenance`` suppresses every tier during
    agreed maintenance. ``elapsed_warnings`` are the shares of a ticket's target at which a
    ticket warning is due (``elapsed_warning_levels``)."""

    tiers: tuple[AlertTier, ...]
    budget_thresholds: tuple[BudgetThreshold, ...] = ()
    at_risk: AtRiskRule | None = None
    no_data: NoDataRule | None = None
    forecast: ForecastRule | None = None
    silence_in_maintenance: bool = True
    elapsed_warnings: tuple[float, ...] = DEFAULT_WARNINGS

    def __post_init__(self) -> None:
        names = [tier.name for tier in self.tiers]
        if len(set(names)) != len(names):
            raise ValueError(f"tier names must be unique, got {names}")
        named = [t.tier for t in self.budget_thresholds]
        named += [rule.tier for rule in (self.at_risk, self.no_data, self.forecast) if rule is not None]
        unknown = sorted(set(named) - set(names))
        if unknown:
            raise ValueError(f"rules name tiers that are not declared: {unknown} (tiers: {names})")
