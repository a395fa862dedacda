"""Evaluating objectives end to end on small grids, every figure worked out by hand.

The grid: twelve one-minute buckets from T0, ten events each unless said otherwise, and a
rolling ten-minute window evaluated at T0 + 12 min, so the window holds buckets 2 to 11.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from slmo.core.engine.evaluation import evaluate, evaluate_batch, evaluate_group
from slmo.core.engine.grid import BucketGrid
from slmo.core.engine.status import StatusRules
from slmo.core.model.indicator import Operator
from slmo.core.model.measurement import BucketSeries as StoredSeries
from slmo.core.model.measurement import SampleSeries
from slmo.core.model.objective import BudgetingMethod, MaintenancePolicy, Objective, TimeSlice, Window, WindowUnit
from slmo.core.model.results import EvaluationStatus
from slmo.core.model.text import LocalizedText
from slmo.errors import SpecError

T0 = 1_790_000_040  # a whole minute
MINUTE = 60
AT = T0 + 12 * MINUTE
TEN_MINUTES = Window(length=10, unit=WindowUnit.MINUTE, rolling=True)
SHORT = {"5m": 300, "2m": 120}


def objective(name: str = "api", **fields: Any) -> Objective:
    fields.setdefault("target", 0.9)
    fields.setdefault("window", TEN_MINUTES)
    return Objective(name=name, display_name=LocalizedText.plain(name), indicator="requests", **fields)


def series(bad: dict[int, int], *, total: int = 10, count: int = 12, **weights: Any) -> BucketGrid:
    totals = np.full(count, total, dtype=np.int64)
    bads = np.zeros(count, dtype=np.int64)
    for i, b in bad.items():
        bads[i] = b
    return BucketGrid.of(T0, MINUTE, totals - bads, totals, **weights)


# Bad events: 5 in bucket 0 (outside the window), 2 in bucket 10, 1 in bucket 11.
BAD = {0: 5, 10: 2, 11: 1}


def test_occurrences_by_hand() -> None:
    found = evaluate(objective(), series(BAD), AT, burn_windows=SHORT)
    # Window: 10 buckets x 10 = 100 events, 3 bad: attainment 97/100.
    assert (found.good, found.total) == (97, 100)
    assert found.attainment == pytest.approx(0.97)
    # Budget (1 - 0.9) * 100 = 10 events; spent 3; left 1 - 3/10 = 0.7.
    assert found.budget_total == pytest.approx(10)
    assert found.budget_spent == 3
    assert found.budget_left == pytest.approx(0.7)
    # 5m = buckets 7-11: 3 bad of 50 = 0.06 / 0.1 = 0.6. 2m = buckets 10-11: 3 of 20 = 1.5.
    assert found.burn_rates == {"5m": pytest.approx(0.6), "2m": pytest.approx(1.5)}
    assert found.status is EvaluationStatus.MET
    assert found.budget_minutes_total is None
    assert found.window_start.timestamp() == T0 + 2 * MINUTE
    assert found.window_end.timestamp() == AT


def test_measurements_after_at_are_not_read() -> None:
    later = series({**BAD, 12: 10, 13: 10}, count=14)
    assert evaluate(objective(), later, AT, burn_windows=SHORT) == evaluate(
        objective(), series(BAD), AT, burn_windows=SHORT
    )


def test_a_bucket_counts_in_the_window_its_start_falls_in() -> None:
    # At T0 + 11.5 min the window is [T0 + 1.5 min, T0 + 11.5 min): buckets 2 to 11 again.
    found = evaluate(objective(), series(BAD), AT - 30, burn_windows=SHORT)
    assert (found.good, found.total) == (97, 100)


def test_no_data() -> None:
    found = evaluate(objective(), series({}, total=0), AT, burn_windows=SHORT)
    assert found.status is EvaluationStatus.NO_DATA
    assert found.attainment is None
    assert found.budget_left == 1.0
    assert found.burn_rates == {"5m": None, "2m": None}


def test_service_hours_leave_other_buckets_out() -> None:
    service = np.zeros(12, dtype=bool)
    service[4:10] = True
    # Only buckets 4-9 count: 60 events; 3 bad in bucket 5: 57/60 = 0.95. The bad events of
    # buckets 10 and 11 are outside service hours.
    found = evaluate(objective(), series({**BAD, 5: 3}, service=service), AT, burn_windows=SHORT)
    assert (found.good, found.total) == (57, 60)
    # 2m (buckets 10-11) is all outside service hours: no data.
    assert found.burn_rates["2m"] is None


def test_maintenance_excluded_or_counted_good() -> None:
    excluded = np.zeros(12, dtype=bool)
    excluded[10] = True  # the 2 bad events of bucket 10 fall in agreed maintenance
    s = series(BAD, excluded=excluded)
    # EXCLUDE: bucket 10 leaves good and total: 90 events, 1 bad.
    left_out = evaluate(objective(maintenance=MaintenancePolicy.EXCLUDE), s, AT, burn_windows=SHORT)
    assert (left_out.good, left_out.total) == (89, 90)
    # GOOD: bucket 10 stays with all 10 events good: 100 events, 1 bad.
    counted = evaluate(objective(maintenance=MaintenancePolicy.GOOD), s, AT, burn_windows=SHORT)
    assert (counted.good, counted.total) == (99, 100)


def test_fractional_weights() -> None:
    service = np.ones(12)
    service[11] = 0.5  # half of bucket 11 inside service hours
    found = evaluate(objective(), series(BAD, service=service), AT, burn_windows=SHORT)
    # Total 90 + 0.5 * 10 = 95; bad 2 + 0.5 * 1 = 2.5.
    assert found.total == pytest.approx(95)
    assert found.good == pytest.approx(92.5)


def test_weights_per_objective_match_shared_weights() -> None:
    a, b = np.zeros(12, dtype=bool), np.ones(12, dtype=bool)
    a[3:8] = True
    one = series(BAD)
    both = BucketGrid.of(
        T0, MINUTE, np.stack([one.good, one.good]), np.stack([one.total, one.total]), service=np.stack([a, b])
    )
    found = evaluate_batch([objective("a"), objective("b")], both, AT, burn_windows=SHORT)
    alone = [
        evaluate(objective(name), series(BAD, service=w), AT, burn_windows=SHORT, top=0)
        for name, w in (("a", a), ("b", b))
    ]
    assert found == alone


SLICES = TimeSlice(seconds=120, target=0.95)


def slice_series(**weights: Any) -> BucketGrid:
    # Two-minute slices from the window start: [2,3] [4,5] [6,7] [8,9] [10,11].
    # Buckets 4-5 have no data; bucket 10 has 8 good of 10, bucket 11 10 of 10.
    total = np.full(12, 10)
    total[4:6] = 0
    good = total.copy()
    good[10] = 8
    return BucketGrid.of(T0, MINUTE, good, total, **weights)


def test_timeslices_by_hand() -> None:
    obj = objective(target=0.5, budgeting=BudgetingMethod.TIMESLICES, time_slice=SLICES)
    found = evaluate(obj, slice_series(), AT, burn_windows=SHORT)
    # Slice [10,11]: 18/20 = 0.9 < 0.95, bad. [4,5]: no data, not counted. Three good of four.
    assert (found.good, found.total) == (3, 4)
    assert found.attainment == 0.75
    # Budget 0.5 * 4 = 2 slices, 1 spent, left 0.5.
    assert (found.budget_total, found.budget_spent, found.budget_left) == (2.0, 1.0, 0.5)
    # Minutes: 0.5 * 10 window minutes = 5; spent the bad slice's 2 minutes; 3 left.
    assert (found.budget_minutes_total, found.budget_minutes_spent, found.budget_minutes_left) == (5.0, 2.0, 3.0)
    # 2m: the one bad slice: (1/1) / 0.5 = 2. 5m: slices starting in [7, 12): [8,9] and [10,11]:
    # one bad of two: 0.5 / 0.5 = 1.
    assert found.burn_rates == {"5m": 1.0, "2m": 2.0}


def test_ratio_timeslices_by_hand() -> None:
    obj = objective(target=0.5, budgeting=BudgetingMethod.RATIO_TIMESLICES, time_slice=SLICES)
    found = evaluate(obj, slice_series(), AT, burn_windows=SHORT)
    # Ratios 1, 1, 1, 0.9 over four counted slices: (3.9) / 4 = 0.975.
    assert found.total == 4
    assert found.attainment == pytest.approx(0.975)
    # Spent 0.1 slice; in minutes 0.1 * 2 = 0.2.
    assert found.budget_spent == pytest.approx(0.1)
    assert found.budget_minutes_spent == pytest.approx(0.2)


def test_timeslices_in_maintenance() -> None:
    excluded = np.zeros(12, dtype=bool)
    excluded[4:6] = True  # the slice without data is agreed maintenance
    good_policy = objective(
        target=0.5, budgeting=BudgetingMethod.TIMESLICES, time_slice=SLICES, maintenance=MaintenancePolicy.GOOD
    )
    found = evaluate(good_policy, slice_series(excluded=excluded), AT, burn_windows=SHORT)
    # GOOD: the maintenance slice counts as good: 4 good of 5; budget minutes over all 10.
    assert (found.good, found.total) == (4, 5)
    assert found.budget_minutes_total == 5.0
    exclude_policy = objective(target=0.5, budgeting=BudgetingMethod.TIMESLICES, time_slice=SLICES)
    found = evaluate(exclude_policy, slice_series(excluded=excluded), AT, burn_windows=SHORT)
    # EXCLUDE: it is not counted, and its 2 minutes leave the budget: 0.5 * 8 = 4 minutes.
    assert (found.good, found.total) == (3, 4)
    assert found.budget_minutes_total == 4.0


def test_threshold_objective_per_slice() -> None:
    # p95 latency per minute against "< 300 ms"; two-minute slices with no slice target: a
    # slice is good when every measured minute meets the bound.
    values = np.full(12, 200.0)
    values[7] = 450.0  # one slow minute: slice [6,7] is bad
    values[8] = np.nan  # nothing measured: slice [8,9] is judged on bucket 9 alone
    s = BucketGrid.of_values(T0, MINUTE, values, Operator.LT, 300.0)
    obj = objective(
        target=0.5,
        budgeting=BudgetingMethod.TIMESLICES,
        time_slice=TimeSlice(seconds=120),
        operator=Operator.LT,
        value=300.0,
    )
    found = evaluate(obj, s, AT, burn_windows=SHORT)
    assert (found.good, found.total) == (4, 5)


def test_batch_equals_one_by_one_for_mixed_objectives() -> None:
    rng = np.random.default_rng(11)
    total = rng.integers(0, 20, size=(4, 12))
    good = total - rng.binomial(total, 0.1)
    objectives = [
        objective("a", target=0.9),
        objective("b", target=0.5, budgeting=BudgetingMethod.TIMESLICES, time_slice=SLICES),
        objective("c", target=0.8),
        objective("d", target=0.7, window=Window(length=1, unit=WindowUnit.HOUR, rolling=False)),
    ]
    found = evaluate_batch(objectives, BucketGrid.of(T0, MINUTE, good, total), AT, burn_windows=SHORT)
    one_by_one = [
        evaluate(o, BucketGrid.of(T0, MINUTE, good[i], total[i]), AT, burn_windows=SHORT, top=0)
        for i, o in enumerate(objectives)
    ]
    assert found == one_by_one


def test_group_takes_one_target_per_row() -> None:
    s = series(BAD)
    both = BucketGrid.of(T0, MINUTE, np.stack([s.good, s.good]), np.stack([s.total, s.total]))
    found = evaluate_group(both, AT, window=TEN_MINUTES, target=[0.9, 0.99], burn_windows=SHORT)
    # Same 3 bad of 100: budget 10 events (left 0.7) or 1 event (left 1 - 3 = -2, breached).
    assert found.budget_left.tolist() == pytest.approx([0.7, -2.0])
    assert found.status.tolist() == [0, 2]


def test_status_rules_are_parameters() -> None:
    rules = StatusRules(at_risk_budget_left=0.8)
    found = evaluate(objective(), series(BAD), AT, burn_windows=SHORT, rules=rules)
    assert found.status is EvaluationStatus.AT_RISK  # 0.7 left < 0.8


def test_invalid_objectives_are_spec_errors() -> None:
    with pytest.raises(SpecError, match="target"):
        evaluate(objective(target=1.0), series(BAD), AT)
    with pytest.raises(SpecError, match="time slice"):
        evaluate(objective(budgeting=BudgetingMethod.TIMESLICES), series(BAD), AT)
    with pytest.raises(SpecError, match="whole number"):
        evaluate(
            objective(budgeting=BudgetingMethod.RATIO_TIMESLICES, time_slice=TimeSlice(seconds=90)), series(BAD), AT
        )
    with pytest.raises(SpecError, match="time slice target"):
        evaluate(objective(budgeting=BudgetingMethod.TIMESLICES, time_slice=TimeSlice(seconds=60)), series(BAD), AT)


def test_misshapen_input_is_refused() -> None:
    with pytest.raises(ValueError, match="must be equal"):
        BucketGrid.of(T0, MINUTE, [1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="service"):
        BucketGrid.of(T0, MINUTE, [1, 2], [1, 2], service=[True])
    with pytest.raises(ValueError, match="one objective"):
        s = series(BAD)
        evaluate(objective(), BucketGrid.of(T0, MINUTE, np.stack([s.good] * 2), np.stack([s.total] * 2)), AT)
    with pytest.raises(ValueError, match="objectives need"):
        evaluate_batch([objective()], series(BAD), AT)


def test_grids_from_the_store_series() -> None:
    s = series(BAD)
    stored = StoredSeries(start=T0, bucket_seconds=MINUTE, good=s.good, total=s.total, present=s.total > 0)
    one = BucketGrid.of_series(stored)
    assert evaluate(objective(), one, AT, burn_windows=SHORT) == evaluate(objective(), s, AT, burn_windows=SHORT)
    two = BucketGrid.of_series([stored, stored])
    assert two.good.shape == (2, 12)
    with pytest.raises(ValueError, match="share"):
        BucketGrid.of_series(
            [
                stored,
                StoredSeries(start=T0 + 60, bucket_seconds=MINUTE, good=s.good, total=s.total, present=s.total > 0),
            ]
        )
    samples = SampleSeries(start=T0, bucket_seconds=MINUTE, values=np.array([100.0, np.nan, 500.0]))
    values = BucketGrid.of_samples(samples, Operator.LTE, 300.0)
    assert (values.good.tolist(), values.total.tolist()) == ([1, 0, 0], [1, 0, 1])


def test_engine_public_names_are_exported_and_sorted() -> None:
    from slmo.core import engine

    assert engine.__all__ == sorted(engine.__all__, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    assert all(hasattr(engine, name) for name in engine.__all__)
