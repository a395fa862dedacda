"""Bucketing the rows of one import: sums per bucket, a repeated timestamp replaces the
earlier row, samples reduce to one value per bucket."""

from __future__ import annotations

import math

import numpy as np
import pytest

from slmo.core.engine.bucketing import BucketAccumulator, Reduction, SampleAccumulator

M = 60


def buckets(acc: BucketAccumulator) -> dict[int, tuple[int, int]]:
    result = acc.result()
    return {int(s): (int(g), int(t)) for s, g, t in zip(result.starts, result.good, result.total, strict=True)}


def test_rows_in_a_bucket_are_summed_and_starts_are_multiples() -> None:
    acc = BucketAccumulator(M)
    acc.add([0, 59, 60, 185], [1, 2, 3, 4], [2, 3, 4, 5])
    assert buckets(acc) == {0: (3, 5), 60: (3, 4), 180: (4, 5)}
    result = acc.result()
    assert result.bucket_seconds == M and result.duplicates == 0 and len(result) == 3
    assert result.starts.dtype == np.int64 and result.good.dtype == np.int64


def test_buckets_floor_before_1970_too() -> None:
    acc = BucketAccumulator(M)
    acc.add([-1, -60, -61], [1, 1, 1], [1, 1, 1])
    assert buckets(acc) == {-60: (2, 2), -120: (1, 1)}


def test_a_repeated_timestamp_replaces_the_earlier_row_within_a_chunk() -> None:
    acc = BucketAccumulator(M)
    acc.add([10, 20, 10, 10], [1, 2, 3, 4], [1, 2, 3, 5])
    assert buckets(acc) == {0: (6, 7)}
    assert acc.result().duplicates == 2


def test_a_repeated_timestamp_replaces_across_chunks_in_time_order() -> None:
    acc = BucketAccumulator(M)
    acc.add([0, 30, 60], [1, 1, 1], [1, 1, 1])
    acc.add([60, 90], [5, 1], [5, 1])  # the file was cut after the first row at 60
    acc.add([90, 120], [0, 1], [9, 1])
    assert buckets(acc) == {0: (2, 2), 60: (5, 14), 120: (1, 1)}
    assert acc.result().duplicates == 2


def test_the_same_file_twice_in_one_import_counts_once() -> None:
    acc = BucketAccumulator(M)
    rows = ([0, 60, 120], [1, 2, 3], [1, 2, 3])
    acc.add(*rows)
    acc.add(*rows)
    assert buckets(acc) == {0: (1, 1), 60: (2, 2), 120: (3, 3)}


def test_rows_out_of_order_across_chunks_insert_buckets() -> None:
    acc = BucketAccumulator(M)
    acc.add([600, 700], [1, 1], [1, 1])
    acc.add([0, 650, 6000], [2, 2, 2], [2, 2, 2])
    acc.add([120, 610], [3, 3], [3, 3])
    assert buckets(acc) == {0: (2, 2), 120: (3, 3), 600: (6, 6), 660: (1, 1), 6000: (2, 2)}


def test_documented_limit_a_late_repeat_of_an_earlier_instant_is_combined() -> None:
    """Out of time order across chunks, only a bucket's latest row can be replaced."""
    acc = BucketAccumulator(M)
    acc.add([10, 20], [1, 1], [1, 1])
    acc.add([10], [5], [5])  # 10 was not the bucket's latest instant (20 was)
    assert buckets(acc) == {0: (7, 7)}
    whole = BucketAccumulator(M)
    whole.add([10, 20, 10], [1, 1, 5], [1, 1, 5])  # in one chunk the repeat replaces
    assert buckets(whole) == {0: (6, 6)}


def test_many_chunks_grow_the_state() -> None:
    acc = BucketAccumulator(M)
    for part in range(30):
        times = (part * 500 + np.arange(500)) * M
        acc.add(times, np.ones(500), np.full(500, 2))
    result = acc.result()
    assert len(result) == 15_000
    assert (np.diff(result.starts) == M).all()
    assert int(result.good.sum()) == 15_000 and int(result.total.sum()) == 30_000


def test_probes_count_up_as_good() -> None:
    acc = BucketAccumulator(M)
    acc.add_probes([0, 20, 40, 60, 60], [True, False, True, False, True])
    assert buckets(acc) == {0: (2, 3), 60: (1, 1)}


def test_empty_chunks_and_an_empty_result() -> None:
    acc = BucketAccumulator()
    acc.add([], [], [])
    result = acc.result()
    assert len(result) == 0 and result.bucket_seconds == 60


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="bucket_seconds must be positive"):
        BucketAccumulator(0)
    with pytest.raises(ValueError, match="one length"):
        BucketAccumulator().add([1, 2], [1], [1, 2])


@pytest.mark.parametrize(
    ("reduction", "expected"),
    [
        (Reduction.MAX, {0: 200.0, 60: 50.0}),
        (Reduction.MIN, {0: 100.0, 60: 50.0}),
        (Reduction.MEAN, {0: 150.0, 60: 50.0}),
        (Reduction.LAST, {0: 200.0, 60: 50.0}),
    ],
)
def test_samples_reduce_to_one_value_per_bucket(reduction: Reduction, expected: dict[int, float]) -> None:
    acc = SampleAccumulator(M, reduction)
    acc.add([20, 0, 40], [150.0, 100.0, 999.0])
    acc.add([40, 70], [200.0, 50.0])  # 40 repeated: 200 replaces 999
    result = acc.result()
    assert {int(s): float(v) for s, v in zip(result.starts, result.values, strict=True)} == expected
    assert result.duplicates == 1


def test_samples_repeats_replace_and_maximum_is_the_default() -> None:
    acc = SampleAccumulator(M)
    assert acc.reduction is Reduction.MAX
    acc.add([0, 30, 30], [1.0, 9.0, 2.0])
    acc.add([30], [0.5])
    result = acc.result()
    assert result.values.tolist() == [1.0] and result.duplicates == 2
    assert not any(math.isnan(v) for v in result.values)
