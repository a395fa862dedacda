"""Error budget in events and minutes, worked by hand."""

from __future__ import annotations

import pytest

from slmo.core.engine.budget import allowance, budget_left, budget_minutes, budget_spent, budget_total


def test_budget_by_hand() -> None:
    # Target 99.9 %, 1,000,000 events, 400 bad.
    # Budget = (1 - 0.999) * 1,000,000 = 1,000 events; spent 400; left = 1 - 400/1000 = 0.6.
    assert float(budget_total(1_000_000, 0.999)) == pytest.approx(1000)
    assert float(budget_spent(999_600, 1_000_000)) == 400
    assert float(budget_left(999_600, 1_000_000, 0.999)) == pytest.approx(0.6)


def test_overspent_budget_is_negative() -> None:
    # Target 99 %, 1000 events, 25 bad: budget 10, spent 25, left = 1 - 2.5 = -1.5.
    assert float(budget_left(975, 1000, 0.99)) == pytest.approx(-1.5)


def test_untouched_and_no_data_budget_is_whole() -> None:
    assert float(budget_left(1000, 1000, 0.99)) == 1.0
    assert float(budget_left(0, 0, 0.99)) == 1.0


def test_target_zero_allows_everything() -> None:
    # Target 0: the whole total is budget; even all-bad spends exactly all of it.
    assert float(budget_total(50, 0.0)) == 50
    assert float(budget_left(0, 50, 0.0)) == 0.0
    assert float(budget_left(25, 50, 0.0)) == 0.5


def test_budget_minutes_by_hand() -> None:
    # 30 days = 43,200 minutes at 99.9 %: 43.2 minutes of bad time.
    assert float(budget_minutes(43_200, 0.999)) == pytest.approx(43.2)
    # OpenSLO's example: one week at 99.95 % = 10,080 * 0.0005 = 5.04 minutes (5 min 2.4 s).
    assert float(budget_minutes(10_080, 0.9995)) == pytest.approx(5.04)
    # Service hours 08:00-17:00 on 22 working days = 11,880 minutes; at 99.5 %: 59.4 minutes.
    assert float(budget_minutes(22 * 9 * 60, 0.995)) == pytest.approx(59.4)


def test_allowance_is_one_minus_the_target_as_written() -> None:
    # In binary 1 - 0.999 = 0.0010000000000000009; the budget of 99.9 % is 0.001.
    assert allowance([0.999, 0.99999, 0.0, 0.5]).tolist() == [0.001, 0.00001, 1.0, 0.5]
    assert float(budget_total(4_320_000, 0.999)) == 4320.0
