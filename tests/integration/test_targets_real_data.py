"""Achievable targets and the what-if on real series from the Numenta Anomaly Benchmark, stored in
SQLite: the breaches a year and the credit exposure checked against a count over the weeks of the
file itself (read here with the csv module, outside slmo), and the simulation against the
forecast engine fed the file's own days.

- The example catalogue's report engine CPU (examples/data, two real weeks of April 2014): CPU
  under 97 % in 99 % of 5-minute slices, over weeks.
- ambient_temperature_system_failure (../shared, hourly, July 2013 to May 2014, gaps of days):
  hours under 77 °F in 95 % of the hours of a month, with credits on a monthly charge; and over
  weeks.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from slmo import Actor, Slmo, connect, load_settings
from slmo.core.engine.forecast import simulate_attainments
from slmo.core.model.targets import Basis
from slmo.services.ingest import MeasurementKind
from slmo.services.targets import DRAWS
from tests.api_support import FixedClock
from tests.conftest import EXAMPLES

ACTOR = Actor(name="tests", interface="python")
WEEKS_A_YEAR = 365.2425 / 7  # 52.1775
DAY = dt.timedelta(days=1)
TEMPERATURE = "data/nab-real-aws-cloudwatch-and-known-cause/realKnownCause/ambient_temperature_system_failure.csv"

ROOM = """\
apiVersion: slmo/v1
kind: Party
metadata: {name: facilities}
spec: {type: internal}
---
apiVersion: slmo/v1
kind: Party
metadata: {name: lab}
spec: {type: customer}
---
apiVersion: slmo/v1
kind: Service
metadata: {name: machine-room}
spec: {owner: facilities}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {name: room-temperature}
spec:
  service: machine-room
  kind: threshold
  bucket: 1h
  threshold: {op: lt, value: 77}
---
apiVersion: slmo/v1
kind: Agreement
metadata: {name: room-sla}
spec:
  type: sla
  parties: [{party: facilities, role: provider}, {party: lab, role: customer}]
  services: [machine-room]
  versions:
    - version: 1
      state: active
      effective: {from: 2013-01-01}
      charge: {amount: 10000, currency: SAR, period: month}
      credits:
        tiers:
          - {below: 0.95, credit: 0.10}
          - {below: 0.9, credit: 0.25}
      objectives:
        - name: cool-hours
          indicator: room-temperature
          target: 0.95
          window: {calendar: month}
          budgeting: timeslices
          timeSlice: {size: 1h, target: 1.0}
"""


def _rows(path: Path) -> list[tuple[dt.datetime, float]]:
    with path.open(newline="") as handle:
        return [
            (dt.datetime.fromisoformat(t).replace(tzinfo=dt.UTC), float(v)) for t, v in list(csv.reader(handle))[1:]
        ]


def _weekly(rows: list[tuple[dt.datetime, float]], bound: float, first: dt.datetime, weeks: int) -> list[float]:
    """Per week from ``first``, the share of samples under ``bound`` (weeks without one left out):
    each sample is one slice of its own bucket."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for at, value in rows:
        week = (at - first) // dt.timedelta(weeks=1)
        if 0 <= week < weeks:
            counts[week][0] += value < bound
            counts[week][1] += 1
    return [counts[w][0] / counts[w][1] for w in sorted(counts)]


def _daily(
    rows: list[tuple[dt.datetime, float]], bound: float, first: dt.datetime, at: dt.datetime
) -> tuple[np.ndarray, np.ndarray]:
    """Good and counted slices per UTC day in ``[first, at)``, from the first day with a sample."""
    days = (at - first) // DAY
    good, total = np.zeros(days), np.zeros(days)
    for when, value in rows:
        day = (when - first) // DAY
        if 0 <= day < days:
            good[day] += value < bound
            total[day] += 1
    start = int(np.flatnonzero(total > 0)[0])
    return good[start:], total[start:]


@pytest.fixture
def open_slmo(tmp_path: Path) -> Iterator[tuple[Slmo, FixedClock]]:
    clock = FixedClock(dt.datetime(2014, 4, 28, tzinfo=dt.UTC))
    with connect(load_settings(database_url=f"sqlite:///{tmp_path / 'targets.db'}"), clock=clock) as slmo:
        yield slmo, clock


def test_the_example_report_engine_over_its_weeks(open_slmo: tuple[Slmo, FixedClock]) -> None:
    slmo, _ = open_slmo
    slmo.catalogue.apply(slmo.catalogue.load([str(EXAMPLES)]), ACTOR)
    series = EXAMPLES / "data" / "ec2_cpu_utilization_825cc2.csv"
    with series.open("rb") as stream:
        slmo.ingest.measurements(MeasurementKind.SAMPLES, "report-engine-cpu", stream, series.name, ACTOR, tz="UTC")
    # At Monday 28 April 2014: the three weeks before, 7 to 27 April (UTC, from Monday); the
    # series runs from 10 April 00:04 to 24 April 00:09.
    first = dt.datetime(2014, 4, 7, tzinfo=dt.UTC)
    weeks = _weekly(_rows(series), 97, first, 3)
    study = slmo.targets.study("report-engine-headroom/cpu-headroom", periods=3)
    assert study.evidence.unit == "w"  # its rolling 7 days
    assert [p.attainment for p in study.evidence.periods] == pytest.approx(weeks)
    for target in (0.95, 0.97, 0.98, 0.99, 0.995):
        found = slmo.targets.what_if("report-engine-headroom/cpu-headroom", target, periods=3)
        below = sum(1 for a in weeks if a < target)
        assert (found.history.breaches, found.history.periods) == (below, len(weeks)), target
        assert found.history.per_year == pytest.approx(below / len(weeks) * WEEKS_A_YEAR), target
    # An expectation without a charge: no money at stake.
    assert study.what_if.history_exposure is None and study.what_if.simulated_exposure is None


@pytest.mark.shared
def test_a_year_of_room_temperature(open_slmo: tuple[Slmo, FixedClock], shared: Path, tmp_path: Path) -> None:
    slmo, clock = open_slmo
    clock.at = dt.datetime(2014, 6, 2, tzinfo=dt.UTC)  # a Monday, after the series' last week
    (tmp_path / "room.yaml").write_text(ROOM, encoding="utf-8")
    slmo.catalogue.apply(slmo.catalogue.load([str(tmp_path / "room.yaml")]), ACTOR)
    path = shared / TEMPERATURE
    with path.open("rb") as stream:
        slmo.ingest.measurements(MeasurementKind.SAMPLES, "room-temperature", stream, path.name, ACTOR, tz="UTC")
    rows = _rows(path)
    # The eleven months from July 2013 (from the 4th) to May 2014, counted from the file.
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for at, value in rows:
        months[at.strftime("%Y-%m")][0] += value < 77
        months[at.strftime("%Y-%m")][1] += 1
    monthly = [good / total for good, total in (months[m] for m in sorted(months))]
    study = slmo.targets.study("room-sla/cool-hours", periods=11, confidences=(0.9,))
    assert [p.label for p in study.evidence.periods] == sorted(months)
    assert [p.attainment for p in study.evidence.periods] == pytest.approx(monthly)

    # At 95 %: November (90.14 %), December (71.91 %) and January (91.80 %) fall short; October
    # (95.17 %) does not: 3 of 11, 3 / 11 * 12 = 3.27 breaches a year.
    found = study.what_if
    below = [a for a in monthly if a < 0.95]
    assert len(below) == found.history.breaches == 3 and found.history.periods == 11
    assert found.history.per_year == pytest.approx(3 / 11 * 12)
    # The credits: 25 % of 10,000 SAR for December (under 90 %), 10 % for November and January:
    # 4,500 SAR over 11 months, 409.09 a month, 4,500 * 12 / 11 = 4,909.09 a year.
    credits = sum((Decimal(2500) if a < 0.9 else Decimal(1000)) for a in below)
    assert credits == Decimal(4500)
    year = Fraction(credits) * 12 / 11
    expected = (Decimal(year.numerator) / Decimal(year.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert found.history_exposure is not None
    assert (found.history_exposure.per_period, found.history_exposure.per_year) == (Decimal("409.09"), expected)
    assert expected == Decimal("4909.09")

    # The simulation: months like June 2014 (30 days) drawn from the days since 1 July 2013 (from
    # the 4th, the first with a sample: 332 days), exactly as the forecast engine draws them from
    # the file's own days, the whole of them in every draw (a year ahead is not the recent weeks).
    june = dt.datetime(2014, 6, 1, tzinfo=dt.UTC)
    good, total = _daily(rows, 77, dt.datetime(2013, 7, 1, tzinfo=dt.UTC), june)
    draws = simulate_attainments(
        good, total, known_good=0.0, known_total=0.0, future_days=30.0, draws=DRAWS, seed=0, recent=()
    )
    kept = draws[np.isfinite(draws)]
    assert (study.simulated_period, study.history_days, study.draws) == ("2014-06", 332, kept.size)
    assert kept.size == DRAWS
    assert found.simulated is not None
    assert (found.simulated.breaches, found.simulated.periods) == (int(np.count_nonzero(kept < 0.95)), kept.size)
    # Achievable with 90 %: eleven months give k = floor(12 * 0.1) = 1, the lowest month
    # (December, 71.91 %); the draws' 10 % quantile is their k-th lowest, k = floor(m * 0.1) + 1.
    ninety = study.achievable[0]
    assert ninety.history.rank == 1 and ninety.history.target == pytest.approx(min(monthly))
    quantile = float(np.sort(kept)[math.floor(kept.size * Fraction(1, 10))])
    assert ninety.simulated == pytest.approx(quantile)
    # December's 71.91 % is far under the draws' quantile: history binds.
    assert ninety.history.target is not None and ninety.history.target < quantile
    assert (ninety.target, ninety.binding) == (ninety.history.target, Basis.HISTORY)

    # Over weeks: the 47 from Monday 8 July 2013, each with samples; the weeks under 95 % counted
    # from the file, and the charge is monthly, so no credits are assessed per week.
    first = dt.datetime(2013, 7, 8, tzinfo=dt.UTC)
    weeks = _weekly(rows, 77, first, 47)
    weekly = slmo.targets.study("room-sla/cool-hours", periods=47, per="week", confidences=(0.9,))
    assert [p.attainment for p in weekly.evidence.periods] == pytest.approx(weeks)
    short = sum(1 for a in weeks if a < 0.95)
    assert weekly.what_if.history.breaches == short == 9
    assert weekly.what_if.history.per_year == pytest.approx(short / 47 * WEEKS_A_YEAR)
    assert weekly.what_if.credit_note is not None and weekly.what_if.history_exposure is None
    # 47 weeks back 90 % with k = floor(48 * 0.1) = 4: the 4th lowest week.
    assert weekly.achievable[0].history.rank == 4
    assert weekly.achievable[0].history.target == pytest.approx(sorted(weeks)[3])
