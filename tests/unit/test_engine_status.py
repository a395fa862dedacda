"""Status rules: no_data, breached, at_risk (budget low, or projected exhaustion), met."""

from __future__ import annotations

import pytest

from slmo.core.engine.status import StatusRules, status
from slmo.core.model.results import EvaluationStatus

DAY = 86400


def test_no_data_wins() -> None:
    assert status(total=0, attainment=None, target=0.99, budget_left=1.0) is EvaluationStatus.NO_DATA


def test_breached_when_attainment_below_target() -> None:
    # 98 % against 99 %: budget 1 %, spent 2 %, left -1.
    assert status(total=100, attainment=0.98, target=0.99, budget_left=-1.0) is EvaluationStatus.BREACHED


def test_attainment_equal_to_target_is_not_breached() -> None:
    found = status(total=100, attainment=0.99, target=0.99, budget_left=0.0)
    assert found is EvaluationStatus.AT_RISK  # nothing left, but not breached


@pytest.mark.parametrize(("left", "expected"), [(0.24, EvaluationStatus.AT_RISK), (0.25, EvaluationStatus.MET)])
def test_at_risk_below_the_budget_threshold(left: float, expected: EvaluationStatus) -> None:
    assert status(total=100, attainment=0.995, target=0.99, budget_left=left) is expected


def test_threshold_is_a_parameter() -> None:
    rules = StatusRules(at_risk_budget_left=0.5)
    assert status(total=100, attainment=0.995, target=0.99, budget_left=0.4, rules=rules) is EvaluationStatus.AT_RISK


def test_at_risk_when_the_burn_rate_would_exhaust_the_budget_before_the_end() -> None:
    # 10 days into a 30-day month, 60 % left. Burning at 2: exhausted in 0.6 * 10 / (2 - 1) = 6
    # days, before the 20 days left: at risk. Burning at 1.2: 0.6 * 10 / 0.2 = 30 days: met.
    def at(rate: float | None) -> EvaluationStatus:
        return status(
            total=100,
            attainment=0.996,
            target=0.99,
            budget_left=0.6,
            projected_rate=rate,
            elapsed=10 * DAY,
            horizon=20 * DAY,
        )

    assert at(2.0) is EvaluationStatus.AT_RISK
    assert at(1.2) is EvaluationStatus.MET
    assert at(None) is EvaluationStatus.MET
