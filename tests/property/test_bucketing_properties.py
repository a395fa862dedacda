"""Properties of bucketing that hold for any rows.

- With distinct timestamps the result depends neither on the order of the rows nor on how
  they are cut into chunks, and every count lands in exactly one bucket (sums preserved).
- A repeated timestamp replaces the earlier row: exactly as a reference that keeps the last
  row of each instant, for rows in time order however chunked, and for any order in one chunk.
- Samples follow the same rules under every reduction.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slmo.core.engine.bucketing import BucketAccumulator, Reduction, SampleAccumulator

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
sizes = st.sampled_from([1, 7, 60, 300, 3600])


def reference(rows: list[tuple[int, int, int]], size: int) -> dict[int, tuple[int, int]]:
    """The rule written plainly: the last row of each instant, summed per bucket."""
    latest = {t: (g, n) for t, g, n in rows}
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for t, (g, n) in latest.items():
        sums[t // size * size][0] += g
        sums[t // size * size][1] += n
    return {start: (g, n) for start, (g, n) in sums.items()}


def bucketed(rows: list[tuple[int, int, int]], size: int, cuts: list[int]) -> dict[int, tuple[int, int]]:
    acc = BucketAccumulator(size)
    bounds = [0, *sorted({c % (len(rows) + 1) for c in cuts}), len(rows)]
    for lo, hi in itertools.pairwise(bounds):
        part = rows[lo:hi]
        acc.add([r[0] for r in part], [r[1] for r in part], [r[2] for r in part])
    result = acc.result()
    assert (np.diff(result.starts) > 0).all() and (result.starts % size == 0).all()
    return {int(s): (int(g), int(n)) for s, g, n in zip(result.starts, result.good, result.total, strict=True)}


counts = st.integers(0, 1000).flatmap(lambda total: st.tuples(st.integers(0, total), st.just(total)))
instants = st.integers(-(10**6), 10**7)


@SETTINGS
@given(
    st.lists(st.tuples(instants, counts), min_size=1, max_size=200, unique_by=lambda r: r[0]),
    sizes,
    st.lists(st.integers(0, 10**6), max_size=6),
    st.randoms(use_true_random=False),
)
def test_distinct_instants_do_not_depend_on_order_or_chunks(
    drawn: list[tuple[int, tuple[int, int]]], size: int, cuts: list[int], random: object
) -> None:
    rows = [(t, g, n) for t, (g, n) in drawn]
    expected = reference(rows, size)
    shuffled = rows.copy()
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert bucketed(rows, size, cuts) == expected
    assert bucketed(shuffled, size, cuts) == expected
    assert bucketed(shuffled, size, []) == expected
    assert sum(g for g, _ in expected.values()) == sum(g for _, g, _ in rows)
    assert sum(n for _, n in expected.values()) == sum(n for *_, n in rows)


@SETTINGS
@given(
    st.lists(st.tuples(st.integers(0, 5000), counts), min_size=1, max_size=200),
    sizes,
    st.lists(st.integers(0, 10**6), max_size=6),
)
def test_repeats_replace_exactly_in_time_order(
    drawn: list[tuple[int, tuple[int, int]]], size: int, cuts: list[int]
) -> None:
    rows = sorted(((t, g, n) for t, (g, n) in drawn), key=lambda r: r[0])  # stable: repeats keep file order
    assert bucketed(rows, size, cuts) == reference(rows, size)


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 3000), counts), min_size=1, max_size=200), sizes)
def test_repeats_replace_exactly_in_one_chunk_in_any_order(drawn: list[tuple[int, tuple[int, int]]], size: int) -> None:
    rows = [(t, g, n) for t, (g, n) in drawn]
    acc = BucketAccumulator(size)
    acc.add([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
    result = acc.result()
    got = {int(s): (int(g), int(n)) for s, g, n in zip(result.starts, result.good, result.total, strict=True)}
    assert got == reference(rows, size)
    assert result.duplicates == len(rows) - len({r[0] for r in rows})


REDUCE = {
    Reduction.MAX: max,
    Reduction.MIN: min,
    Reduction.MEAN: lambda values: sum(values) / len(values),
}


@SETTINGS
@given(
    st.lists(st.tuples(st.integers(0, 5000), st.integers(-1000, 1000)), min_size=1, max_size=150),
    sizes,
    st.sampled_from(list(Reduction)),
    st.lists(st.integers(0, 10**6), max_size=5),
)
def test_samples_in_time_order(drawn: list[tuple[int, int]], size: int, reduction: Reduction, cuts: list[int]) -> None:
    rows = sorted(((t, float(v)) for t, v in drawn), key=lambda r: r[0])
    latest = dict(rows)
    per_bucket: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for t, v in sorted(latest.items()):
        per_bucket[t // size * size].append((t, v))
    expected = {
        start: (items[-1][1] if reduction is Reduction.LAST else REDUCE[reduction]([v for _, v in items]))
        for start, items in per_bucket.items()
    }
    acc = SampleAccumulator(size, reduction)
    bounds = [0, *sorted({c % (len(rows) + 1) for c in cuts}), len(rows)]
    for lo, hi in itertools.pairwise(bounds):
        acc.add([r[0] for r in rows[lo:hi]], [r[1] for r in rows[lo:hi]])
    result = acc.result()
    got = {int(s): float(v) for s, v in zip(result.starts, result.values, strict=True)}
    assert got.keys() == expected.keys()
    assert all(abs(got[k] - expected[k]) <= 1e-9 * max(1.0, abs(expected[k])) for k in expected)
    assert result.duplicates == len(rows) - len(latest)
