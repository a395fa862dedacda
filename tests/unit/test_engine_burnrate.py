"""Burn rate (SRE workbook, chapter 5 "Alerting on SLOs"): formula and the workbook's table."""

from __future__ import annotations

import math

import pytest

from slmo.core.engine.burnrate import (
    BURN_WINDOWS,
    budget_consumed,
    burn_rate,
    rate_for_consumption,
    seconds_to_exhaustion,
    window_seconds,
)

HOUR = 3600
DAY = 86400
PERIOD = 30 * DAY


def test_burn_rate_by_hand() -> None:
    # Target 99.9 %: 1.44 % errors over the window burn at 0.0144 / 0.001 = 14.4.
    assert float(burn_rate(9856, 10_000, 0.999)) == pytest.approx(14.4)
    # 0.1 % errors burn at exactly the sustainable pace: 1.
    assert float(burn_rate(999, 1000, 0.999)) == pytest.approx(1.0)
    assert float(burn_rate(1000, 1000, 0.999)) == 0.0
    assert math.isnan(float(burn_rate(0, 0, 0.999)))


@pytest.mark.parametrize(
    ("consumed", "window", "rate"),
    [
        (0.02, 1 * HOUR, 14.4),  # page
        (0.05, 6 * HOUR, 6.0),  # page
        (0.10, 3 * DAY, 1.0),  # ticket
    ],
)
def test_workbook_table_of_recommended_alerts(consumed: float, window: int, rate: float) -> None:
    # burn rate = consumed * period / window, and back.
    assert rate_for_consumption(consumed, window, PERIOD) == pytest.approx(rate)
    assert budget_consumed(rate, window, PERIOD) == pytest.approx(consumed)


def test_burn_rate_one_exhausts_the_budget_exactly_at_the_window_end() -> None:
    assert budget_consumed(1.0, PERIOD, PERIOD) == 1.0
    # Half-way through the period at rate 1, half the period's budget is gone.
    assert budget_consumed(1.0, PERIOD / 2, PERIOD) == 0.5
    # Rate 2 exhausts it half-way through.
    assert budget_consumed(2.0, PERIOD / 2, PERIOD) == 1.0


def test_seconds_to_exhaustion_by_hand() -> None:
    # 10 days elapsed, 40 % of the budget left, burning at 3 from now on:
    # x = 0.4 * 10 d / (3 - 1) = 2 days.
    assert float(seconds_to_exhaustion(0.4, 3.0, 10 * DAY)) == pytest.approx(2 * DAY)
    # A rate of 1 or less never exhausts a budget that is left; NaN (no data) neither.
    assert math.isinf(float(seconds_to_exhaustion(0.4, 1.0, 10 * DAY)))
    assert math.isinf(float(seconds_to_exhaustion(0.4, math.nan, 10 * DAY)))
    # A budget already gone is exhausted now.
    assert float(seconds_to_exhaustion(-0.1, 0.5, 10 * DAY)) == 0.0


def test_window_labels() -> None:
    assert [window_seconds(label) for label in BURN_WINDOWS] == list(BURN_WINDOWS.values())
    assert list(BURN_WINDOWS) == ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]
    with pytest.raises(ValueError, match="window label"):
        window_seconds("1 hour")
