"""The real series the demand forecasts are checked on (``bench_demand_forecast`` and
``tests/integration/test_demand_backtest.py`` share it), and the backtest's plan for each.

Tickets opened per day (calendar days as the log writes them; no zone conversion):

- **UCI** (../shared/data/uci-incident-event-log, ServiceNow of a Brazilian organisation):
  incidents by the day of their ``opened_at``, 29 February to 31 May 2016, 93 days. After May
  the log holds stragglers only (0 to 3 a day against some 370 on a weekday before): the
  extract's window ends there, so those days are not demand and are left out.
- **BPIC 2013** (../shared/data/bpic2013-volvo-it-incidents, Volvo IT's VINST): incidents by
  the local day of their first event, 1 January to 6 May 2012 (the last opening), 127 days.
  The log keeps the incidents still being worked in April and May 2012, so few older ones
  survive (62 in the 21 months before 2012) and the daily count climbs from a handful to 1,809
  on 2 May: a steep, real-world ramp rather than steady demand, kept as the hard case.

NAB series whose value is an amount of demand (../shared/data/nab-real-aws-cloudwatch-and-known-cause;
the others are CPU, latency, temperature, keystroke timing or one instance's bytes, not demand):

- **nyc_taxi** (realKnownCause): taxi passengers per 30 minutes, 1 July 2014 to 31 January
  2015, summed per hour (5,160 hours) and per day (215 days); its known anomalies (the NYC
  marathon, Thanksgiving, Christmas, New Year, a snow storm) stay in.
- **elb_request_count_8c0756** (realAWSCloudwatch): an AWS load balancer's requests per 5
  minutes over two weeks of April 2014, summed per hour (337 hours). An hour missing some of
  its twelve samples is scaled up to twelve (eight hours miss one); two weeks is too short for
  the weekly pattern, so it checks the shorter-history path (daily pattern only).

Timestamps without a zone are taken as UTC; the forecasters care only for the steps.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from slmo.core.model.demand import DAY, HOUR, DemandHistory, DemandUnit

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
NAB = DATA / "nab-real-aws-cloudwatch-and-known-cause"
UCI = DATA / "uci-incident-event-log" / "incident_event_log.csv.gz"
BPIC = DATA / "bpic2013-volvo-it-incidents" / "bpic2013_incidents.csv.gz"


@dataclass(frozen=True)
class Plan:
    """How one series is backtested: forecasts of ``horizon`` steps from ``first`` on (enough
    history for the model), judged against the seasonal-naive forecast of period ``season``;
    the integration test makes one every ``every`` steps, the bench one every ``bench_every``."""

    history: DemandHistory
    horizon: int
    first: int
    season: int
    every: int
    bench_every: int

    def origins(self, every: int) -> list[int]:
        return list(range(self.first, len(self.history) - self.horizon + 1, every))


def _daily(name: str, unit: DemandUnit, counts: Counter[dt.date], first: dt.date, last: dt.date) -> DemandHistory:
    days = (last - first).days + 1
    values = np.array([counts.get(first + dt.timedelta(days=i), 0) for i in range(days)], dtype=np.float64)
    start = dt.datetime.combine(first, dt.time(), dt.UTC)
    return DemandHistory(series=name, unit=unit, step_seconds=DAY, start=start, values=values)


def uci_tickets() -> DemandHistory:
    opened: dict[str, dt.date] = {}
    with gzip.open(UCI, "rt", newline="") as f:
        for row in csv.DictReader(f):
            if row["number"] not in opened:
                opened[row["number"]] = dt.datetime.strptime(row["opened_at"], "%d/%m/%Y %H:%M").date()
    return _daily(
        "uci-tickets", DemandUnit.TICKETS, Counter(opened.values()), dt.date(2016, 2, 29), dt.date(2016, 5, 31)
    )


def bpic_tickets() -> DemandHistory:
    first: dict[str, dt.datetime] = {}
    with gzip.open(BPIC, "rt", newline="") as f:
        for row in csv.DictReader(f):
            at = dt.datetime.fromisoformat(row["Change Date+Time"])
            case = row["SR Number"]
            if case not in first or at < first[case]:
                first[case] = at
    # The written offset is the local one, so the local day is the date as written.
    counts = Counter(at.date() for at in first.values())
    return _daily("bpic2013-tickets", DemandUnit.TICKETS, counts, dt.date(2012, 1, 1), dt.date(2012, 5, 6))


def _nab(path: Path, per: int, sample_seconds: int) -> tuple[dt.datetime, np.ndarray]:
    sums: defaultdict[int, float] = defaultdict(float)
    seen: Counter[int] = Counter()
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            at = int(dt.datetime.fromisoformat(row["timestamp"]).replace(tzinfo=dt.UTC).timestamp())
            sums[at // per] += float(row["value"])
            seen[at // per] += 1
    keys = sorted(sums)
    full = per // sample_seconds
    values = np.full(keys[-1] - keys[0] + 1, np.nan)
    for k in keys:
        if seen[k] * 2 >= full:
            values[k - keys[0]] = sums[k] * full / seen[k]
    return dt.datetime.fromtimestamp(keys[0] * per, dt.UTC), values


def taxi(step_seconds: int) -> DemandHistory:
    start, values = _nab(NAB / "realKnownCause" / "nyc_taxi.csv", step_seconds, 1800)
    name = "nyc-taxi-hourly" if step_seconds == HOUR else "nyc-taxi-daily"
    return DemandHistory(series=name, unit=DemandUnit.EVENTS, step_seconds=step_seconds, start=start, values=values)


def elb_requests() -> DemandHistory:
    start, values = _nab(NAB / "realAWSCloudwatch" / "elb_request_count_8c0756.csv", HOUR, 300)
    return DemandHistory(
        series="elb-requests-hourly", unit=DemandUnit.EVENTS, step_seconds=HOUR, start=start, values=values
    )


def plans() -> list[Plan]:
    """Days: a week ahead from five weeks of history on, every third day (the bench: every day).
    Hours: a week ahead from five weeks on, every fifth day (the bench: every day) for the taxi;
    a day ahead from one week on, every 12 hours (the bench: every 3) for the load balancer's
    two weeks. Spacings that are not whole weeks start forecasts on every weekday."""
    return [
        Plan(uci_tickets(), horizon=7, first=35, season=7, every=3, bench_every=1),
        Plan(bpic_tickets(), horizon=7, first=35, season=7, every=3, bench_every=1),
        Plan(taxi(DAY), horizon=7, first=35, season=7, every=3, bench_every=1),
        Plan(taxi(HOUR), horizon=168, first=35 * 24, season=168, every=5 * 24, bench_every=24),
        Plan(elb_requests(), horizon=24, first=7 * 24, season=168, every=12, bench_every=3),
    ]
