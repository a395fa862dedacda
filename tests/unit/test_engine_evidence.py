"""The target history meets with a given confidence: the order-statistic bound of
``core.engine.evidence``, worked by hand (``docs/formulas.md``, "Evidence for a proposed target")."""

from __future__ import annotations

import pytest

from slmo.core.engine.evidence import confident_target, confident_targets, met, periods_needed

# Twelve months of attainment; sorted: 0.997, 0.998, 0.9985, 0.9988, 0.9989, 0.9991, ...
YEAR = [0.9995, 0.9992, 0.9988, 0.9997, 0.998, 0.9991, 0.9985, 0.9996, 0.9993, 0.997, 0.9989, 0.9994]


def test_periods_needed_for_each_confidence() -> None:
    # n >= 1 / (1 - c) - 1: 1/0.1 - 1 = 9, 1/0.05 - 1 = 19, 1/0.01 - 1 = 99.
    assert [periods_needed(c) for c in (0.9, 0.95, 0.99)] == [9, 19, 99]
    with pytest.raises(ValueError, match="a confidence is in"):
        periods_needed(1.0)


def test_a_year_of_months() -> None:
    ninety, ninety_five, ninety_nine = confident_targets(YEAR)
    # k = floor(13 * 0.10) = floor(1.3) = 1: the lowest month, 0.997, met by the next with
    # probability at least (13 - 1) / 13 = 12/13 = 0.923.
    assert (ninety.target, ninety.rank, ninety.periods) == (0.997, 1, 12)
    assert ninety.assured == pytest.approx(12 / 13)
    # k = floor(13 * 0.05) = floor(0.65) = 0: twelve months cannot back 95 %, nor 99 %.
    assert (ninety_five.target, ninety_five.rank, ninety_five.assured, ninety_five.periods_needed) == (
        None,
        None,
        None,
        19,
    )
    assert (ninety_nine.target, ninety_nine.periods_needed) == (None, 99)


def test_the_edges_are_exact() -> None:
    """(n + 1)(1 - c) is computed on the decimals written: 20 * (1 - 0.95) is exactly 1, where
    binary floats make it 0.9999999999999998 and would give no target."""
    nineteen = [0.99 + i / 10_000 for i in range(19)]
    found = confident_target(nineteen, 0.95)
    assert (found.target, found.rank, found.assured) == (0.99, 1, 0.95)
    # The first nine months: 10 * (1 - 0.9) = 1, so their lowest (0.998) at exactly 90 %.
    nine = confident_target(YEAR[:9], 0.9)
    assert (nine.target, nine.rank, nine.assured) == (0.998, 1, 0.9)
    assert confident_target(YEAR[:8], 0.9).target is None


def test_more_periods_take_a_higher_rank() -> None:
    two_years = YEAR + [a - 0.0001 for a in YEAR]
    # n = 24. 90 %: k = floor(25 * 0.1) = 2, the second lowest (0.9969 then 0.997), assured
    # 23/25 = 0.92; 95 %: k = floor(1.25) = 1, the lowest, 24/25 = 0.96; 99 %: k = 0.
    ninety, ninety_five, ninety_nine = confident_targets(two_years)
    assert (ninety.target, ninety.rank) == (0.997, 2) and ninety.assured == pytest.approx(0.92)
    assert ninety_five.target == pytest.approx(0.9969) and ninety_five.rank == 1
    assert ninety_five.assured == pytest.approx(0.96)
    assert ninety_nine.target is None
    # 100 periods: the 99 % bound is the lowest of them, at 100/101.
    hundred = [0.999] * 99 + [0.95]
    assert confident_target(hundred, 0.99).target == 0.95


def test_ties_and_no_history() -> None:
    assert confident_target([0.99] * 10, 0.9).target == 0.99
    nothing = confident_target([], 0.9)
    assert (nothing.target, nothing.periods) == (None, 0)


def test_a_period_meets_a_target_at_or_above_it() -> None:
    assert met(0.999, 0.999) is True
    assert met(0.99899, 0.999) is False
    assert met(None, 0.999) is None
