"""The in-memory measurement and evaluation fakes, and the chunk rules they share with the SQL
store (``slmo.store.chunks``), in the unit tier: no database, milliseconds.

The behaviour every store shares is tested on all of them in
``tests/integration/test_store_measurements.py`` and ``test_store_evaluations.py``; this
module adds the chunk geometry, a model-based property of merging, and what only the fakes have.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slmo.core.model.measurement import BucketBatch, SampleBatch
from slmo.core.model.objective import BudgetingMethod
from slmo.core.model.results import Evaluation, EvaluationStatus, ObjectiveEvaluation
from slmo.errors import StoreError
from slmo.store.chunks import (
    CountChunk,
    CountGrid,
    ValueChunk,
    chunk_seconds,
    count_write,
    merge_counts,
    present_span,
)
from slmo.store.memory import MemoryStore

MIDNIGHT = int(dt.datetime(2026, 3, 1, tzinfo=dt.UTC).timestamp())


def batch(starts: list[int], good: list[int], total: list[int], source: str = "s", bucket: int = 60) -> BucketBatch:
    return BucketBatch(
        indicator="i",
        source=source,
        bucket_seconds=bucket,
        starts=np.asarray(starts, dtype=np.int64),
        good=np.asarray(good, dtype=np.int64),
        total=np.asarray(total, dtype=np.int64),
    )


@pytest.mark.parametrize(
    ("bucket", "span"),
    [
        (1, 86_400),
        (60, 86_400),
        (300, 86_400),
        (3600, 86_400),
        (86_400, 86_400),
        (7, 7 * 1440),
        (604_800, 604_800 * 1440),
    ],
)
def test_a_chunk_is_a_utc_day_when_the_bucket_divides_one(bucket: int, span: int) -> None:
    assert chunk_seconds(bucket) == span
    with pytest.raises(ValueError, match="positive"):
        chunk_seconds(0)


def test_buckets_of_a_length_that_does_not_divide_a_day_cross_their_chunks() -> None:
    store = MemoryStore()
    span = chunk_seconds(7)
    boundary = (MIDNIGHT // span + 1) * span
    with store.unit_of_work() as uow:
        uow.measurements.write_buckets(batch([boundary - 7, boundary], [1, 2], [3, 4], bucket=7))
        uow.commit()
        series = uow.measurements.read_buckets("i", boundary - 14, boundary + 14, 7)
        assert series.total.tolist() == [0, 3, 4, 0]
        assert uow.measurements.bucket_range("i") == (boundary - 7, boundary + 7)
    assert sorted(store.measurements.buckets.chunks["i"]["s"]) == [boundary - span, boundary]


def test_merging_the_same_write_again_gives_the_same_bytes() -> None:
    write = count_write(batch([MIDNIGHT, MIDNIGHT + 60], [1, 2], [3, 4]))
    (first,) = merge_counts(write, {})
    (again,) = merge_counts(write, {first.start: first})
    assert (again.good, again.total) == (first.good, first.total)
    assert len(first.total) == 1440 * 4


def test_a_chunk_is_int32_until_a_count_needs_more() -> None:
    (small,) = merge_counts(count_write(batch([MIDNIGHT], [2**31 - 1], [2**31 - 1])), {})
    (large,) = merge_counts(count_write(batch([MIDNIGHT + 60], [0], [2**31])), {small.start: small})
    assert len(small.total) == 1440 * 4
    assert len(large.total) == 1440 * 8
    good, total = large.arrays()
    assert total[:2].tolist() == [2**31 - 1, 2**31]
    assert good[:2].tolist() == [2**31 - 1, 0]


def test_present_span_and_damaged_chunks() -> None:
    (chunk,) = merge_counts(count_write(batch([MIDNIGHT + 120, MIDNIGHT + 600], [0, 0], [0, 0])), {})
    assert present_span(chunk) == (MIDNIGHT + 120, MIDNIGHT + 660)
    with pytest.raises(StoreError, match="damaged"):
        CountChunk(MIDNIGHT, 60, b"", b"").arrays()
    with pytest.raises(StoreError, match="damaged"):
        ValueChunk(MIDNIGHT, 60, b"\x00" * 8).array()


def test_a_grid_reads_chunks_of_a_finer_length_by_summing() -> None:
    (chunk,) = merge_counts(count_write(batch([MIDNIGHT, MIDNIGHT + 60, MIDNIGHT + 3600], [1, 1, 1], [1, 2, 3])), {})
    grid = CountGrid(["i"], MIDNIGHT, MIDNIGHT + 7200, 3600)
    grid.add("i", chunk)
    series = grid.series()["i"]
    assert series.total.tolist() == [3, 3]
    assert series.good.tolist() == [2, 1]


# Buckets of three days from two sources, in batches of any order and repeats.
_entry = st.tuples(
    st.sampled_from(["a", "b"]),
    st.integers(min_value=-1440, max_value=2 * 1440),  # minutes from MIDNIGHT
    st.integers(min_value=0, max_value=50),
    st.integers(min_value=0, max_value=2**33),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_entry, min_size=0, max_size=30), min_size=1, max_size=6), st.integers(0, 3))
def test_any_sequence_of_batches_reads_as_last_value_per_source_summed(
    batches: list[list[tuple[str, int, int, int]]], commit_every: int
) -> None:
    store = MemoryStore()
    expected: dict[str, dict[int, tuple[int, int]]] = defaultdict(dict)
    uow = store.unit_of_work()
    for n, entries in enumerate(batches):
        for source in ("a", "b"):
            mine = [(m, g, g + extra) for s, m, g, extra in entries if s == source]
            if not mine:
                continue
            starts = [MIDNIGHT + m * 60 for m, _, _ in mine]
            uow.measurements.write_buckets(batch(starts, [g for _, g, _ in mine], [t for _, _, t in mine], source))
            for m, g, t in mine:
                expected[source][m] = (g, t)
        if commit_every and n % commit_every == 0:
            uow.commit()
    uow.commit()
    with store.unit_of_work() as reader:
        series = reader.measurements.read_buckets("i", MIDNIGHT - 1440 * 60, MIDNIGHT + 2 * 1440 * 60 + 60, 60)
    good = np.zeros(3 * 1440 + 1, dtype=np.int64)
    total = np.zeros_like(good)
    present = np.zeros(good.shape, dtype=np.bool_)
    for by_minute in expected.values():
        for m, (g, t) in by_minute.items():
            good[m + 1440] += g
            total[m + 1440] += t
            present[m + 1440] = True
    assert series.good.tolist() == good.tolist()
    assert series.total.tolist() == total.tolist()
    assert series.present.tolist() == present.tolist()


def test_writes_are_replayed_at_commit_so_concurrent_units_of_work_keep_both() -> None:
    store = MemoryStore()
    first, second = store.unit_of_work(), store.unit_of_work()
    first.measurements.write_buckets(batch([MIDNIGHT], [1], [1]))
    second.measurements.write_buckets(batch([MIDNIGHT + 60], [2], [2]))
    second.commit()
    first.commit()
    with store.unit_of_work() as uow:
        assert uow.measurements.read_buckets("i", MIDNIGHT, MIDNIGHT + 120, 60).total.tolist() == [1, 2]


def test_delete_then_write_in_one_unit_of_work_commits_in_that_order() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        uow.measurements.write_buckets(batch([MIDNIGHT, MIDNIGHT + 60], [1, 1], [1, 1]))
        uow.measurements.write_samples(SampleBatch("i", "s", 60, np.asarray([MIDNIGHT]), np.asarray([1.0])))
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.measurements.delete_measurements("i") == 2  # type: ignore[attr-defined]
        uow.measurements.write_buckets(batch([MIDNIGHT + 300], [5], [5], bucket=300))
        assert uow.measurements.read_buckets("i", MIDNIGHT, MIDNIGHT + 600, 300).total.tolist() == [0, 5]
        with store.unit_of_work() as other:  # not committed yet: others still see the old data
            assert other.measurements.bucket_range("i") == (MIDNIGHT, MIDNIGHT + 120)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.measurements.read_buckets("i", MIDNIGHT, MIDNIGHT + 600, 300).total.tolist() == [0, 5]
        assert np.isnan(uow.measurements.read_samples("i", MIDNIGHT, MIDNIGHT + 60, 60).values).all()
    assert store.measurements.samples.chunks["i"] == {}


def record(objective: str, good: float = 10.0) -> ObjectiveEvaluation:
    at = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    return ObjectiveEvaluation(
        agreement="sla",
        version=1,
        service=None,
        indicator="i",
        evaluation=Evaluation(
            objective=objective,
            at=at,
            window_start=at - dt.timedelta(days=30),
            window_end=at,
            budgeting=BudgetingMethod.OCCURRENCES,
            good=good,
            total=10.0,
            attainment=good / 10.0,
            target=0.9,
            budget_total=1.0,
            budget_spent=10.0 - good,
            budget_left=1.0 - (10.0 - good),
            burn_rates={},
            status=EvaluationStatus.MET,
        ),
    )


def test_evaluations_keep_their_first_id_when_replaced_by_another_unit_of_work() -> None:
    store = MemoryStore()
    with store.unit_of_work() as uow:
        uow.evaluations.add([record("a"), record("b")])
        uow.commit()
    with store.unit_of_work() as uow:
        uow.evaluations.add([record("a", good=1.0)])
        uow.commit()
        assert [r.evaluation.objective for r in uow.evaluations.list()] == ["a", "b"]
    assert sorted(row_id for row_id, _ in store.evaluations.values()) == [1, 2]
