"""Real AWS CloudWatch series from the Numenta Anomaly Benchmark as threshold objectives, with
their real faults: repeated timestamps at a daylight-saving change, a step backwards in time,
gaps of days. The benchmark's own anomaly labels cross-check what the engine blames."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from slmo import Actor, Slmo, connect, load_settings
from slmo.core.model.results import ContributorKind, EvaluationStatus
from slmo.services.ingest import MeasurementKind
from tests.conftest import SHARED, require

NAB = SHARED / "data" / "nab-real-aws-cloudwatch-and-known-cause"
ACTOR = Actor(name="tests", interface="python")

CATALOGUE = """\
apiVersion: slmo/v1
kind: Party
metadata: {{name: ops}}
spec: {{type: internal}}
---
apiVersion: slmo/v1
kind: Service
metadata: {{name: host}}
spec: {{owner: ops}}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {{name: metric}}
spec:
  service: host
  kind: threshold
  bucket: {bucket}
  threshold: {{op: lt, value: {bound}}}
---
apiVersion: slmo/v1
kind: Agreement
metadata: {{name: nab}}
spec:
  type: expectation
  parties: [{{party: ops, role: provider}}]
  services: [host]
  versions:
    - version: 1
      state: active
      objectives:
        - name: {name}
          indicator: metric
          target: {target}
          window: {window}
          budgeting: timeslices
          timeSlice: {{size: {bucket}, target: 1.0}}
"""


@pytest.fixture
def slmo(tmp_path: Path) -> Iterator[Slmo]:
    require(NAB.is_dir(), f"{NAB} is missing")
    with connect(load_settings(database_url=f"sqlite:///{tmp_path / 'nab.db'}")) as handle:
        yield handle


def setup(slmo: Slmo, tmp_path: Path, *, bound: float, window: str, bucket: str = "5m", target: float = 0.99) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(
        CATALOGUE.format(bound=bound, window=window, bucket=bucket, target=target, name="slices"), encoding="utf-8"
    )
    slmo.catalogue.apply(slmo.catalogue.load([str(path)]), ACTOR)


def ingest(slmo: Slmo, relative: str, tz: str) -> object:
    with (NAB / relative).open("rb") as stream:
        return slmo.ingest.measurements(MeasurementKind.SAMPLES, "metric", stream, relative, ACTOR, tz=tz)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def test_cpu_under_bound_per_five_minute_slice(slmo: Slmo, tmp_path: Path) -> None:
    setup(slmo, tmp_path, bound=97, window="{rolling: 7d}")
    report = ingest(slmo, "realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv", "UTC")
    assert (report.rows, report.rejected, report.written) == (4032, 0, 4032)  # type: ignore[attr-defined]
    (first_week,) = slmo.evaluation.status(utc("2014-04-17 00:10:00"))
    (second_week,) = slmo.evaluation.status(utc("2014-04-24 00:10:00"))
    # 7 days of 5-minute slices = 2016; the first week has two 10-minute gaps (10 April 03:09 to
    # 03:19, 13 April 20:59 to 21:09), so two slices have no sample and do not count.
    assert first_week.evaluation.total == 2014
    assert second_week.evaluation.total == 2016
    assert first_week.evaluation.status is EvaluationStatus.BREACHED
    # Counted from the file outside slmo: 56 of the 2,014 first-week samples are 97 or more, 10 in the second week.
    assert first_week.evaluation.total - first_week.evaluation.good == 56
    assert second_week.evaluation.total - second_week.evaluation.good == 10


def test_contributors_fall_in_the_labelled_anomalies(slmo: Slmo, tmp_path: Path) -> None:
    """NAB labels three anomaly windows in ec2_cpu_utilization_fe7f93. With CPU under 64.25 % (its
    99th percentile) as the bound, the two hours that spent the most budget (three bad slices
    each: 17 February 07:00 and 21 February 23:00) lie in labelled windows."""
    setup(slmo, tmp_path, bound=64.25, window="{rolling: 14d}")
    ingest(slmo, "realAWSCloudwatch/ec2_cpu_utilization_fe7f93.csv", "UTC")
    labels = json.loads((NAB / "labels" / "combined_windows.json").read_text(encoding="utf-8"))
    windows = [(utc(a[:19]), utc(b[:19])) for a, b in labels["realAWSCloudwatch/ec2_cpu_utilization_fe7f93.csv"]]
    (result,) = slmo.evaluation.status(utc("2014-02-28 14:30:00"))
    # 14 days of 5-minute slices, the last sample at 14:22 (bucket 14:20): 4,031 slices, 41 bad.
    assert (result.evaluation.total, result.evaluation.total - result.evaluation.good) == (4031, 41)
    top = [c for c in result.evaluation.contributors if c.kind is ContributorKind.HOUR][:2]
    assert [c.budget_spent for c in top] == [3.0, 3.0]
    for hour in top:
        assert any(lo - dt.timedelta(hours=1) < hour.start < hi for lo, hi in windows), hour.start


def test_repeated_timestamps_at_the_daylight_saving_change(slmo: Slmo, tmp_path: Path) -> None:
    """The US clock change of 2014-03-09 stamped twelve samples 03:00 local: read in New York
    time they are one instant, and the last of them stands for it."""
    setup(slmo, tmp_path, bound=80, window="{rolling: 14d}")
    report = ingest(slmo, "realKnownCause/ec2_request_latency_system_failure.csv", "America/New_York")
    assert report.rows == 4032 and report.rejected == 0  # type: ignore[attr-defined]
    assert report.duplicates == 11  # type: ignore[attr-defined]
    # 4,021 distinct instants; the 03:00 instant and the regular 03:01 sample share one bucket.
    assert report.written == 4020  # type: ignore[attr-defined]


def test_a_step_backwards_in_time(slmo: Slmo, tmp_path: Path) -> None:
    """machine_temperature steps back from 02:55 to 02:00 on 2014-01-07, so twelve instants come
    twice: the later rows replace the earlier, and rows out of order are taken."""
    setup(slmo, tmp_path, bound=100, window="{rolling: 28d}")
    report = ingest(slmo, "realKnownCause/machine_temperature_system_failure.csv", "UTC")
    assert (report.rows, report.rejected, report.duplicates, report.written) == (22695, 0, 12, 22683)  # type: ignore[attr-defined]


def test_a_gap_of_days_is_no_data_not_bad_time(slmo: Slmo, tmp_path: Path) -> None:
    """ambient_temperature is hourly with a gap from 2013-09-09 20:00 to 2013-09-16 12:00: hours
    without a sample are not counted (OpenSLO), neither good nor bad."""
    setup(slmo, tmp_path, bound=100, window="{rolling: 7d}", bucket="1h", target=0.9)
    ingest(slmo, "realKnownCause/ambient_temperature_system_failure.csv", "UTC")
    # [09-09 12:00, 09-16 12:00) holds the nine hours 09-09 12:00 to 20:00.
    (before,) = slmo.evaluation.status(utc("2013-09-16 12:00:00"))
    # [09-09 15:00, 09-16 15:00) holds 09-09 15:00 to 20:00 and 09-16 12:00 to 14:00.
    (after,) = slmo.evaluation.status(utc("2013-09-16 15:00:00"))
    for result in (before, after):
        assert (result.evaluation.good, result.evaluation.total) == (9, 9)
        assert result.evaluation.status is EvaluationStatus.MET
