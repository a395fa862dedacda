"""Attainment per budgeting method (OpenSLO v1), threshold counts, target checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from slmo.core.engine.attainment import check_slice_target, check_target, ratio, slice_scores
from slmo.core.engine.grid import threshold_counts
from slmo.core.model.indicator import Operator
from slmo.core.model.objective import BudgetingMethod
from slmo.errors import SpecError


def test_occurrences_ratio_by_hand() -> None:
    # 997 good of 1000 events: 0.997. No events: no data (NaN), not 0 and not 1.
    found = ratio([997, 0, 5], [1000, 0, 5])
    assert found[0] == pytest.approx(0.997)
    assert math.isnan(found[1])
    assert found[2] == 1.0


def test_timeslices_count_good_slices() -> None:
    # Four one-minute slices with slice target 0.9:
    #   95/100 = 0.95 good; 90/100 = 0.90 good (>= is enough); 89/100 bad; 0/0 no data.
    score, counted = slice_scores(
        np.array([95, 90, 89, 0]), np.array([100, 100, 100, 0]), BudgetingMethod.TIMESLICES, slice_target=0.9
    )
    assert score.tolist() == [1, 1, 0, 0]
    assert counted.tolist() == [1, 1, 1, 0]
    # Attainment = 2 good slices / 3 counted slices; the slice without data is not counted.
    assert score.sum() / counted.sum() == pytest.approx(2 / 3)


def test_slice_target_comparison_is_exact_for_decimal_targets() -> None:
    # 7/10 is the double nearest 0.7; 0.7 * 10 is not 7.0 in floating point.
    score, _ = slice_scores(np.array([7]), np.array([10]), BudgetingMethod.TIMESLICES, slice_target=0.7)
    assert score.tolist() == [1]


def test_ratio_timeslices_average_the_slice_ratios() -> None:
    # Slices 1/1 = 1.0, 50/100 = 0.5, 0/0 no data: mean of counted ratios = (1 + 0.5) / 2 = 0.75.
    # Occurrences over the same events would give 51/101 = 0.505: one busy slice weighs no more.
    score, counted = slice_scores(np.array([1, 50, 0]), np.array([1, 100, 0]), BudgetingMethod.RATIO_TIMESLICES)
    assert score.tolist() == [1.0, 0.5, 0.0]
    assert counted.tolist() == [1, 1, 0]
    assert score.sum() / counted.sum() == 0.75


def test_maintenance_slices_without_data_count_as_good_when_asked() -> None:
    forced = np.array([True, True, False])
    score, counted = slice_scores(
        np.array([0, 0, 0]),
        np.array([0, 10, 0]),
        BudgetingMethod.TIMESLICES,
        slice_target=0.5,
        maintenance_only=forced,
    )
    # Slice 0: maintenance, no data -> good. Slice 1: maintenance but measured 0/10 -> bad.
    # Slice 2: no data, no maintenance -> not counted.
    assert score.tolist() == [1, 0, 0]
    assert counted.tolist() == [1, 1, 0]


def test_timeslices_need_a_slice_target() -> None:
    with pytest.raises(SpecError, match="time slice target"):
        slice_scores(np.array([1]), np.array([1]), BudgetingMethod.TIMESLICES)
    with pytest.raises(ValueError, match="not a time-slice method"):
        slice_scores(np.array([1]), np.array([1]), BudgetingMethod.OCCURRENCES)


@pytest.mark.parametrize(
    ("operator", "good"),
    [
        (Operator.LT, [1, 0, 0, 0]),
        (Operator.LTE, [1, 1, 0, 0]),
        (Operator.GT, [0, 0, 1, 0]),
        (Operator.GTE, [0, 1, 1, 0]),
    ],
)
def test_threshold_counts(operator: Operator, good: list[int]) -> None:
    # p95 latency per bucket against 300 ms: 250, 300, 350, not measured.
    found_good, found_total = threshold_counts([250.0, 300.0, 350.0, math.nan], operator, 300.0)
    assert found_good.tolist() == good
    assert found_total.tolist() == [1, 1, 1, 0]


@pytest.mark.parametrize("target", [0.0, 0.5, 0.999, 0.99999])
def test_targets_in_zero_to_one_are_accepted(target: float) -> None:
    assert check_target(target) == target


@pytest.mark.parametrize("target", [1.0, 1.5, -0.1])
def test_target_one_or_outside_is_refused(target: float) -> None:
    with pytest.raises(SpecError, match=r"\[0, 1\)"):
        check_target(target)


@pytest.mark.parametrize("target", [0.0, 1.01])
def test_slice_target_must_be_in_zero_exclusive_to_one(target: float) -> None:
    with pytest.raises(SpecError):
        check_slice_target(target)
    assert check_slice_target(1.0) == 1.0
