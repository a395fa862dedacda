"""Probes against real servers the tests start on 127.0.0.1 and then break on purpose: each
break is a down check with its reason, the worker goes on, and the objective's attainment
is the share of up checks counted by hand. HTTPS against a self-signed certificate made by
``openssl req``, TCP against a listener that is then closed."""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from slmo.bootstrap import Slmo, connect
from slmo.core.model.audit import Actor
from slmo.core.model.job import RunOutcome
from slmo.core.model.probe import HttpProbe, ProbeReasonCode, ProbeResult, ProbeSpec, TcpProbe
from slmo.errors import SourceError
from slmo.settings import Settings
from slmo.sources.certificates import certificate_not_after
from slmo.sources.probing import NetworkProber
from tests.probe_targets import Mode, Target, http_target, not_after, self_signed, server_context, tcp_listener

ACTOR = Actor(name="test", interface="test")
# Real time (certificates are made now), on a minute and a bit, so each check's bucket is known.
START = dt.datetime.now(dt.UTC).replace(second=5, microsecond=0) + dt.timedelta(minutes=1)
TIMEOUT = 1


class SettableClock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at


def _catalogue(probe: str, *, every: str = "60s", target: float = 0.99) -> str:
    return f"""
apiVersion: slmo/v1
kind: Party
metadata: {{name: ops}}
spec: {{type: internal}}
---
apiVersion: slmo/v1
kind: Service
metadata: {{name: portal}}
spec: {{owner: ops}}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {{name: portal-up}}
spec:
  service: portal
  kind: availability
  availability:
    probe: {{{probe}, every: {every}}}
---
apiVersion: slmo/v1
kind: Agreement
metadata: {{name: portal-ola}}
spec:
  type: ola
  parties: [{{party: ops, role: provider}}]
  services: [portal]
  versions:
    - version: 1
      state: active
      objectives:
        - {{name: availability, indicator: portal-up, target: {target}, window: {{rolling: 1d}}}}
"""


def _http(url: str) -> str:
    return (
        f"http: {{url: '{url}/health', expectStatus: [200], bodyMatch: '\"status\": *\"ok\"', "
        f"timeoutSeconds: {TIMEOUT}, headers: {{Accept: application/json}}}}"
    )


@pytest.fixture
def slmo(db_url: str) -> Iterator[Slmo]:
    with connect(Settings(database_url=db_url), clock=SettableClock(START)) as handle:
        yield handle


def _apply(slmo: Slmo, text: str) -> None:
    slmo.catalogue.apply(slmo.codec.load_text(text, "catalogue.yaml"), ACTOR)


def _clock(slmo: Slmo) -> SettableClock:
    assert isinstance(slmo.time, SettableClock)
    return slmo.time


def _probe_once(slmo: Slmo, *, advance: int = 60) -> ProbeResult:
    """Move the clock on, let a worker run what is due, and return the check it recorded."""
    _clock(slmo).at += dt.timedelta(seconds=advance)
    jobs = [j for j in slmo.scheduler.sync() if j.kind == "probe"]
    assert [(j.key, j.interval_seconds) for j in jobs] == [("portal-up", jobs[0].interval_seconds)]
    outcomes = [o for o in slmo.scheduler.run_due("worker", limit=10) if o.job.kind == "probe"]
    assert [(o.completed, o.error) for o in outcomes] == [(True, None)]
    latest = slmo.probes.latest("portal-up")
    assert latest is not None and latest.at == _clock(slmo).at
    return latest


def test_a_target_broken_on_purpose_gives_each_reason_and_the_worker_goes_on(slmo: Slmo) -> None:
    with http_target() as target:
        _apply(slmo, _catalogue(_http(target.url)))
        seen: list[tuple[bool, str | None]] = []
        for mode in (Mode.HEALTHY, Mode.HEALTHY, Mode.FAILING, Mode.WRONG_BODY, Mode.HANGING):
            target.mode = mode
            started = time.perf_counter()
            result = _probe_once(slmo)
            took = time.perf_counter() - started
            seen.append((result.up, None if result.reason is None else result.reason.message))
            # An answer has a latency; a check that got none has no latency.
            assert (result.latency_ms is None) == (mode is Mode.HANGING)
            if mode is Mode.HANGING:
                assert TIMEOUT <= took < TIMEOUT + 2  # bounded by the timeout, not by the server
        target.stop()
        seen += [(r.up, None if r.reason is None else r.reason.message) for r in [_probe_once(slmo)]]
    assert seen == [
        (True, None),
        (True, None),
        (False, "HTTP 503"),
        (False, "body did not match"),
        (False, f"timed out after {TIMEOUT} s"),
        (False, "connection refused"),
    ]
    # Down checks are measurements, not failures: every run is done, no error kept.
    (job,) = [j for j in slmo.scheduler.jobs() if j.kind == "probe"]
    assert job.last_error is None and job.attempts == 0
    runs = [r for r in slmo.scheduler.runs(job.id)]
    assert [(r.outcome, r.error) for r in runs] == [(RunOutcome.DONE, None)] * 6
    # Every check is kept with its reason, code and arguments for the translation layer.
    kept = slmo.probes.results("portal-up")
    assert [r.up for r in kept] == [up for up, _ in seen]
    assert [r.reason.code if r.reason else None for r in kept] == [
        None,
        None,
        ProbeReasonCode.STATUS,
        ProbeReasonCode.BODY,
        ProbeReasonCode.TIMEOUT,
        ProbeReasonCode.REFUSED,
    ]
    assert kept[2].reason is not None and dict(kept[2].reason.args) == {"status": "503"}
    # One check a minute, one bucket each: 2 up of 6, and nothing else counted.
    (row,) = slmo.evaluation.status()
    assert (row.evaluation.good, row.evaluation.total) == (2, 6)
    assert row.evaluation.attainment == pytest.approx(2 / 6, abs=1e-12)
    assert row.evaluation.status.value == "breached"


def test_several_checks_in_a_bucket_count_as_its_share_of_up_checks(slmo: Slmo) -> None:
    """Checks every 30 s in buckets of a minute: (up, up), (up, down), (down, down), (up, up)
    are bucket shares 1, 1/2, 0, 1, so attainment is 2.5 / 4 = 5 / 8, the share of up checks."""
    with http_target() as target:
        _apply(slmo, _catalogue(_http(target.url), every="30s"))
        _clock(slmo).at = START + dt.timedelta(seconds=25)  # the first check at the start of a minute
        for mode in [Mode.HEALTHY] * 3 + [Mode.FAILING] * 3 + [Mode.HEALTHY] * 2:
            target.mode = mode
            _probe_once(slmo, advance=30)
    minute = int((START + dt.timedelta(seconds=55)).timestamp())
    assert minute % 60 == 0
    with slmo.scheduler._uow() as uow:  # the store, bucket by bucket
        series = uow.measurements.read_buckets("portal-up", minute, minute + 4 * 60, 60)
    assert series.good.tolist() == [2, 1, 0, 2]
    assert series.total.tolist() == [2, 2, 2, 2]
    (row,) = slmo.evaluation.status()
    assert row.evaluation.attainment == pytest.approx(5 / 8, abs=1e-12)


def test_a_tcp_probe_of_a_listener_then_of_the_closed_port(slmo: Slmo) -> None:
    with tcp_listener() as listener:
        port = listener.getsockname()[1]
        _apply(slmo, _catalogue(f"tcp: {{host: 127.0.0.1, port: {port}, timeoutSeconds: {TIMEOUT}}}", every="30s"))
        up = _probe_once(slmo, advance=30)
    down = _probe_once(slmo, advance=30)
    assert (up.up, up.reason) == (True, None)
    assert up.latency_ms is not None and up.latency_ms < TIMEOUT * 1000
    assert (down.up, str(down.reason), down.latency_ms) == (False, "connection refused", None)
    (job,) = [j for j in slmo.scheduler.jobs() if j.kind == "probe"]
    assert job.interval_seconds == 30


def test_a_tcp_connection_that_is_never_accepted_times_out() -> None:
    """A listener whose queue is full drops new connections (Linux): the connect hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    queued: list[socket.socket] = []
    try:
        while True:
            client = socket.socket()
            client.settimeout(0.3)
            queued.append(client)
            try:
                client.connect(("127.0.0.1", port))
            except TimeoutError:
                break
            assert len(queued) < 50, "the listener's queue never filled"
        started = time.perf_counter()
        result = NetworkProber().check(
            ProbeSpec(tcp=TcpProbe(host="127.0.0.1", port=port, timeout_seconds=TIMEOUT)), START
        )
        assert TIMEOUT <= time.perf_counter() - started < TIMEOUT + 1
        assert (result.up, str(result.reason)) == (False, f"timed out after {TIMEOUT} s")
    finally:
        for client in queued:
            client.close()
        listener.close()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    made = dt.datetime.now(dt.UTC)
    cert, key = self_signed(tmp_path_factory.mktemp("tls"), days=5)
    assert abs(not_after(cert) - (made + dt.timedelta(days=5))) < dt.timedelta(minutes=1)
    return cert, key


@pytest.fixture
def tls_target(certificate: tuple[Path, Path]) -> Iterator[Target]:
    with http_target(server_context(*certificate)) as target:
        yield target


def test_a_certificate_expiring_within_the_warning_days_is_flagged(
    slmo: Slmo, tls_target: Target, certificate: tuple[Path, Path]
) -> None:
    cert, _ = certificate
    expires = not_after(cert)
    _apply(
        slmo,
        _catalogue(f"http: {{url: '{tls_target.url}/health', caFile: '{cert}', certificateWarningDays: 14}}"),
    )
    result = _probe_once(slmo)
    assert result.up and result.latency_ms is not None
    assert result.certificate_expires_at == expires
    assert result.reason is not None and result.reason.code is ProbeReasonCode.CERTIFICATE_EXPIRES
    assert str(result.reason) == f"certificate expires {expires.date().isoformat()}"
    # A warning is not downtime: the check counts as up.
    (row,) = slmo.evaluation.status()
    assert (row.evaluation.good, row.evaluation.total) == (1, 1)


def test_certificates_checked_verified_or_not(tls_target: Target, certificate: tuple[Path, Path]) -> None:
    cert, _ = certificate
    prober = NetworkProber()
    expires = not_after(cert)
    url = f"{tls_target.url}/health"

    def check(at: dt.datetime = START, **kw: object) -> ProbeResult:
        return prober.check(ProbeSpec(http=HttpProbe(url=url, timeout_seconds=TIMEOUT, **kw)), at)  # type: ignore[arg-type]

    # Not trusted without its CA: down, with the TLS library's reason.
    untrusted = check(certificate_warning_days=14)
    assert (untrusted.up, str(untrusted.reason)) == (False, "TLS: certificate verify failed: self-signed certificate")
    # Not verified: the expiry is read all the same; 5 days left is no warning at 3 days.
    unverified = check(tls_verify=False, certificate_warning_days=3)
    assert (unverified.up, unverified.reason, unverified.certificate_expires_at) == (True, None, expires)
    # Past its notAfter: down, whatever the warning days.
    late = check(START + dt.timedelta(days=6), tls_verify=False)
    assert (late.up, str(late.reason)) == (False, f"certificate expired {expires.date().isoformat()}")
    # A CA file that cannot be read is not the target's fault: the check cannot be made.
    with pytest.raises(SourceError, match=r"caFile /nonexistent/ca\.pem"):
        check(ca_file="/nonexistent/ca.pem")


def test_a_check_that_cannot_be_made_fails_the_job_and_is_retried(slmo: Slmo, tls_target: Target) -> None:
    _apply(slmo, _catalogue(f"http: {{url: '{tls_target.url}/health', caFile: /nonexistent/ca.pem}}"))
    _clock(slmo).at += dt.timedelta(seconds=60)
    slmo.scheduler.sync()
    (outcome,) = [o for o in slmo.scheduler.run_due("worker", limit=10) if o.job.kind == "probe"]
    assert not outcome.completed and outcome.error is not None and "caFile /nonexistent/ca.pem" in outcome.error
    (job,) = [j for j in slmo.scheduler.jobs() if j.kind == "probe"]
    assert job.last_error is not None and job.last_error.startswith("SourceError: probe https://127.0.0.1")
    assert job.due_at == _clock(slmo).at + dt.timedelta(seconds=10)  # back-off, then again
    assert slmo.probes.results("portal-up") == []


def test_redirects_are_answers_unless_followed(tls_target: Target, certificate: tuple[Path, Path]) -> None:
    cert, _ = certificate
    tls_target.mode = Mode.REDIRECT
    prober = NetworkProber()
    spec = HttpProbe(url=f"{tls_target.url}/", ca_file=str(cert), timeout_seconds=TIMEOUT)
    assert str(prober.check(ProbeSpec(http=spec), START).reason) == "HTTP 302"
    followed = HttpProbe(url=spec.url, ca_file=str(cert), timeout_seconds=TIMEOUT, follow_redirects=True)
    assert prober.check(ProbeSpec(http=followed), START).up


@pytest.mark.parametrize(("days", "key"), [(5, "rsa:2048"), (40, "prime256v1"), (10_000, "rsa:2048")])
def test_the_certificate_expiry_read_from_der_is_openssls(tmp_path: Path, days: int, key: str) -> None:
    """10,000 days reach past 2049, where RFC 5280 switches UTCTime for GeneralizedTime."""
    import ssl

    cert, _ = self_signed(tmp_path, days, key)
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    assert certificate_not_after(der) == not_after(cert)
