"""Trends over the in-memory store (``services.trends``): the last whole periods before now in
each objective's zone, attainment per period from ``EvaluationService.over_period``, periods
without data left out, a service's mean share of budget spent, and the customer's walls."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence

import pytest

from slmo.bootstrap import Slmo, in_memory
from slmo.core.model import Weekday, WindowUnit
from slmo.core.model.auth import Principal, Role
from slmo.core.model.trend import TrendMeasure, TrendSubject, TrendVerdict
from slmo.errors import NotFoundError, SpecError
from slmo.services.ingest import MeasurementKind
from slmo.services.trends import budget_share, last_periods, trend_plain
from tests.api_support import ADMIN, FixedClock

NOW = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)

CATALOGUE = """\
apiVersion: slmo/v1
kind: Party
metadata: {name: ministry}
spec: {type: customer}
---
apiVersion: slmo/v1
kind: Party
metadata: {name: bank}
spec: {type: customer}
---
apiVersion: slmo/v1
kind: Party
metadata: {name: ops}
spec: {type: internal}
---
apiVersion: slmo/v1
kind: Service
metadata: {name: portal}
spec: {owner: ops}
---
apiVersion: slmo/v1
kind: Service
metadata: {name: payments}
spec: {owner: ops}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {name: portal-requests}
spec: {service: portal, kind: ratio}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {name: portal-logins}
spec: {service: portal, kind: ratio}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {name: payments-requests}
spec: {service: payments, kind: ratio}
---
apiVersion: slmo/v1
kind: Agreement
metadata: {name: portal-sla}
spec:
  type: sla
  parties: [{party: ministry, role: customer}]
  services: [portal]
  versions:
    - version: 1
      state: active
      objectives:
        - {name: success, indicator: portal-requests, target: 0.99, window: {rolling: 28d}}
---
apiVersion: slmo/v1
kind: Agreement
metadata: {name: portal-bank}
spec:
  type: sla
  parties: [{party: bank, role: customer}]
  services: [portal]
  versions:
    - version: 1
      state: active
      objectives:
        - {name: logins, indicator: portal-logins, target: 0.999, window: {rolling: 28d}}
---
apiVersion: slmo/v1
kind: Agreement
metadata: {name: payments-sla}
spec:
  type: sla
  parties: [{party: bank, role: customer}]
  services: [payments]
  versions:
    - version: 1
      state: active
      objectives:
        - {name: success, indicator: payments-requests, target: 0.99, window: {rolling: 28d}}
"""


def write_days(slmo: Slmo, indicator: str, first: dt.date, good: Sequence[int], total: int = 1000) -> None:
    """One row of events at noon UTC of each day from ``first``: ``good[i]`` good of ``total``."""
    lines = ["timestamp,good,total"]
    for i, g in enumerate(good):
        day = first + dt.timedelta(days=i)
        lines.append(f"{day.isoformat()}T12:00:00Z,{g},{total}")
    stream = io.BytesIO(("\n".join(lines) + "\n").encode())
    slmo.ingest.measurements(MeasurementKind.EVENTS, indicator, stream, f"{indicator}.csv", ADMIN)


@pytest.fixture
def slmo() -> Iterator[Slmo]:
    with in_memory(clock=FixedClock(NOW)) as handle:
        handle.catalogue.apply(handle.codec.load_text(CATALOGUE, "trends.yaml"), ADMIN)
        yield handle


def test_the_last_whole_periods_before_now() -> None:
    assert last_periods(NOW, WindowUnit.MONTH, 3, "UTC") == ["2026-08", "2026-09", "2026-10"]
    assert last_periods(NOW, WindowUnit.DAY, 2, "UTC") == ["2026-10-31", "2026-11-01"]
    # 2 November is a Monday: the week now running is W45, the last whole one W44.
    assert last_periods(NOW, WindowUnit.WEEK, 2, "UTC") == ["2026-W43", "2026-W44"]
    # At 22:00 UTC on 1 November it is already 2 November in Riyadh (UTC+3): 1 November has
    # ended there, not in UTC.
    late = dt.datetime(2026, 11, 1, 22, 0, tzinfo=dt.UTC)
    assert last_periods(late, WindowUnit.DAY, 1, "UTC") == ["2026-10-31"]
    assert last_periods(late, WindowUnit.DAY, 1, "Asia/Riyadh") == ["2026-11-01"]
    # A Saudi week (Sunday to Saturday) is named by the ISO week of its Monday: on Monday
    # 2 November the week of Sunday 1 November is running, so the last whole one is the week
    # of Sunday 25 October, named 2026-W44.
    assert last_periods(NOW, WindowUnit.WEEK, 1, "Asia/Riyadh", Weekday.SUN) == ["2026-W44"]
    # A year ago, across the new year.
    assert last_periods(dt.datetime(2027, 1, 5, tzinfo=dt.UTC), WindowUnit.MONTH, 2, "UTC") == ["2026-11", "2026-12"]


def test_an_objective_that_degrades_by_day_with_a_step(slmo: Slmo) -> None:
    # October: 99.8 % for sixteen days, then 99.0 % from 17 October; no data on 1 November.
    write_days(slmo, "portal-requests", dt.date(2026, 10, 1), [998] * 16 + [990] * 15)
    (trend,) = slmo.trends.objective("portal-sla/success", unit="day")
    assert (trend.subject, trend.name, trend.service) == (TrendSubject.OBJECTIVE, "portal-sla/success", "portal")
    assert trend.measure is TrendMeasure.ATTAINMENT and trend.unit is WindowUnit.DAY
    # 30 days asked (the default for days): 3 October to 1 November; 1 November had no data.
    assert (trend.asked[0], trend.asked[-1], len(trend.asked)) == ("2026-10-03", "2026-11-01", 30)
    assert trend.read == 29 and "2026-11-01" not in trend.series.periods
    assert trend.series.values[:2] == (pytest.approx(0.998), pytest.approx(0.998))
    assert trend.verdict is TrendVerdict.DEGRADING
    assert trend.test is not None and trend.test.statistic == -(14 * 15) and trend.test.p_value < 0.05
    (step,) = trend.steps
    assert (step.period, step.before, step.after) == ("2026-10-17", pytest.approx(0.998), pytest.approx(0.990))
    assert step.p_value < 1e-6


def test_months_and_a_short_series(slmo: Slmo) -> None:
    # One day of data in each of August, September and October: 99.1 %, 99.5 %, 99.9 %.
    for month, good in ((8, 991), (9, 995), (10, 999)):
        write_days(slmo, "portal-requests", dt.date(2026, month, 15), [good])
    # Months and 12 of them are the defaults.
    (trend,) = slmo.trends.objective("portal-sla/success")
    assert trend.asked == tuple(f"2025-{m:02d}" for m in (11, 12)) + tuple(f"2026-{m:02d}" for m in range(1, 11))
    assert trend.series.periods == ("2026-08", "2026-09", "2026-10")
    assert trend.series.positions == (9, 10, 11)
    assert trend.test is not None and trend.test.statistic == 3
    assert trend.test.slope == pytest.approx(0.004)
    # Three periods can never be significant at 0.05: no verdict rather than a "stable".
    assert trend.verdict is None
    (loose,) = slmo.trends.objective("portal-sla/success", alpha=0.5)
    assert loose.verdict is TrendVerdict.IMPROVING


def test_a_service_is_the_mean_share_of_budget_spent(slmo: Slmo) -> None:
    # portal-sla/success (target 99 %) and portal-bank/logins (99.9 %) both measure portal.
    # 31 October: 99.5 % and 99.95 %: each spent half its budget, (1 − 0.995)/(1 − 0.99) = 0.5
    # and (1 − 0.9995)/(1 − 0.999) = 0.5: the service's mean is 0.5.
    # 1 November: 98 % and 100 %: 2.0 and 0.0, a mean of 1.0.
    write_days(slmo, "portal-requests", dt.date(2026, 10, 31), [995, 980])
    write_days(slmo, "portal-logins", dt.date(2026, 10, 31), [19990, 20000], total=20000)
    trend = slmo.trends.service("portal", unit="day", periods=3)
    assert (trend.subject, trend.name, trend.measure) == (TrendSubject.SERVICE, "portal", TrendMeasure.BUDGET_SPENT)
    assert trend.objectives == ("portal-bank/logins", "portal-sla/success")
    assert trend.asked == ("2026-10-30", "2026-10-31", "2026-11-01")
    assert trend.series.periods == ("2026-10-31", "2026-11-01")
    assert trend.series.values == (pytest.approx(0.5), pytest.approx(1.0))
    # Every objective (in the catalogue's order) and then every service, when nothing is named.
    every = slmo.trends.trends(unit="day", periods=3)
    assert [(t.subject.value, t.name) for t in every] == [
        ("objective", "payments-sla/success"),
        ("objective", "portal-bank/logins"),
        ("objective", "portal-sla/success"),
        ("service", "payments"),
        ("service", "portal"),
    ]
    payments = every[3]
    assert payments.read == 0 and payments.test is None and payments.verdict is None


def test_budget_share_needs_data_and_a_budget(slmo: Slmo) -> None:
    write_days(slmo, "portal-requests", dt.date(2026, 10, 31), [995])
    (record,) = slmo.evaluation.history("portal-sla/success", "2026-10-31")
    assert budget_share(record) == pytest.approx(0.5)
    (empty,) = slmo.evaluation.history("portal-sla/success", "2026-10-30")
    assert budget_share(empty) is None


def test_a_customer_reads_only_its_own(slmo: Slmo) -> None:
    write_days(slmo, "portal-requests", dt.date(2026, 10, 31), [995, 980])
    write_days(slmo, "portal-logins", dt.date(2026, 10, 31), [19990, 20000], total=20000)
    ministry = slmo.access(Principal(role=Role.CUSTOMER, name="m", party="ministry"))
    mine = ministry.trends(unit="day", periods=3)
    assert [(t.subject.value, t.name) for t in mine] == [("objective", "portal-sla/success"), ("service", "portal")]
    # Its portal is its own objective's: 0.5 then 2.0, not the bank's logins.
    assert mine[1].objectives == ("portal-sla/success",)
    assert mine[1].series.values == (pytest.approx(0.5), pytest.approx(2.0))
    # Another party's objective or service answers as a missing one.
    for objective, service in (("portal-bank/logins", None), ("nothing/here", None), (None, "payments"), (None, "x")):
        with pytest.raises(NotFoundError):
            ministry.trends(objective, service, unit="day", periods=3)
    staff = slmo.access(Principal(role=Role.VIEWER, name="v"))
    assert len(staff.trends(unit="day", periods=3)) == 5


def test_what_is_refused(slmo: Slmo) -> None:
    with pytest.raises(SpecError) as bad_unit:
        slmo.trends.trends(unit="quarter")
    assert bad_unit.value.problems[0].key == "trend.bad_unit"
    with pytest.raises(SpecError):
        slmo.trends.trends(periods=0)
    with pytest.raises(SpecError):
        slmo.trends.trends(periods=367)
    with pytest.raises(SpecError):
        slmo.trends.trends(alpha=1.0)
    with pytest.raises(NotFoundError):
        slmo.trends.objective("nothing")
    with pytest.raises(NotFoundError) as no_service:
        slmo.trends.service("nothing")
    assert no_service.value.key == "error.trend_service_not_found"


def test_the_plain_document(slmo: Slmo) -> None:
    write_days(slmo, "portal-requests", dt.date(2026, 10, 1), [998] * 16 + [990] * 15)
    (trend,) = slmo.trends.objective("portal-sla/success", unit="day", periods=30)
    plain = trend_plain(trend)
    assert plain["verdict"] == "degrading" and plain["unit"] == "day" and plain["measure"] == "attainment"
    assert plain["periods_read"] == 29 and len(plain["periods_asked"]) == 30
    assert plain["series"][0] == {"period": "2026-10-03", "value": pytest.approx(0.998)}
    assert plain["test"]["method"] == "hamed_rao" and plain["test"]["s"] == -210
    assert plain["steps"][0]["period"] == "2026-10-17"
