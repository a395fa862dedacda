"""The real series the attainment forecasts are checked on (``bench_forecast`` and
``tests/integration/test_forecast_accuracy.py`` share it).

Data: every series of the Numenta Anomaly Benchmark in
../shared/data/nab-real-aws-cloudwatch-and-known-cause (realAWSCloudwatch: 17 AWS CloudWatch
metrics of two weeks at 5 minutes; realKnownCause: 7 series of two weeks to ten months, at
5 minutes to an hour), read as ``slmo ingest samples`` reads them (the maximum per bucket, the
series' own step as the bucket; timestamps without a zone as UTC).

Each series becomes a threshold objective the way an SRE would set one on a metric it has
just started to watch: a measured bucket is good when the value is at or under the 95th
percentile of the series' first 30 %, and 95 % of buckets must be good (Occurrences) over a
calendar week in UTC, or a calendar day for the two-week series (a week would leave one
window with history). Forecasts are made every ``step_hours`` from the instants with at least
``min_history_days`` of history (3 for days, 14 for weeks); the truth is the window's
attainment at its end.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from slmo.core.engine.bucketing import SampleAccumulator
from slmo.core.engine.forecast import DRAWS
from slmo.core.engine.forecast_backtest import ForecastBacktest, backtest_forecasts
from slmo.core.engine.grid import BucketGrid
from slmo.core.model.indicator import Operator
from slmo.core.model.objective import Objective, Window, WindowUnit
from slmo.core.model.text import LocalizedText
from slmo.sources.samples import read_samples

ROOT = Path(__file__).resolve().parents[1]
NAB = ROOT.parent / "shared" / "data" / "nab-real-aws-cloudwatch-and-known-cause"
TARGET = 0.95
DAY = 86_400


def series_paths() -> list[Path]:
    return sorted((NAB / "realAWSCloudwatch").glob("*.csv")) + sorted((NAB / "realKnownCause").glob("*.csv"))


@dataclass(frozen=True)
class Case:
    name: str
    objective: Objective
    grid: BucketGrid
    days: float


def case(path: Path) -> Case:
    raw = [c for c in read_samples(path, path.name, now_epoch=int(time.time()), tz="UTC")]
    stamps = np.concatenate([c.timestamps for c in raw])
    step = int(np.median(np.diff(np.sort(stamps))))
    accumulator = SampleAccumulator(step)
    for chunk in raw:
        accumulator.add(chunk.timestamps, chunk.values)
    found = accumulator.result()
    start = int(found.starts[0])
    values = np.full(int(found.starts[-1] - start) // step + 1, np.nan)
    values[(found.starts - start) // step] = found.values
    bound = float(np.nanquantile(values[: values.size * 3 // 10], 0.95))
    days = values.size * step / DAY
    unit = WindowUnit.WEEK if days >= 35 else WindowUnit.DAY
    objective = Objective(
        name=path.stem,
        display_name=LocalizedText.plain(path.stem),
        indicator=path.stem,
        target=TARGET,
        window=Window(length=1, unit=unit, rolling=False, time_zone="UTC"),
        operator=Operator.LTE,
        value=bound,
    )
    return Case(path.stem, objective, BucketGrid.of_values(start, step, values, Operator.LTE, bound), days)


def backtest(one: Case, *, step_hours: int = 6, draws: int = DRAWS) -> ForecastBacktest:
    step = step_hours * 3600
    first = -(-one.grid.start // step) * step
    weekly = one.objective.window.unit is WindowUnit.WEEK
    return backtest_forecasts(
        one.objective,
        one.grid,
        range(first, one.grid.end, step),
        min_history_days=14 if weekly else 3,
        draws=draws,
    )


@dataclass(frozen=True)
class Pooled:
    forecasts: int
    coverage_80: float
    coverage_95: float
    error: float
    naive_error: float

    @property
    def error_ratio(self) -> float:
        return self.error / self.naive_error


def pooled(results: list[ForecastBacktest]) -> Pooled:
    """Coverage over every forecast of every series; errors over those with a naive
    forecast too (a week of history)."""
    truth = np.concatenate([r.truth for r in results])
    inside_80 = np.concatenate([(r.low_80 <= r.truth) & (r.truth <= r.high_80) for r in results])
    inside_95 = np.concatenate([(r.low_95 <= r.truth) & (r.truth <= r.high_95) for r in results])
    both = [~np.isnan(r.naive) for r in results]
    error = np.concatenate([np.abs(r.expected - r.truth)[b] for r, b in zip(results, both, strict=True)])
    naive = np.concatenate([np.abs(r.naive - r.truth)[b] for r, b in zip(results, both, strict=True)])
    return Pooled(
        forecasts=int(truth.size),
        coverage_80=float(inside_80.mean()),
        coverage_95=float(inside_95.mean()),
        error=float(error.mean()),
        naive_error=float(naive.mean()),
    )
