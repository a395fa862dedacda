"""Pulling from a real Prometheus (the Debian package, started by the test over TSDB blocks
written with promtool), checked against counts computed by hand from the generated data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from slmo.bootstrap import Slmo, connect
from slmo.core.model.audit import Actor
from slmo.core.model.job import RunOutcome
from slmo.errors import SourceError
from slmo.settings import Settings
from tests.api_support import FixedClock
from tests.prometheus_server import Series, openmetrics, prometheus

pytestmark = pytest.mark.xdist_group("prometheus")

T0 = int(dt.datetime(2026, 11, 20, tzinfo=dt.UTC).timestamp())
MINUTES = 180
TOTAL_PER_MINUTE = 600  # 10 requests a second, 150 every 15 s
ERRORS = {m: 60 for m in range(60, 70)}  # 10 minutes with 1 request a second failing
NOW = dt.datetime.fromtimestamp(T0 + MINUTES * 60 + 30, dt.UTC)
ACTOR = Actor(name="test", interface="test")


def _data() -> str:
    ok: list[tuple[int, float]] = [(T0, 0.0)]
    bad: list[tuple[int, float]] = [(T0, 0.0)]
    for m in range(MINUTES):
        errors = ERRORS.get(m, 0)
        for quarter in range(1, 5):
            at = T0 + 60 * m + 15 * quarter
            ok.append((at, ok[-1][1] + (TOTAL_PER_MINUTE - errors) / 4))
            bad.append((at, bad[-1][1] + errors / 4))
    series = [
        Series("http_requests_total", {"job": "eportal", "code": "200"}, ok),
        Series("http_requests_total", {"job": "eportal", "code": "500"}, bad),
    ]
    return openmetrics({"http_requests": ("counter", series)})


@pytest.fixture(scope="module")
def prometheus_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with prometheus(tmp_path_factory.mktemp("prometheus"), _data()) as url:
        yield url


RATE_GOOD = 'sum(rate(http_requests_total{job="eportal",code!~"5.."}[1m]))'
RATE_TOTAL = 'sum(rate(http_requests_total{job="eportal"}[1m]))'


def _catalogue(url: str, good: str = RATE_GOOD, total: str = RATE_TOTAL, counter: bool = False) -> str:
    return f"""
apiVersion: slmo/v1
kind: Party
metadata: {{name: ops}}
spec: {{type: internal}}
---
apiVersion: slmo/v1
kind: DataSource
metadata: {{name: prom}}
spec: {{type: Prometheus, connection: {{url: "{url}", tenant: team-a}}}}
---
apiVersion: slmo/v1
kind: Service
metadata: {{name: eportal}}
spec: {{owner: ops}}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {{name: eportal-requests}}
spec:
  service: eportal
  kind: ratio
  ratio:
    counter: {str(counter).lower()}
    good: {{source: prom, spec: {{query: '{good}'}}}}
    total: {{source: prom, spec: {{query: '{total}'}}}}
---
apiVersion: slmo/v1
kind: Agreement
metadata: {{name: eportal-ola}}
spec:
  type: ola
  parties: [{{party: ops, role: provider}}]
  services: [eportal]
  versions:
    - version: 1
      state: active
      objectives:
        - {{name: success, indicator: eportal-requests, target: 0.99, window: {{rolling: 1d}}}}
"""


@pytest.fixture
def slmo(tmp_path: Path) -> Iterator[Slmo]:
    with connect(Settings(database_url=f"sqlite:///{tmp_path / 'slmo.db'}"), clock=FixedClock(NOW)) as handle:
        yield handle


def _apply(slmo: Slmo, text: str) -> None:
    slmo.catalogue.apply(slmo.codec.load_text(text, "catalogue.yaml"), ACTOR)


def _pull(slmo: Slmo) -> list[RunOutcome]:
    jobs = [j for j in slmo.scheduler.sync() if j.kind == "pull"]
    assert [j.key for j in jobs] == ["eportal-requests"]
    outcomes = [o for o in slmo.scheduler.run_due("test", limit=10) if o.job.kind == "pull"]
    return [RunOutcome.DONE if o.completed else RunOutcome.FAILED for o in outcomes]


def _expected() -> tuple[np.ndarray, np.ndarray]:
    total = np.full(MINUTES, TOTAL_PER_MINUTE)
    good = total - np.array([ERRORS.get(m, 0) for m in range(MINUTES)])
    return good, total


@pytest.mark.parametrize("counter", [False, True], ids=["rates", "counters"])
def test_a_pull_stores_each_minute_as_generated(slmo: Slmo, prometheus_url: str, counter: bool) -> None:
    if counter:
        text = _catalogue(
            prometheus_url,
            good='sum(http_requests_total{job="eportal",code!~"5.."})',
            total='sum(http_requests_total{job="eportal"})',
            counter=True,
        )
    else:
        text = _catalogue(prometheus_url)
    _apply(slmo, text)
    assert _pull(slmo) == [RunOutcome.DONE]
    with slmo.scheduler._uow() as uow:  # the store, to compare bucket by bucket
        assert uow.measurements.bucket_range("eportal-requests") == (T0, T0 + MINUTES * 60)
        series = uow.measurements.read_buckets("eportal-requests", T0, T0 + MINUTES * 60, 60)
    good, total = _expected()
    assert series.total.tolist() == total.tolist()
    assert series.good.tolist() == good.tolist()
    # 600 errors out of 108,000 requests: 1 - 600/108000 = 0.994444...
    (row,) = slmo.evaluation.status()
    assert row.evaluation.total == 108_000
    assert row.evaluation.attainment == pytest.approx(1 - 600 / 108_000, abs=1e-12)


def test_pulling_again_changes_nothing_and_a_late_run_repulls_only_the_tail(slmo: Slmo, prometheus_url: str) -> None:
    _apply(slmo, _catalogue(prometheus_url))
    _pull(slmo)
    first = slmo.evaluation.status()[0].evaluation
    clock = slmo.time
    assert isinstance(clock, FixedClock)
    clock.at = NOW + dt.timedelta(minutes=1)
    assert _pull(slmo) == [RunOutcome.DONE]
    again = slmo.evaluation.status(NOW)[0].evaluation
    assert (again.good, again.total) == (first.good, first.total)
    (run, *_) = [r for r in slmo.scheduler.runs() if r.outcome is RunOutcome.DONE]
    assert run.outcome is RunOutcome.DONE


@pytest.mark.parametrize(
    ("good", "message"),
    [
        ("sum(rate(http_requests_total[1m]", "refused the query (HTTP 400, bad_data)"),
        ('rate(http_requests_total{job="eportal"}[1m])', "several series where one is expected"),
    ],
    ids=["syntax-error", "several-series"],
)
def test_a_bad_query_fails_the_job_with_the_reason_and_it_is_retried(
    slmo: Slmo, prometheus_url: str, good: str, message: str
) -> None:
    _apply(slmo, _catalogue(prometheus_url, good=good))
    assert _pull(slmo) == [RunOutcome.FAILED]
    (job,) = [j for j in slmo.scheduler.jobs() if j.kind == "pull"]
    assert job.last_error is not None and message in job.last_error, job.last_error
    assert "SourceError" in job.last_error
    assert job.due_at == NOW + dt.timedelta(seconds=10)  # retried after a back-off
    (row,) = slmo.evaluation.status()
    assert row.evaluation.status.value == "no_data"
    assert row.reason is not None and message in row.reason and not row.reason.startswith("SourceError")


def test_an_unreachable_prometheus_is_a_clear_error(slmo: Slmo) -> None:
    _apply(slmo, _catalogue("http://127.0.0.1:9"))
    assert _pull(slmo) == [RunOutcome.FAILED]
    (job,) = [j for j in slmo.scheduler.jobs() if j.kind == "pull"]
    assert job.last_error is not None and "cannot be reached" in job.last_error
    # The objective says why it has no data, in the CLI's JSON and table alike.
    (row,) = slmo.evaluation.status()
    assert row.reason is not None and row.reason.startswith("prom (http://127.0.0.1:9) cannot be reached")
    from slmo.services.pull import PullService
    from slmo.sources.prometheus import PrometheusReader

    with slmo.scheduler._uow() as uow, pytest.raises(SourceError, match=r"prom \(http://127.0.0.1:9\)"):
        PullService(PrometheusReader()).pull_in(uow, "eportal-requests", int(NOW.timestamp()))


def test_slmo_pull_pulls_now_from_the_command_line(
    prometheus_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command runs on the real clock, after the fixed data: it reports what it asked for."""
    from slmo.cli.main import execute

    database = f"sqlite:///{tmp_path / 'cli.db'}"
    with connect(Settings(database_url=database)) as handle:
        _apply(handle, _catalogue(prometheus_url))
    capsys.readouterr()
    assert execute(["--db", database, "pull", "eportal-requests"]) == 0
    assert "buckets of eportal-requests from prom" in capsys.readouterr().out
    assert execute(["--db", database, "pull", "nothing-of-the-kind"]) == 4
