"""Forecast accuracy measures, worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from slmo.core.engine import (
    error_ratio,
    interval_coverage,
    mase,
    mean_absolute_error,
    seasonal_naive,
    seasonal_naive_scale,
    skill_score,
)

NAN = float("nan")


def test_coverage_counts_both_ends_as_inside() -> None:
    # Truths 1, 5, 10, 11 in [1, 10]: 1 (low end) and 10 (high end) and 5 inside, 11 out: 3/4.
    assert interval_coverage([1, 5, 10, 11], [1, 1, 1, 1], [10, 10, 10, 10]) == 0.75


def test_coverage_with_intervals_per_step() -> None:
    # Step 1: 4 in [3, 5] yes; step 2: 2 in [3, 5] no; step 3: 9 in [8, 8] no; step 4: 8 in [8, 8] yes.
    assert interval_coverage([4, 2, 9, 8], [3, 3, 8, 8], [5, 5, 8, 8]) == 0.5


def test_coverage_leaves_missing_truths_out() -> None:
    # The NaN truth is a gap in the record: 2 of the 3 known truths are inside.
    assert interval_coverage([1, NAN, 3, 7], [0, 0, 0, 0], [5, 5, 5, 5]) == pytest.approx(2 / 3)


def test_coverage_of_nothing_is_nan() -> None:
    assert math.isnan(interval_coverage([], [], []))
    assert math.isnan(interval_coverage([NAN], [0], [1]))


def test_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="different lengths"):
        interval_coverage([1, 2], [0], [3, 3])


def test_mean_absolute_error_by_hand() -> None:
    # |10-12| + |20-17| + |30-30| + |40-44| = 2 + 3 + 0 + 4 = 9; 9 / 4 = 2.25.
    assert mean_absolute_error([10, 20, 30, 40], [12, 17, 30, 44]) == 2.25
    # The pair with a missing forecast is left out: (2 + 0 + 4) / 3 = 2.
    assert mean_absolute_error([10, 20, 30, 40], [12, NAN, 30, 44]) == 2.0
    assert math.isnan(mean_absolute_error([], []))


def test_seasonal_naive_repeats_the_last_season() -> None:
    # Season 3, history ... 7 8 9 | 1 2 3: steps 1..7 are 1 2 3 1 2 3 1.
    history = [7, 8, 9, 1, 2, 3]
    assert seasonal_naive(history, 3, 7).tolist() == [1, 2, 3, 1, 2, 3, 1]
    # Season 1 is the plain naive forecast: the last value.
    assert seasonal_naive(history, 1, 3).tolist() == [3, 3, 3]
    assert seasonal_naive(history, 3, 0).size == 0


def test_seasonal_naive_keeps_a_gap_as_a_gap() -> None:
    out = seasonal_naive([5, 6, NAN, 8], 2, 3)
    assert math.isnan(out[0])
    assert out[1] == 8
    assert math.isnan(out[2])


def test_seasonal_naive_does_not_share_memory_with_the_history() -> None:
    history = np.array([1.0, 2.0])
    out = seasonal_naive(history, 2, 2)
    out[0] = 99
    assert history[0] == 1.0


def test_seasonal_naive_needs_a_whole_season() -> None:
    with pytest.raises(ValueError, match="one whole season"):
        seasonal_naive([1, 2], 7, 3)
    with pytest.raises(ValueError, match="at least 1"):
        seasonal_naive([1, 2], 0, 3)


def test_seasonal_naive_scale_by_hand() -> None:
    # Season 2 over 1 4 3 6 6: differences 3-1=2, 6-4=2, 6-3=3: mean 7/3.
    assert seasonal_naive_scale([1, 4, 3, 6, 6], 2) == pytest.approx(7 / 3)
    # Too short for one difference.
    assert math.isnan(seasonal_naive_scale([1, 4], 2))


def test_mase_by_hand() -> None:
    # Scale 7/3 (above); forecast errors |7-6| and |9-6| give MAE 2; MASE = 2 / (7/3) = 6/7.
    assert mase([7, 9], [6, 6], [1, 4, 3, 6, 6], 2) == pytest.approx(6 / 7)
    # An exactly seasonal history has scale 0: an exact forecast scores 0, any error infinity.
    assert mase([1, 2], [1, 2], [1, 2, 1, 2], 2) == 0.0
    assert mase([1, 2], [1, 3], [1, 2, 1, 2], 2) == math.inf


def test_error_ratio_and_skill_by_hand() -> None:
    truth = [100, 120, 80, 100]
    model = [98, 125, 80, 103]  # errors 2 5 0 3: MAE 2.5
    naive = [90, 110, 100, 100]  # errors 10 10 20 0: MAE 10
    assert error_ratio(truth, model, naive) == 0.25
    assert skill_score(truth, model, naive) == 0.75
    # Worse than the reference: ratio 4, skill -3.
    assert error_ratio(truth, naive, model) == 4.0
    assert skill_score(truth, naive, model) == -3.0


def test_error_ratio_measures_both_on_the_same_steps() -> None:
    # The reference has a gap on step 2, so step 2 leaves both errors: model 2, 0 -> 1; naive 4, 2 -> 3.
    assert error_ratio([10, 20, 30], [12, 99, 30], [14, NAN, 28]) == pytest.approx(1 / 3)


def test_error_ratio_when_the_reference_is_exact() -> None:
    assert error_ratio([1, 2], [1, 2], [1, 2]) == 1.0
    assert error_ratio([1, 2], [1, 3], [1, 2]) == math.inf
    assert math.isnan(error_ratio([], [], []))
