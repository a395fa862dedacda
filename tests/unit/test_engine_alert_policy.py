"""Alert policies: the workbook's default, Sloth's scaling of its factors to the objective's
window, budget shares, custom tiers, and rules from catalogue alert conditions."""

from __future__ import annotations

import pytest

from slmo.core.engine.alert_policy import (
    WORKBOOK_CONDITIONS,
    SignalKind,
    budget_share,
    condition_from_budget,
    default_rules,
    policy_signals,
    policy_windows,
    rules_from_conditions,
    scaled_factor,
)
from slmo.core.engine.burnrate import BURN_WINDOWS
from slmo.core.model.alerting import (
    AlertCondition,
    AlertRules,
    AlertTier,
    AtRiskRule,
    BudgetThreshold,
    BurnCondition,
    NoDataRule,
)
from slmo.core.model.indicator import Operator
from slmo.core.model.plain import from_plain, to_plain

DAY = 86400


def factors(window_days: int) -> list[float]:
    return [float(scaled_factor(c, window_days * DAY)) for _, c in WORKBOOK_CONDITIONS]


def test_thirty_days_are_the_workbook_factors_exactly() -> None:
    assert factors(30) == [14.4, 6.0, 3.0, 1.0]


def test_twenty_eight_days_are_sloths_factors() -> None:
    # Sloth's google-28d.yaml: 2 % x 672 h / 1 h = 13.44; 5 % x 672 / 6 = 5.6;
    # 10 % x 672 / 24 = 2.8; 10 % x 672 / 72 = 0.933.
    assert factors(28) == [13.44, 5.6, 2.8, 0.9333333333333333]


def test_seven_days_scale_the_same_way() -> None:
    # 14.4 x 7 / 30 = 3.36: the share of the budget spent in an hour stays 2 %.
    assert factors(7) == pytest.approx([3.36, 1.4, 0.7, 0.23333333333333334])


def test_calendar_months_scale_per_month_length() -> None:
    page_quick = WORKBOOK_CONDITIONS[0][1]
    # February 2026 (28 days), March (31 days, 743 h in New York).
    found = scaled_factor(page_quick, [28 * DAY, 743 * 3600])
    assert found.tolist() == pytest.approx([13.44, 14.4 * 743 / 720])


def test_budget_shares_are_the_workbooks() -> None:
    assert [budget_share(c) for _, c in WORKBOOK_CONDITIONS] == pytest.approx([0.02, 0.05, 0.10, 0.10])


def test_conditions_from_a_budget_share_as_sloths_alert_windows() -> None:
    # Sloth's examples/windows/7d.yaml: 8 % in 1 h, 12.5 % in 6 h, 20 % in 1 d, 42 % in 3 d of 7 days.
    week = 7 * DAY
    made = [
        condition_from_budget(0.08, 3600, 300, week),
        condition_from_budget(0.125, 6 * 3600, 1800, week),
        condition_from_budget(0.20, DAY, 7200, week),
        condition_from_budget(0.42, 3 * DAY, 6 * 3600, week),
    ]
    # 0.08 x 168 = 13.44; 0.125 x 168 / 6 = 3.5; 0.2 x 7 = 1.4; 0.42 x 7 / 3 = 0.98.
    assert [float(scaled_factor(c, week)) for c in made] == pytest.approx([13.44, 3.5, 1.4, 0.98])


def test_a_condition_without_a_period_applies_as_written() -> None:
    fixed = BurnCondition(long_seconds=3600, short_seconds=None, factor=10.0, period_seconds=None)
    assert scaled_factor(fixed, [7 * DAY, 90 * DAY]).tolist() == [10.0, 10.0]
    with pytest.raises(ValueError, match="no fixed budget share"):
        budget_share(fixed)


def test_the_default_policy() -> None:
    rules = default_rules()
    assert [t.name for t in rules.tiers] == ["page", "ticket"]
    assert [(c.long_seconds, c.short_seconds, c.factor) for c in rules.tiers[0].conditions] == [
        (3600, 300, 14.4),
        (21600, 1800, 6.0),
    ]
    assert [(c.long_seconds, c.short_seconds, c.factor) for c in rules.tiers[1].conditions] == [
        (86400, 7200, 3.0),
        (259200, 21600, 1.0),
    ]
    assert (rules.budget_thresholds, rules.at_risk, rules.no_data) == ((), None, None)
    # The default reads exactly the engine's seven burn-rate windows.
    assert dict(policy_windows(rules)) == dict(BURN_WINDOWS)
    # The predictive alert comes last, on the ticket tier.
    assert [s.name for s in policy_signals(rules)] == [
        "burn 1h/5m",
        "burn 6h/30m",
        "burn 1d/2h",
        "burn 3d/6h",
        "breach forecast >= 50%",
    ]
    assert rules.forecast is not None and (rules.forecast.tier, rules.forecast.probability) == ("ticket", 0.5)


def test_signals_and_windows_of_a_customised_policy() -> None:
    rules = AlertRules(
        tiers=(
            AlertTier(name="page", conditions=(BurnCondition(long_seconds=1800, short_seconds=120, factor=20.0),)),
            AlertTier(name="warn"),
        ),
        budget_thresholds=(BudgetThreshold(tier="page", below=0.10), BudgetThreshold(tier="warn", below=0.25)),
        at_risk=AtRiskRule(tier="warn", projection_seconds=(6 * 3600, DAY)),
        no_data=NoDataRule(tier="warn", seconds=5400),
    )
    signals = policy_signals(rules)
    assert [(s.tier, s.kind, s.name) for s in signals] == [
        ("page", SignalKind.BURN_RATE, "burn 30m/2m"),
        ("page", SignalKind.BUDGET, "budget < 10%"),
        ("warn", SignalKind.BUDGET, "budget < 25%"),
        ("warn", SignalKind.AT_RISK, "at risk"),
        ("warn", SignalKind.NO_DATA, "no data 90m"),
    ]
    assert dict(policy_windows(rules)) == {"2m": 120, "30m": 1800, "90m": 5400, "6h": 21600, "1d": DAY}


def test_rules_refuse_undeclared_and_repeated_tiers() -> None:
    with pytest.raises(ValueError, match=r"not declared: \['warn'\]"):
        AlertRules(tiers=(AlertTier(name="page"),), budget_thresholds=(BudgetThreshold(tier="warn", below=0.2),))
    with pytest.raises(ValueError, match="unique"):
        AlertRules(tiers=(AlertTier(name="page"), AlertTier(name="page")))


def test_conditions_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="positive"):
        BurnCondition(long_seconds=0, short_seconds=None, factor=1.0)
    with pytest.raises(ValueError, match="factor"):
        BurnCondition(long_seconds=3600, short_seconds=300, factor=0.0)


def _condition(name: str, severity: str, threshold: float, lookback: int, short: int | None) -> AlertCondition:
    return AlertCondition(
        name=name,
        severity=severity,
        operator=Operator.GT,
        threshold=threshold,
        lookback_seconds=lookback,
        short_lookback_seconds=short,
    )


def test_rules_from_catalogue_conditions() -> None:
    conditions = [
        _condition("slow", "ticket", 1.0, 3 * DAY, 6 * 3600),
        _condition("fast", "page", 14.4, 3600, 300),
        _condition("chat", "chat", 2.0, 6 * 3600, None),
    ]
    rules = rules_from_conditions(conditions, no_data=NoDataRule(tier="ops", seconds=3600))
    assert [t.name for t in rules.tiers] == ["page", "ticket", "chat", "ops"]
    assert rules.tiers[0].conditions == (
        BurnCondition(long_seconds=3600, short_seconds=300, factor=14.4, period_seconds=None),
    )
    assert rules.tiers[2].conditions[0].short_seconds is None
    scaled = rules_from_conditions(conditions[:1], period_seconds=30 * DAY)
    assert float(scaled_factor(scaled.tiers[0].conditions[0], 28 * DAY)) == pytest.approx(0.9333333333333333)


def test_rules_from_conditions_refuse_what_is_not_burn_rate_above() -> None:
    below = AlertCondition(name="odd", severity="page", operator=Operator.LT, threshold=1.0, lookback_seconds=3600)
    with pytest.raises(ValueError, match="only burn rate above a threshold"):
        rules_from_conditions([below])


def test_rules_keep_to_plain_values_and_back() -> None:
    """The store keeps model objects as plain values (``plain.py``)."""
    rules = default_rules(
        budget_thresholds=(BudgetThreshold(tier="ticket", below=0.25),),
        at_risk=AtRiskRule(),
        no_data=NoDataRule(seconds=1800),
    )
    assert from_plain(AlertRules, to_plain(rules)) == rules
    condition = _condition("fast", "page", 14.4, 3600, 300)
    assert to_plain(condition)["short_lookback_seconds"] == 300
    assert from_plain(AlertCondition, to_plain(condition)) == condition
