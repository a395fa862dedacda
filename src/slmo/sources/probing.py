"""Checks slmo makes itself: an HTTP(S) request with httpx, or a TCP connection.

A target that is down, slow or wrong gives a result with ``up=False`` and its reason, never
an exception: that is the measurement. Only a check that cannot be made at all (a CA file
that cannot be read) raises ``SourceError``.

- HTTP(S): one request on a fresh connection (so connecting and the TLS handshake count in
  the latency), redirects not followed unless asked; up when the status is expected and,
  with ``bodyMatch``, the regular expression is found in the first MiB of the body. The TLS
  certificate's notAfter is read from the connection (``ssl_object`` of httpx's network
  stream), verified or not: past it, the check is down; within ``certificateWarningDays``
  of it, up with a warning.
- Timeouts: httpx bounds connecting and each wait for data by ``timeoutSeconds``; the body
  is read against a deadline, and a check that took longer than its timeout in all is timed
  out too. A server that trickles its headers byte by byte can hold a check past its
  timeout (httpx has no total timeout), though each wait stays within it.
- TCP: a connection accepted within the timeout is up (name resolution is not bounded).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import socket
import ssl
import time
from typing import Any

import httpx

from slmo.core.model.probe import HttpProbe, ProbeReason, ProbeReasonCode, ProbeResult, ProbeSpec, TcpProbe
from slmo.errors import SourceError
from slmo.sources.certificates import CertificateFormatError, certificate_not_after

logger = logging.getLogger(__name__)

# The body is read this far at most, for the match.
MAX_BODY_BYTES = 1 << 20


class _DeadlineError(Exception):
    """The check ran past its timeout while reading the body."""


def _reason(code: ProbeReasonCode, message: str, **args: Any) -> ProbeReason:
    return ProbeReason(code, message, {k: str(v) for k, v in args.items()})


def _timed_out(seconds: float) -> ProbeReason:
    return _reason(ProbeReasonCode.TIMEOUT, f"timed out after {seconds:g} s", seconds=f"{seconds:g}")


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and those it was raised from (httpx wraps httpcore wraps the OSError)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _connect_reason(exc: BaseException, host: str) -> ProbeReason:
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            detail = f"certificate verify failed: {cause.verify_message}"
            return _reason(ProbeReasonCode.TLS, f"TLS: {detail}", detail=detail)
        if isinstance(cause, ssl.SSLError):
            detail = cause.reason or str(cause)
            return _reason(ProbeReasonCode.TLS, f"TLS: {detail}", detail=detail)
        if isinstance(cause, ConnectionRefusedError):
            return _reason(ProbeReasonCode.REFUSED, "connection refused")
        if isinstance(cause, socket.gaierror):
            return _reason(ProbeReasonCode.UNRESOLVED, f"host name {host} not resolved", host=host)
    detail = str(exc) or type(exc).__name__
    return _reason(ProbeReasonCode.UNREACHABLE, f"cannot connect: {detail}", detail=detail)


def _certificate(response: httpx.Response) -> dt.datetime | None:
    stream = response.extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    if ssl_object is None:
        return None
    der = ssl_object.getpeercert(True)  # the DER bytes; the C object takes no keywords
    if not der:
        return None
    try:
        return certificate_not_after(der)
    except CertificateFormatError:
        logger.warning("the TLS certificate of %s could not be read", response.url, exc_info=True)
        return None


def _body(response: httpx.Response, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_BODY_BYTES:
            break
        if time.perf_counter() > deadline:
            raise _DeadlineError
    return b"".join(chunks)[:MAX_BODY_BYTES]


class NetworkProber:
    """The ``Prober`` port: each check on a connection of its own."""

    def __init__(self, transport: httpx.BaseTransport | None = None) -> None:
        # A transport is injected only by unit tests of the HTTP paths.
        self._transport = transport

    def check(self, probe: ProbeSpec, at: dt.datetime) -> ProbeResult:
        if probe.http is not None:
            return self._http(probe.http, at)
        if probe.tcp is not None:
            return self._tcp(probe.tcp, at)
        raise SourceError("a probe needs http or tcp", key="error.probe_setup", name="?", detail="no http or tcp")

    # -- HTTP(S) -------------------------------------------------------------------------

    @staticmethod
    def _verify(probe: HttpProbe) -> ssl.SSLContext | bool:
        if not probe.tls_verify:
            return False
        if probe.ca_file is None:
            return True
        try:
            return ssl.create_default_context(cafile=probe.ca_file)
        except (OSError, ssl.SSLError) as exc:
            detail = f"caFile {probe.ca_file}: {exc}"
            raise SourceError(
                f"probe {probe.url}: the check cannot be made: {detail}",
                key="error.probe_setup",
                name=probe.url,
                detail=detail,
            ) from exc

    def _http(self, probe: HttpProbe, at: dt.datetime) -> ProbeResult:
        verify = self._verify(probe)
        timeout = probe.timeout_seconds
        host = httpx.URL(probe.url).host
        started = time.perf_counter()
        try:
            with (
                httpx.Client(
                    verify=verify,
                    timeout=timeout,
                    follow_redirects=probe.follow_redirects,
                    headers=dict(probe.headers),
                    transport=self._transport,
                ) as client,
                client.stream(probe.method, probe.url) as response,
            ):
                expires = _certificate(response)
                body = _body(response, started + timeout)
                status = response.status_code
                encoding = response.encoding or "utf-8"
        except (httpx.TimeoutException, _DeadlineError):
            return ProbeResult(at=at, up=False, reason=_timed_out(timeout))
        except httpx.ConnectError as exc:
            return ProbeResult(at=at, up=False, reason=_connect_reason(exc, host))
        except httpx.HTTPError as exc:  # the server closed the connection, spoke no HTTP ...
            detail = str(exc) or type(exc).__name__
            reason = _reason(ProbeReasonCode.PROTOCOL, f"no valid HTTP answer: {detail}", detail=detail)
            return ProbeResult(at=at, up=False, reason=reason)
        elapsed = time.perf_counter() - started
        if elapsed > timeout:
            return ProbeResult(at=at, up=False, reason=_timed_out(timeout))
        latency = round(elapsed * 1000, 3)
        down = self._judge(probe, status, body, encoding, expires, at)
        warning = None if down is not None else self._warning(probe, expires, at)
        return ProbeResult(
            at=at,
            up=down is None,
            latency_ms=latency,
            reason=down or warning,
            certificate_expires_at=expires,
        )

    @staticmethod
    def _judge(
        probe: HttpProbe, status: int, body: bytes, encoding: str, expires: dt.datetime | None, at: dt.datetime
    ) -> ProbeReason | None:
        """Why the answer is down, or ``None`` when it is up."""
        if not probe.expects(status):
            return _reason(ProbeReasonCode.STATUS, f"HTTP {status}", status=status)
        if probe.body_match is not None:
            text = body.decode(encoding, errors="replace")
            if re.search(probe.body_match, text) is None:
                return _reason(ProbeReasonCode.BODY, "body did not match")
        if expires is not None and expires <= at:
            day = expires.date().isoformat()
            return _reason(ProbeReasonCode.CERTIFICATE_EXPIRED, f"certificate expired {day}", date=day)
        return None

    @staticmethod
    def _warning(probe: HttpProbe, expires: dt.datetime | None, at: dt.datetime) -> ProbeReason | None:
        days = probe.certificate_warning_days
        if days is None or expires is None or expires - at > dt.timedelta(days=days):
            return None
        day = expires.date().isoformat()
        return _reason(ProbeReasonCode.CERTIFICATE_EXPIRES, f"certificate expires {day}", date=day)

    # -- TCP -----------------------------------------------------------------------------

    @staticmethod
    def _tcp(probe: TcpProbe, at: dt.datetime) -> ProbeResult:
        started = time.perf_counter()
        try:
            with socket.create_connection((probe.host, probe.port), timeout=probe.timeout_seconds):
                elapsed = time.perf_counter() - started
        except TimeoutError:
            return ProbeResult(at=at, up=False, reason=_timed_out(probe.timeout_seconds))
        except OSError as exc:
            return ProbeResult(at=at, up=False, reason=_connect_reason(exc, probe.host))
        return ProbeResult(at=at, up=True, latency_ms=round(elapsed * 1000, 3))
