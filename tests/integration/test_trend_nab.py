"""A real series with a documented level shift, through the trend service: CPU of an AWS
auto-scaling group from the Numenta Anomaly Benchmark (``realKnownCause/
cpu_utilization_asg_misconfiguration.csv``), whose misconfiguration NAB labels from
2014-07-10 12:29 to the end of the series. The objective: nine five-minute slices in ten
with CPU under 50 %; the trend is read over the 30 whole days before 15 July 06:00 UTC."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from slmo.bootstrap import Slmo, in_memory
from slmo.core.model.trend import TrendVerdict
from slmo.services.ingest import MeasurementKind
from tests.api_support import ADMIN, FixedClock

NAB = "data/nab-real-aws-cloudwatch-and-known-cause"
SERIES = "realKnownCause/cpu_utilization_asg_misconfiguration.csv"

CATALOGUE = """\
apiVersion: slmo/v1
kind: Party
metadata: {name: ops}
spec: {type: internal}
---
apiVersion: slmo/v1
kind: Service
metadata: {name: asg}
spec: {owner: ops}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {name: cpu}
spec:
  service: asg
  kind: threshold
  bucket: 5m
  threshold: {op: lt, value: 50}
---
apiVersion: slmo/v1
kind: Agreement
metadata: {name: nab}
spec:
  type: expectation
  parties: [{party: ops, role: provider}]
  services: [asg]
  versions:
    - version: 1
      state: active
      objectives:
        - name: headroom
          indicator: cpu
          target: 0.9
          window: {rolling: 1d}
          budgeting: timeslices
          timeSlice: {size: 5m, target: 1.0}
"""


@pytest.fixture
def slmo(shared: Path) -> Iterator[Slmo]:
    clock = FixedClock(dt.datetime(2014, 7, 15, 6, 0, tzinfo=dt.UTC))
    with in_memory(clock=clock) as handle:
        handle.catalogue.apply(handle.codec.load_text(CATALOGUE, "nab.yaml"), ADMIN)
        with (shared / NAB / SERIES).open("rb") as stream:
            report = handle.ingest.measurements(MeasurementKind.SAMPLES, "cpu", stream, SERIES, ADMIN, tz="UTC")
        assert (report.rows, report.rejected) == (18050, 0)
        yield handle


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text[:19]).replace(tzinfo=dt.UTC)


@pytest.mark.shared
def test_the_misconfiguration_is_a_step_down_in_the_labelled_window(slmo: Slmo, shared: Path) -> None:
    (trend,) = slmo.trends.objective("nab/headroom", unit="day")
    assert (trend.asked[0], trend.asked[-1], trend.read) == ("2014-06-15", "2014-07-14", 30)
    # Counted from the file outside slmo: 240 of the 288 slices of 11 July are under 50 %, and
    # 75 of those of 12 July.
    values = dict(zip(trend.series.periods, trend.series.values, strict=True))
    assert values["2014-07-11"] == pytest.approx(240 / 288)
    assert values["2014-07-12"] == pytest.approx(75 / 288)
    assert trend.verdict is TrendVerdict.DEGRADING
    assert trend.test is not None and trend.test.p_value < 0.001 and trend.test.slope < 0
    last = trend.steps[-1]
    assert last.period == "2014-07-12"
    assert last.before > 0.8 and last.after < 0.35 and last.p_value < 0.01
    # The step's first day lies in NAB's labelled window of the misconfiguration.
    windows = json.loads((shared / NAB / "labels" / "combined_windows.json").read_text(encoding="utf-8"))
    ((start, end),) = windows[SERIES]
    day = dt.datetime(2014, 7, 12, tzinfo=dt.UTC)
    assert _utc(start) <= day + dt.timedelta(days=1) and day < _utc(end)


@pytest.mark.shared
def test_the_service_spends_more_of_its_budget(slmo: Slmo) -> None:
    trend = slmo.trends.service("asg", unit="day")
    assert trend.objectives == ("nab/headroom",)
    assert trend.verdict is TrendVerdict.DEGRADING
    # 12 July: 213 bad slices of 288, against a budget of a tenth: 7.40 budgets.
    values = dict(zip(trend.series.periods, trend.series.values, strict=True))
    assert values["2014-07-12"] == pytest.approx((213 / 288) / 0.1)
    assert trend.steps[-1].period == "2014-07-12"
