"""In-memory evaluation benchmark: 1,000 ratio objectives x 30 days of one-minute buckets.

Measures attainment, error budget, status and burn rates over the seven alert windows for
every objective (``evaluate_batch``, records included, and the array core alone), and
compares with the floor: one numpy sum over the same good and total arrays, in the same
run. Target: at most 3x the floor.

    .venv/bin/python bench/bench_evaluate.py [--objectives 1000] [--days 30] [--dtype int32]
        [--budgeting occurrences|timeslices|ratio_timeslices] [--service-hours shared|per-objective]

The target is for the default (ratio objectives, Occurrences, 24x7); the options measure the
other paths: five-minute time slices, and Sunday-Thursday 08:00-16:00 service hours given
once for all objectives (the fast path) or as one mask row per objective.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable

import numpy as np

from slmo.core.engine.evaluation import evaluate_batch, evaluate_group
from slmo.core.engine.grid import BucketGrid
from slmo.core.model.objective import BudgetingMethod, Objective, TimeSlice, Window, WindowUnit
from slmo.core.model.text import LocalizedText


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return min(times)


def buckets(objectives: int, count: int, dtype: str, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Traffic with a daily cycle and per-objective volume; errors mostly rare, with bursts."""
    rng = np.random.default_rng(seed)
    minute = np.arange(count)
    daily = 1.0 + 0.6 * np.sin(2 * np.pi * (minute % 1440) / 1440)
    volume = rng.lognormal(mean=4.0, sigma=1.0, size=(objectives, 1))
    total = np.empty((objectives, count), dtype=dtype)
    bad = np.empty((objectives, count), dtype=dtype)
    for row in range(objectives):  # row by row keeps the temporary float arrays small
        expected = volume[row] * daily
        total[row] = rng.poisson(expected)
        rate = np.full(count, 0.0005)
        burst = rng.integers(0, count - 120)
        rate[burst : burst + 60] = 0.2
        bad[row] = rng.binomial(total[row], rate)
    good = total - bad
    return good, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objectives", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--dtype", choices=["int32", "int64"], default="int32")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--budgeting", choices=[m.value for m in BudgetingMethod], default="occurrences")
    parser.add_argument("--service-hours", choices=["shared", "per-objective"], default=None)
    args = parser.parse_args()
    method = BudgetingMethod(args.budgeting)
    time_slice = None if method is BudgetingMethod.OCCURRENCES else TimeSlice(seconds=300, target=0.95)

    count = args.days * 1440
    good, total = buckets(args.objectives, count, args.dtype)
    start = int(dt.datetime(2026, 10, 1, tzinfo=dt.UTC).timestamp())
    at = start + count * 60
    service = None
    if args.service_hours is not None:
        minute_of_day = np.arange(count) % 1440
        weekday = (np.arange(count) // 1440 + 3) % 7  # 2026-10-01 is a Thursday (Monday = 0)
        service = (minute_of_day >= 8 * 60) & (minute_of_day < 16 * 60) & np.isin(weekday, [6, 0, 1, 2, 3])
        if args.service_hours == "per-objective":
            service = np.broadcast_to(service, good.shape).copy()
    grid = BucketGrid(start=start, bucket_seconds=60, good=good, total=total, service=service)
    window = Window(length=args.days, unit=WindowUnit.DAY, rolling=True)
    rng = np.random.default_rng(1)
    targets = rng.choice([0.99, 0.995, 0.999, 0.9995], size=args.objectives)
    objectives = [
        Objective(
            name=f"objective-{i:04d}",
            display_name=LocalizedText.plain(f"Objective {i}"),
            indicator=f"indicator-{i:04d}",
            target=float(targets[i]),
            window=window,
            budgeting=method,
            time_slice=time_slice,
        )
        for i in range(args.objectives)
    ]
    gigabytes = (good.nbytes + total.nbytes) / 1e9

    def floor() -> object:
        return good.sum(axis=1), total.sum(axis=1)

    def core() -> object:
        return evaluate_group(
            grid,
            at,
            window=window,
            target=targets,
            budgeting=method,
            slice_seconds=None if time_slice is None else time_slice.seconds,
            slice_target=None if time_slice is None else time_slice.target,
        )

    def batch() -> object:
        return evaluate_batch(objectives, grid, at)

    batch()  # warm up imports and caches
    floor_s = best_of(args.repeat, floor)
    core_s = best_of(args.repeat, core)
    batch_s = best_of(args.repeat, batch)
    mode = args.budgeting + ("" if args.service_hours is None else f", {args.service_hours} service hours")
    shape = f"{args.objectives} objectives x {count} buckets ({args.dtype}, {gigabytes:.2f} GB, {mode})"
    print(f"floor (one numpy sum over good and total): {floor_s:.3f} s")
    print(f"evaluate_group (arrays) {shape}: {core_s:.3f} s; ratio {core_s / floor_s:.2f}x")
    print(
        f"evaluate {shape}: {batch_s:.3f} s; floor (one numpy sum): {floor_s:.3f} s;"
        f" ratio {batch_s / floor_s:.2f}x (target <= 3x)"
    )


if __name__ == "__main__":
    main()
