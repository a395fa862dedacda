"""Backtest of the default alert policy on the NAB CPU series, and the speed of the backtest.

Data: the Numenta Anomaly Benchmark's CPU-utilisation series in
../shared/data/nab-real-aws-cloudwatch-and-known-cause (every file whose name holds
``cpu_utilization``: eight EC2 and two RDS instances from realAWSCloudwatch, and the
auto-scaling group of realKnownCause), with NAB's labelled anomaly windows
(``labels/combined_windows.json``). Timestamps carry no zone and are read as UTC.

Each series becomes a threshold objective the way the project's real-data tests and
examples/reports.yaml make one: samples into 5-minute buckets (the maximum per bucket, as
``slmo ingest samples`` does), a bucket good when CPU is below the bound, 5-minute time
slices with slice target 1.0, target 99 % over a rolling 7 days. Two bounds: 97 % (the
examples' ``cpu-headroom`` objective) and the series' own 99th percentile (as
tests/integration/test_nab_real_data.py bounds fe7f93 at 64.25).

The default policy (the SRE workbook's page and ticket conditions, scaled to 7 days) is
replayed at every 5-minute boundary and its alerts matched against the labelled windows by
the rules of docs/alerting.md (an alert overlapping a window is a true alarm; a window
overlapped by an alert is detected).

Speed: the vectorised history (``alert_history`` + ``backtest``) against a naive loop that
calls ``evaluate_alerts`` at every instant, measured in the same run on one series (and the
two must agree instant by instant), and on a year of one-minute buckets (the naive loop
timed on 2,000 of its instants and scaled up; said so in the output).

    .venv/bin/python -m bench.bench_backtest [--window-days 7] [--grace-minutes 0]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from bench.bench_evaluate import buckets

from slmo.core.engine.alert_history import AlertHistory, alert_history
from slmo.core.engine.alert_policy import default_rules
from slmo.core.engine.alert_rules import evaluate_alerts
from slmo.core.engine.backtest import ANY_TIER, BacktestResult, Intervals, backtest
from slmo.core.engine.bucketing import SampleAccumulator
from slmo.core.engine.grid import BucketGrid
from slmo.core.model.indicator import Operator
from slmo.core.model.objective import BudgetingMethod, Objective, TimeSlice, Window, WindowUnit
from slmo.core.model.text import LocalizedText
from slmo.sources.samples import read_samples

ROOT = Path(__file__).resolve().parents[1]
NAB = ROOT.parent / "shared" / "data" / "nab-real-aws-cloudwatch-and-known-cause"
BUCKET = 300
TIERS = ("page", "ticket", ANY_TIER)


def load(relative: str) -> tuple[int, np.ndarray]:
    """Dense 5-minute values of one series (NaN where no sample), as ingest buckets them."""
    accumulator = SampleAccumulator(BUCKET)
    for chunk in read_samples(NAB / relative, relative, now_epoch=int(time.time()), tz="UTC"):
        accumulator.add(chunk.timestamps, chunk.values)
    found = accumulator.result()
    start = int(found.starts[0])
    values = np.full(int(found.starts[-1] - start) // BUCKET + 1, np.nan)
    values[(found.starts - start) // BUCKET] = found.values
    return start, values


def utc(text: str) -> int:
    return int(dt.datetime.fromisoformat(text[:19]).replace(tzinfo=dt.UTC).timestamp())


def cpu_objective(days: int) -> Objective:
    return Objective(
        name="cpu-headroom",
        display_name=LocalizedText.plain("5-minute slices with CPU under the bound"),
        indicator="cpu",
        target=0.99,
        window=Window(length=days, unit=WindowUnit.DAY, rolling=True),
        budgeting=BudgetingMethod.TIMESLICES,
        time_slice=TimeSlice(seconds=BUCKET, target=1.0),
        operator=Operator.LT,
    )


def minutes(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.0f}"


def share(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def pooled(
    results: list[BacktestResult],
) -> tuple[int, int, int, int, float | None, float | None, float | None, float | None]:
    """Alarms, true alarms, windows, detected windows, precision, recall, mean and median
    detection (seconds) over all series together."""
    alarms = sum(len(r.alerts) for r in results)
    true = sum(int(r.true_alarm.sum()) for r in results)
    windows = sum(len(r.breaches) for r in results)
    detected = sum(int(r.detected.sum()) for r in results)
    delays = np.concatenate([r.detection_seconds[r.detected] for r in results]) if results else np.zeros(0)
    return (
        alarms,
        true,
        windows,
        detected,
        true / alarms if alarms else None,
        detected / windows if windows else None,
        float(delays.mean()) if delays.size else None,
        float(np.median(delays)) if delays.size else None,
    )


def report(args: argparse.Namespace) -> None:
    labels = json.loads((NAB / "labels" / "combined_windows.json").read_text(encoding="utf-8"))
    names = sorted(k for k in labels if "cpu_utilization" in k)
    objective = cpu_objective(args.window_days)
    rules = default_rules()
    grace = args.grace_minutes * 60
    print(
        f"NAB CPU series: {len(names)}, labelled windows: {sum(len(labels[n]) for n in names)};"
        f" objective: CPU < bound in 99 % of 5-minute slices over a rolling {args.window_days} d;"
        f" default policy scaled to {args.window_days} d; grace {args.grace_minutes} min"
    )
    for bound_name in ("97", "p99"):
        per_tier: dict[str, list[BacktestResult]] = {t: [] for t in TIERS}
        print(f"\n### bound {'97 %' if bound_name == '97' else 'p99 of each series'}\n")
        print("| series | bound | labelled windows | page alerts (true) | ticket alerts (true) | detected (any tier) |")
        print("|---|---:|---:|---:|---:|---:|")
        for name in names:
            start, values = load(name)
            bound = 97.0 if bound_name == "97" else float(np.nanpercentile(values, 99))
            grid = BucketGrid.of_values(start, BUCKET, values, Operator.LT, bound)
            history = alert_history(objective, grid, rules)
            windows = Intervals.of([(utc(a), utc(b)) for a, b in labels[name]])
            results = backtest(history, windows, grace=grace)
            for tier in TIERS:
                per_tier[tier].append(results[tier])
            page, ticket, any_tier = (results[t] for t in TIERS)
            print(
                f"| {name.split('/')[-1].removesuffix('.csv')} | {bound:.2f} | {len(windows)} |"
                f" {len(page.alerts)} ({int(page.true_alarm.sum())}) |"
                f" {len(ticket.alerts)} ({int(ticket.true_alarm.sum())}) |"
                f" {int(any_tier.detected.sum())} |"
            )
        print(
            "\n| tier | alerts | true | false | precision | windows | detected | recall"
            " | detection, mean (min) | median (min) |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for tier in TIERS:
            alarms, true, windows_n, detected, precision, recall, mean, median = pooled(per_tier[tier])
            print(
                f"| {tier} | {alarms} | {true} | {alarms - true} | {share(precision)} | {windows_n} | {detected} |"
                f" {share(recall)} | {minutes(mean)} | {minutes(median)} |"
            )


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return min(times)


def naive(objective: Objective, grid: BucketGrid, instants: np.ndarray) -> np.ndarray:
    """The per-instant loop: the engine's one-instant decision at each instant."""
    rules = default_rules()
    return np.array([evaluate_alerts(objective, grid, int(t), rules).firing[0] for t in instants.tolist()])


def speed() -> None:
    rules = default_rules()
    name = "realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv"
    start, values = load(name)
    objective = cpu_objective(7)
    grid = BucketGrid.of_values(start, BUCKET, values, Operator.LT, 97.0)
    history: list[AlertHistory] = []

    def vectorised() -> object:
        history[:] = [alert_history(objective, grid, rules)]
        return backtest(history[0])

    fast = best_of(5, vectorised)
    began = time.perf_counter()
    slow_firing = naive(objective, grid, history[0].instants)
    slow = time.perf_counter() - began
    same = np.array_equal(slow_firing, history[0].firing)
    n = history[0].instants.size
    print("\n### speed\n")
    print("| case | instants | vectorised (history + backtest) | naive per-instant loop | ratio |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| {name.rsplit('/', maxsplit=1)[-1]} (5-minute slices, 7 d) | {n:,} | {fast * 1e3:.1f} ms | {slow:.2f} s | {slow / fast:,.0f}x |"
    )
    if not same:
        raise SystemExit("the naive loop and the vectorised history disagree")

    count = 365 * 1440
    good, total = buckets(1, count, "int32")
    year = BucketGrid(
        start=int(dt.datetime(2025, 1, 1, tzinfo=dt.UTC).timestamp()), bucket_seconds=60, good=good[0], total=total[0]
    )
    month = Objective(
        name="api",
        display_name=LocalizedText.plain("API"),
        indicator="requests",
        target=0.999,
        window=Window(length=30, unit=WindowUnit.DAY, rolling=True),
    )
    kept: list[AlertHistory] = []

    def year_history() -> object:
        kept[:] = [alert_history(month, year, rules)]
        return backtest(kept[0])

    fast_year = best_of(3, year_history)
    sample = kept[0].instants[:: count // 2000][:2000]
    began = time.perf_counter()
    sampled = naive(month, year, sample)
    per_instant = (time.perf_counter() - began) / sample.size
    agree = np.array_equal(sampled, kept[0].firing[np.searchsorted(kept[0].instants, sample)])
    print(
        f"| a year of one-minute buckets (events, 30 d) | {count:,} | {fast_year * 1e3:.0f} ms |"
        f" {per_instant * count:.0f} s (timed on {sample.size:,} instants, scaled) | {per_instant * count / fast_year:,.0f}x |"
    )
    print(f"\nnaive and vectorised agree: {name.rsplit('/', maxsplit=1)[-1]} every instant {same}; year sample {agree}")
    if not agree:
        raise SystemExit("the naive loop and the vectorised history disagree")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window-days", type=int, default=7)
    parser.add_argument("--grace-minutes", type=int, default=0)
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    if not NAB.is_dir():
        raise SystemExit(f"{NAB} is missing")
    report(args)
    if not args.skip_speed:
        speed()


if __name__ == "__main__":
    main()
