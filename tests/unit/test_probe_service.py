"""The probe use case over the in-memory store with a scripted prober: one job per probed
indicator at its interval, each run one check counted into its bucket, down checks as done
runs, a check that cannot be made as a failed run retried with back-off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from slmo.bootstrap import Slmo, in_memory
from slmo.core.model.audit import Actor
from slmo.core.model.probe import ProbeReason, ProbeReasonCode, ProbeResult, ProbeSpec
from slmo.errors import ConfigurationError, NotFoundError, SourceError
from slmo.services.probes import HISTORY_DAYS, ProbeService
from tests.factories import unique

ACTOR = Actor(name="test", interface="test")
T0 = dt.datetime(2026, 11, 28, 9, 0, 0, tzinfo=dt.UTC)
DOWN = ProbeReason(ProbeReasonCode.STATUS, "HTTP 503", {"status": "503"})


class SettableClock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at


class ScriptedProber:
    """Answers each check with the next of ``script``: ``True``/``False`` for up/down, or an
    exception to raise."""

    def __init__(self) -> None:
        self.script: list[bool | Exception] = []
        self.checked: list[tuple[ProbeSpec, dt.datetime]] = []

    def check(self, probe: ProbeSpec, at: dt.datetime) -> ProbeResult:
        self.checked.append((probe, at))
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return ProbeResult(at=at, up=step, latency_ms=12.5 if step else None, reason=None if step else DOWN)


@pytest.fixture
def prober() -> ScriptedProber:
    return ScriptedProber()


@pytest.fixture
def slmo(prober: ScriptedProber) -> Iterator[Slmo]:
    with in_memory(clock=SettableClock(T0), prober=prober) as handle:
        yield handle


def _indicator(name: str, probe: str | None, every: str = "30s", bucket: str = "1m") -> str:
    availability = "{}" if probe is None else f"{{probe: {{{probe}, every: {every}}}}}"
    return f"""
apiVersion: slmo/v1
kind: Indicator
metadata: {{name: {name}}}
spec: {{kind: availability, bucket: {bucket}, availability: {availability}}}
"""


def _apply(slmo: Slmo, *texts: str) -> None:
    slmo.catalogue.apply(slmo.codec.load_text("---".join(texts), "catalogue.yaml"), ACTOR)


def _run(slmo: Slmo, at: dt.datetime) -> list[tuple[str, bool, str | None]]:
    clock = slmo.time
    assert isinstance(clock, SettableClock)
    clock.at = at
    slmo.scheduler.sync()
    return [(o.job.key, o.completed, o.error) for o in slmo.scheduler.run_due("w", limit=10) if o.job.kind == "probe"]


def test_one_job_per_probed_indicator_at_its_interval_retired_with_its_probe(slmo: Slmo) -> None:
    web, db, plain = unique("web"), unique("db"), unique("plain")
    _apply(
        slmo,
        _indicator(web, "http: {url: 'http://web.example/'}", every="45s"),
        _indicator(db, "tcp: {host: db.example, port: 5432}", every="2m"),
        _indicator(plain, None),
    )
    jobs = {j.key: j.interval_seconds for j in slmo.scheduler.sync() if j.kind == "probe"}
    assert jobs == {web: 45, db: 120}
    _apply(slmo, _indicator(web, None))
    assert [j.key for j in slmo.scheduler.sync() if j.kind == "probe"] == [db]


def test_each_run_checks_once_and_rewrites_its_bucket(slmo: Slmo, prober: ScriptedProber) -> None:
    name = unique("web")
    _apply(slmo, _indicator(name, "http: {url: 'http://web.example/'}"))
    prober.script = [True, False, False, True, True]
    assert _run(slmo, T0) == [(name, True, None)]
    assert _run(slmo, T0 + dt.timedelta(seconds=20)) == []  # not due before its interval
    for seconds in (30, 60, 90, 120):
        assert _run(slmo, T0 + dt.timedelta(seconds=seconds)) == [(name, True, None)]
    assert [at for _, at in prober.checked] == [T0 + dt.timedelta(seconds=s) for s in (0, 30, 60, 90, 120)]
    start = int(T0.timestamp())
    with slmo.scheduler._uow() as uow:
        series = uow.measurements.read_buckets(name, start, start + 180, 60)
    assert (series.good.tolist(), series.total.tolist()) == ([1, 1, 1], [2, 2, 1])
    assert [r.up for r in slmo.probes.results(name)] == [True, False, False, True, True]
    assert slmo.probes.latest(name) == ProbeResult(at=T0 + dt.timedelta(seconds=120), up=True, latency_ms=12.5)
    (job,) = [j for j in slmo.scheduler.jobs() if j.kind == "probe"]
    assert job.last_error is None


def test_a_check_that_cannot_be_made_fails_the_run_and_backs_off(slmo: Slmo, prober: ScriptedProber) -> None:
    name = unique("web")
    _apply(slmo, _indicator(name, "http: {url: 'http://web.example/'}", every="5m"))
    problem = SourceError("probe http://web.example/: the check cannot be made: caFile x", key="error.probe_setup")
    prober.script = [problem, problem, True]
    ((_, completed, error),) = _run(slmo, T0)
    assert not completed and error == "SourceError: probe http://web.example/: the check cannot be made: caFile x"
    (job,) = [j for j in slmo.scheduler.jobs() if j.kind == "probe"]
    assert (job.due_at, job.last_error) == (T0 + dt.timedelta(seconds=10), error)
    assert _run(slmo, T0 + dt.timedelta(seconds=10)) == [(name, False, error)]
    (job,) = [j for j in slmo.scheduler.jobs() if j.kind == "probe"]
    assert job.due_at == T0 + dt.timedelta(seconds=30)  # 10 s, then 20 s: doubled
    assert _run(slmo, T0 + dt.timedelta(seconds=30)) == [(name, True, None)]
    # Nothing of the failed runs was kept; the good one was.
    assert [r.at for r in slmo.probes.results(name)] == [T0 + dt.timedelta(seconds=30)]


def test_old_details_are_pruned_and_their_buckets_kept(slmo: Slmo, prober: ScriptedProber) -> None:
    name = unique("web")
    _apply(slmo, _indicator(name, "http: {url: 'http://web.example/'}"))
    prober.script = [False, True]
    _run(slmo, T0)
    later = T0 + dt.timedelta(days=HISTORY_DAYS, seconds=30)
    _run(slmo, later)
    assert [r.at for r in slmo.probes.results(name)] == [later]
    start = int(T0.timestamp())
    with slmo.scheduler._uow() as uow:
        first = uow.measurements.read_buckets(name, start, start + 60, 60)
    assert (first.good.tolist(), first.total.tolist()) == ([0], [1])


def test_probe_in_names_what_is_missing(slmo: Slmo, prober: ScriptedProber) -> None:
    plain = unique("plain")
    _apply(slmo, _indicator(plain, None))
    service = ProbeService(prober, slmo.scheduler._uow, slmo.time)
    with slmo.scheduler._uow() as uow:
        with pytest.raises(ConfigurationError, match=f"Indicator {plain} has no probe"):
            service.probe_in(uow, plain)
        with pytest.raises(NotFoundError, match="no indicator 'gone'"):
            service.probe_in(uow, "gone")
    assert prober.checked == []
