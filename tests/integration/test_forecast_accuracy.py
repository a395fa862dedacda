"""Honest accuracy of the attainment forecasts on every real NAB series (``bench/forecast_nab.py``
says how each becomes an objective): forecast once a day of where each window will end, from
what was known then. The issue's targets: the 80 % interval holds the truth 75 to 85 % of the
time, and the forecast's mean absolute error is below the naive seasonal forecast's at the same
instants. ``bench/bench_forecast.py`` measures the same every 6 hours with the full draws and
records it in docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from bench.forecast_nab import backtest, case, pooled, series_paths

from slmo.core.engine.forecast import forecast_objective


@pytest.mark.shared
def test_the_80_percent_interval_holds_and_the_forecast_beats_the_naive_seasonal(shared: Path) -> None:
    results = [r for r in (backtest(case(p), step_hours=24, draws=1000) for p in series_paths()) if r.count]
    assert len(results) == 24
    total = pooled(results)
    assert total.forecasts > 800
    assert 0.75 <= total.coverage_80 <= 0.85, total
    assert total.coverage_95 > total.coverage_80
    assert total.error_ratio < 1.0, total


@pytest.mark.shared
def test_a_forecast_never_reads_past_its_instant(shared: Path) -> None:
    """The same forecast from the whole series and from the series cut at the instant."""
    one = case(next(p for p in series_paths() if p.stem == "nyc_taxi"))
    grid = one.grid
    for fraction in (0.3, 0.55, 0.8):
        at = grid.start + int(grid.count * fraction) * grid.bucket_seconds
        cut = grid.index(at)
        before = type(grid)(
            start=grid.start, bucket_seconds=grid.bucket_seconds, good=grid.good[:cut], total=grid.total[:cut]
        )
        whole = forecast_objective(one.objective, grid, at)
        known = forecast_objective(one.objective, before, at)
        assert whole == known
        assert whole.expected is not None and np.isfinite(whole.expected)
