"""Segment and window sums (one pass over memory) and interval coverage of buckets."""

from __future__ import annotations

import numpy as np
import pytest

from slmo.core.engine import segments
from slmo.core.engine.coverage import bucket_coverage, bucket_mask, covered_until, merge
from slmo.core.engine.segments import changes, cuts, prefix, segment_sums, window_sums


def test_cuts_are_sorted_unique_and_include_both_ends() -> None:
    assert cuts(10, [3, 3, 12, -1], [7]).tolist() == [0, 3, 7, 10]
    assert cuts(0).tolist() == [0]


def test_segment_sums_by_hand() -> None:
    values = np.array([[1, 2, 3, 4, 5], [10, 20, 30, 40, 50]], dtype=np.int32)
    # Segments [0,2) [2,2) [2,5): 1+2=3, empty=0, 3+4+5=12; 10+20=30, 0, 120.
    found = segment_sums(values, np.array([0, 2, 2, 5]))
    assert found.tolist() == [[3, 0, 12], [30, 0, 120]]
    assert found.dtype == np.int64  # int32 input is summed exactly in int64
    skipped = segment_sums(values, np.array([0, 2, 5]), skip=np.array([True, False]))
    assert skipped.tolist() == [[0, 12], [0, 120]]


def test_many_segments_take_the_reduceat_path_with_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(0, 100, size=(3, 1000)).astype(np.int32)
    bounds = np.unique(np.concatenate(([0, 1000], rng.integers(0, 1000, size=400))))
    skip = rng.random(bounds.size - 1) < 0.2
    looped = segment_sums(values, bounds, skip)
    monkeypatch.setattr(segments, "_LOOP_LIMIT", 0)
    reduced = segment_sums(values, bounds, skip)
    assert np.array_equal(looped, reduced)
    naive = [
        [0 if skip[j] else int(r[bounds[j] : bounds[j + 1]].sum()) for j in range(bounds.size - 1)] for r in values
    ]
    assert reduced.tolist() == naive


def test_float_values_sum_in_float64() -> None:
    found = segment_sums(np.array([0.5, 0.25, 0.125]), np.array([0, 1, 3]))
    assert found.dtype == np.float64
    assert found.tolist() == [0.5, 0.375]


def test_prefix_has_a_leading_zero() -> None:
    assert prefix(np.array([[1, 2, 3]])).tolist() == [[0, 1, 3, 6]]


def test_window_sums_by_hand() -> None:
    values = np.arange(1, 11)  # 1..10
    # [0,10) = 55; [7,10) = 8+9+10 = 27; [2,4) = 3+4 = 7; [5,5) = 0; [8,20) clipped = 9+10 = 19.
    found = window_sums(values, [0, 7, 2, 5, 8], [10, 10, 4, 5, 20])
    assert found.tolist() == [55, 27, 7, 0, 19]


def test_changes_mark_the_start_of_each_run() -> None:
    assert changes(np.array([True, True, False, False, True])).tolist() == [2, 4]
    assert changes(np.array([0.5])).tolist() == []


def test_merge_joins_overlapping_and_touching_intervals() -> None:
    starts, ends = merge([30, 0, 5, 20, 50], [40, 10, 12, 30, 50])
    # [0,10)+[5,12) -> [0,12); [20,30)+[30,40) touch -> [20,40); [50,50) is empty.
    assert starts.tolist() == [0, 20]
    assert ends.tolist() == [12, 40]


def test_covered_until_counts_seconds_inside_the_union() -> None:
    starts, ends = np.array([10, 30]), np.array([20, 35])
    # Up to 5: 0; 15: 5; 25: 10; 32: 12; 100: 15.
    assert covered_until([5, 15, 25, 32, 100], starts, ends).tolist() == [0, 5, 10, 12, 15]


def test_bucket_coverage_by_hand() -> None:
    # Buckets of 60 s from 0: [0,60) [60,120) [120,180) [180,240). Intervals [30,150), [200,215).
    found = bucket_coverage(0, 60, 4, [30, 200], [150, 215])
    # Bucket 0: 30 s of 60 = 0.5; bucket 1: whole = 1.0; bucket 2: 30 s = 0.5; bucket 3: 15 s = 0.25.
    assert found.tolist() == [0.5, 1.0, 0.5, 0.25]
    assert bucket_mask(0, 60, 4, [30, 200], [150, 215]).tolist() == [False, True, False, False]
    assert bucket_mask(0, 60, 4, [30, 200], [150, 215], minimum=0.5).tolist() == [True, True, True, False]


def test_no_intervals_cover_nothing() -> None:
    assert bucket_coverage(0, 60, 3, [], []).tolist() == [0.0, 0.0, 0.0]


def test_unequal_interval_arrays_are_refused() -> None:
    with pytest.raises(ValueError, match="starts"):
        merge([1, 2], [3])


@pytest.mark.parametrize("width", [2, 5, 15])
def test_equal_segments_in_runs_match_the_naive_sums(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    # Time slices of `width` buckets after a partial first one, a partial last one, and
    # service hours that skip two stretches of slices: the run-by-run reshaped path.
    rng = np.random.default_rng(width)
    values = rng.integers(0, 1000, size=(3, 1003)).astype(np.int32)
    bounds = np.unique(np.concatenate(([0, 1003], np.arange(3, 1003, width))))
    skip = np.zeros(bounds.size - 1, dtype=bool)
    skip[10:20] = True
    skip[40:45] = True
    monkeypatch.setattr(segments, "_LOOP_LIMIT", 8)  # more segments than that, fewer runs
    found = segment_sums(values, bounds, skip)
    naive = [
        [0 if skip[j] else int(r[bounds[j] : bounds[j + 1]].sum()) for j in range(bounds.size - 1)] for r in values
    ]
    assert found.tolist() == naive
