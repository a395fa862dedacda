"""Honest accuracy of the attainment forecasts on real series, and their cost.

Accuracy (``bench/forecast_nab.py`` says how each NAB series becomes an objective): a forecast
every 6 hours of where each window will end, from what was known then; how often the 80 % and
95 % intervals held the truth (the target: 75 to 85 % for the 80 % interval), and the mean
absolute error against the naive seasonal forecast's (the rest of the window as it was a week
earlier) computed at the same instants (the target: below it).

Cost: one forecast against the evaluation it is made with (``evaluate`` of the same objective
over the same grid at the same instant), on the longest series, timed in the same run.

    .venv/bin/python -m bench.bench_forecast [--step-hours 6]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from bench.forecast_nab import backtest, case, pooled, series_paths

from slmo.core.engine.evaluation import evaluate
from slmo.core.engine.forecast import forecast_objective


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--step-hours", type=int, default=6)
    args = parser.parse_args()
    results = []
    print(f"{'series':42} {'window':6} {'forecasts':>9} {'cover 80':>8} {'cover 95':>8} {'MAE':>8} {'naive':>8}")
    started = time.perf_counter()
    cases = [case(p) for p in series_paths()]
    for one in cases:
        found = backtest(one, step_hours=args.step_hours)
        if found.count == 0:
            print(f"{one.name:42} (too short for a window with history)")
            continue
        results.append(found)
        error, naive = found.errors()
        print(
            f"{one.name:42} {one.objective.window.unit.value:6} {found.count:9d} {found.coverage(0.80):8.2f}"
            f" {found.coverage(0.95):8.2f} {error:8.4f} {naive:8.4f}"
        )
    spent = time.perf_counter() - started
    total = pooled(results)
    print(
        f"\nall {len(results)} series, {total.forecasts} forecasts in {spent:.1f} s:"
        f" 80 % interval covers {total.coverage_80:.1%} (target 75-85 %),"
        f" 95 % interval covers {total.coverage_95:.1%};"
        f" mean absolute error {total.error:.4f} against the naive seasonal forecast's {total.naive_error:.4f}:"
        f" ratio {total.error_ratio:.3f} (target below 1)"
    )
    longest = max(cases, key=lambda c: c.grid.count)
    at = longest.grid.start + int((longest.grid.end - longest.grid.start) * 0.8) // 3600 * 3600
    runs = 50
    t0 = time.perf_counter()
    for _ in range(runs):
        evaluate(longest.objective, longest.grid, at)
    evaluation = (time.perf_counter() - t0) / runs
    t0 = time.perf_counter()
    for _ in range(runs):
        forecast_objective(longest.objective, longest.grid, at)
    forecast = (time.perf_counter() - t0) / runs
    print(
        f"one forecast ({longest.name}, {longest.grid.count} buckets): {forecast * 1000:.2f} ms;"
        f" the evaluation it comes with: {evaluation * 1000:.2f} ms; ratio {forecast / evaluation:.2f}"
    )
    assert np.isfinite(total.error_ratio)


if __name__ == "__main__":
    main()
