"""Properties of the evaluation engine that hold for any measurements.

- attainment stays in [0, 1] and budget left = 1 - spent / budget for every method;
- breached exactly when the budget is overspent;
- results do not depend on the order events were ingested in, nor on the bucket size;
- window sums are additive and equal the naive sums, by either summing path;
- one batch evaluation equals the objectives evaluated one by one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slmo.core.engine import segments
from slmo.core.engine.coverage import bucket_coverage
from slmo.core.engine.evaluation import evaluate, evaluate_batch
from slmo.core.engine.grid import BucketGrid
from slmo.core.engine.segments import segment_sums, window_sums
from slmo.core.model.objective import BudgetingMethod, MaintenancePolicy, Objective, TimeSlice, Window, WindowUnit
from slmo.core.model.results import EvaluationStatus
from slmo.core.model.text import LocalizedText

T0 = 1_790_000_100  # a multiple of 300 s: five-minute buckets line up with one-minute ones
BURN = {"5m": 300, "15m": 900, "1h": 3600}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

methods = st.sampled_from(list(BudgetingMethod))
policies = st.sampled_from(list(MaintenancePolicy))
targets = st.sampled_from([0.0, 0.5, 0.9, 0.99, 0.999])


def objective(name: str, target: float, method: BudgetingMethod, policy: MaintenancePolicy, **extra: Any) -> Objective:
    slices = None if method is BudgetingMethod.OCCURRENCES else TimeSlice(seconds=300, target=0.9)
    extra.setdefault("window", Window(length=2, unit=WindowUnit.HOUR, rolling=True))
    return Objective(
        name=name,
        display_name=LocalizedText.plain(name),
        indicator="requests",
        target=target,
        budgeting=method,
        time_slice=slices,
        maintenance=policy,
        **extra,
    )


@st.composite
def measurements(draw: st.DrawFn, minutes: int = 180) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Good and total per minute (bursty, with gaps), service and maintenance masks."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    total = rng.integers(0, 50, size=minutes) * (rng.random(minutes) > draw(st.sampled_from([0.0, 0.3, 0.9])))
    good = total - rng.binomial(total, draw(st.sampled_from([0.0, 0.01, 0.2, 1.0])))
    service = rng.random(minutes) > draw(st.sampled_from([0.0, 0.5]))
    excluded = rng.random(minutes) < draw(st.sampled_from([0.0, 0.1]))
    return good, total, service, excluded


@SETTINGS
@given(measurements(), methods, policies, targets, st.integers(0, 180))
def test_attainment_in_unit_interval_and_budget_consistent(
    data: tuple[np.ndarray, ...], method: BudgetingMethod, policy: MaintenancePolicy, target: float, minute: int
) -> None:
    good, total, service, excluded = data
    s = BucketGrid.of(T0, 60, good, total, service=service, excluded=excluded)
    found = evaluate(objective("p", target, method, policy), s, T0 + minute * 60, burn_windows=BURN)
    if found.total == 0:
        assert found.status is EvaluationStatus.NO_DATA
        assert found.attainment is None
        return
    assert found.attainment is not None
    assert 0.0 <= found.attainment <= 1.0
    assert 0 <= found.good <= found.total
    assert found.budget_total == pytest.approx((1 - target) * found.total)
    assert found.budget_spent == pytest.approx(found.total - found.good)
    if found.budget_total > 0:
        assert found.budget_left == pytest.approx(1 - found.budget_spent / found.budget_total)
    # Breached exactly when overspent (away from the floating-point edge).
    if abs(found.attainment - target) > 1e-9:
        assert (found.status is EvaluationStatus.BREACHED) == (found.budget_left < 0)
    assert all(r is None or r >= 0 for r in found.burn_rates.values())
    if found.budget_minutes_spent is not None:
        assert found.budget_minutes_spent >= 0


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 179), st.booleans()), max_size=300), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_ingestion_order(events: list[tuple[int, bool]], shuffle: Any) -> None:
    def ingest(batch: list[tuple[int, bool]]) -> BucketGrid:
        good, total = np.zeros(180, dtype=np.int64), np.zeros(180, dtype=np.int64)
        minute = np.array([m for m, _ in batch], dtype=np.intp)
        ok = np.array([g for _, g in batch], dtype=np.int64)
        np.add.at(total, minute, 1)
        np.add.at(good, minute, ok)
        return BucketGrid.of(T0, 60, good, total)

    reordered = list(events)
    shuffle.shuffle(reordered)
    obj = objective("o", 0.9, BudgetingMethod.OCCURRENCES, MaintenancePolicy.EXCLUDE)
    at = T0 + 180 * 60
    assert evaluate(obj, ingest(events), at, burn_windows=BURN) == evaluate(
        obj, ingest(reordered), at, burn_windows=BURN
    )


@SETTINGS
@given(measurements(), methods, targets, st.integers(1, 36))
def test_results_do_not_depend_on_bucket_size(
    data: tuple[np.ndarray, ...], method: BudgetingMethod, target: float, fives: int
) -> None:
    good, total, _, _ = data
    fine = BucketGrid.of(T0, 60, good, total)
    coarse = BucketGrid.of(T0, 300, good.reshape(-1, 5).sum(axis=1), total.reshape(-1, 5).sum(axis=1))
    obj = objective("b", target, method, MaintenancePolicy.EXCLUDE)
    at = T0 + fives * 300  # windows and slices line up with both grids
    one, five = evaluate(obj, fine, at, burn_windows=BURN), evaluate(obj, coarse, at, burn_windows=BURN)
    assert (one.good, one.total, one.status) == (five.good, five.total, five.status)
    assert one.burn_rates == five.burn_rates
    assert one.contributors == five.contributors


@SETTINGS
@given(
    st.lists(st.integers(-1000, 1000), min_size=1, max_size=200),
    st.integers(0, 200),
    st.integers(0, 200),
    st.integers(0, 200),
)
def test_window_sums_are_additive_and_exact(values: list[int], a: int, b: int, c: int) -> None:
    lo, mid, hi = sorted((a, b, c))
    v = np.array(values, dtype=np.int32)
    left, right, whole = window_sums(v, [lo, mid, lo], [mid, hi, hi]).tolist()
    assert left + right == whole
    assert whole == int(v[lo:hi].sum(dtype=np.int64))


@SETTINGS
@given(
    st.lists(st.integers(-1000, 1000), min_size=1, max_size=300),
    st.lists(st.integers(0, 300), max_size=40),
    st.integers(1, 12),
    st.integers(0, 12),
    st.lists(st.booleans(), max_size=300),
)
def test_every_segment_path_agrees(
    values: list[int], points: list[int], width: int, offset: int, skips: list[bool]
) -> None:
    v = np.array(values, dtype=np.int32)
    for bounds in (segments.cuts(v.size, points), segments.cuts(v.size, np.arange(offset, v.size, width))):
        skip = np.resize(np.array(skips or [False]), bounds.size - 1)
        naive = [0 if skip[j] else int(v[bounds[j] : bounds[j + 1]].sum()) for j in range(bounds.size - 1)]
        saved = segments._LOOP_LIMIT
        try:
            for limit in (saved, 3, 0):  # loop; equal runs (or reduceat); reduceat
                segments._LOOP_LIMIT = limit
                assert segment_sums(v, bounds, skip).tolist() == naive
        finally:
            segments._LOOP_LIMIT = saved


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 600), st.integers(0, 120)), max_size=8))
def test_coverage_matches_counting_seconds(intervals: list[tuple[int, int]]) -> None:
    starts = [s for s, _ in intervals]
    ends = [s + d for s, d in intervals]
    found = bucket_coverage(0, 60, 12, starts, ends)
    covered = np.zeros(720, dtype=bool)
    for s, e in zip(starts, ends, strict=True):
        covered[s:e] = True
    assert np.allclose(found, covered.reshape(12, 60).mean(axis=1))


@SETTINGS
@given(st.lists(st.tuples(measurements(), methods, policies, targets), min_size=1, max_size=4), st.integers(0, 180))
def test_batch_equals_one_by_one(rows: list[tuple[Any, ...]], minute: int) -> None:
    objectives = [objective(f"o{i}", t, m, p) for i, (_, m, p, t) in enumerate(rows)]
    service = rows[0][0][2]  # one calendar shared by the batch
    good = np.stack([d[0] for d, *_ in rows])
    total = np.stack([d[1] for d, *_ in rows])
    at = T0 + minute * 60
    batch = evaluate_batch(objectives, BucketGrid.of(T0, 60, good, total, service=service), at, burn_windows=BURN)
    alone = [
        evaluate(o, BucketGrid.of(T0, 60, good[i], total[i], service=service), at, burn_windows=BURN, top=0)
        for i, o in enumerate(objectives)
    ]
    assert batch == alone
