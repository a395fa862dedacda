"""Honest accuracy of the demand forecasts on real series, and their cost.

Accuracy (``bench/demand_series.py`` says which series and why): a forecast at every origin
(every day for daily series and the taxi's hours, every 3 hours for the load balancer), from
what was known then; how often the 80 % and 95 % intervals held the truth (the target: 75 to
85 % for the 80 % interval), and the mean absolute error against the seasonal-naive forecast's
(the same day or hour a week earlier) on the same steps, in the same run (the target: below it).

Cost: the time of one forecast (its fit, the refit that calibrates the intervals, the
intervals) against the seasonal-naive forecast's on the same history, in the same run.

    .venv/bin/python -m bench.bench_demand_forecast [--every-factor 1]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from bench.demand_series import plans

from slmo.core.engine.demand_backtest import backtest_demand
from slmo.core.engine.forecast_accuracy import seasonal_naive
from slmo.forecasting.demand import StatsmodelsDemandForecaster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every-factor", type=int, default=1, help="Space the origins this many times wider.")
    args = parser.parse_args()
    forecaster = StatsmodelsDemandForecaster()
    print(
        f"{'series':22} {'step':>4} {'horizon':>7} {'origins':>7} {'steps':>6} {'cover 80':>8} {'cover 95':>8}"
        f" {'MAE':>10} {'naive MAE':>10} {'ratio':>6} {'s/forecast':>10}"
    )
    coverages = []
    started = time.perf_counter()
    for plan in plans():
        origins = plan.origins(plan.bench_every * args.every_factor)
        t0 = time.perf_counter()
        found = backtest_demand(plan.history, forecaster.forecast, origins, plan.horizon, plan.season)
        spent = (time.perf_counter() - t0) / len(origins)
        coverages.append(found.coverage_80)
        step = "day" if plan.history.step_seconds == 86_400 else "hour"
        print(
            f"{plan.history.series:22} {step:>4} {plan.horizon:7d} {len(origins):7d} {found.steps:6d}"
            f" {found.coverage_80:8.1%} {found.coverage_95:8.1%} {found.mae:10.1f} {found.naive_mae:10.1f}"
            f" {found.error_ratio:6.3f} {spent:10.3f}"
        )
        assert np.isfinite(found.error_ratio)
    print(
        f"\n{len(coverages)} series in {time.perf_counter() - started:.1f} s; 80 % coverage from"
        f" {min(coverages):.1%} to {max(coverages):.1%} (target 75-85 % on each)"
    )
    # Cost of one forecast against the seasonal-naive one, on the longest history.
    longest = max(plans(), key=lambda p: len(p.history))
    history = longest.history.before(len(longest.history) - longest.horizon)
    runs = 20
    t0 = time.perf_counter()
    for _ in range(runs):
        forecaster.forecast(history, longest.horizon)
    model = (time.perf_counter() - t0) / runs
    t0 = time.perf_counter()
    for _ in range(runs * 50):
        seasonal_naive(history.values, longest.season, longest.horizon)
    naive = (time.perf_counter() - t0) / (runs * 50)
    print(
        f"one forecast ({longest.history.series}, {len(history)} steps, {longest.horizon} ahead):"
        f" {model * 1000:.1f} ms; the seasonal-naive forecast: {naive * 1e6:.1f} µs; ratio {model / naive:,.0f}"
    )


if __name__ == "__main__":
    main()
