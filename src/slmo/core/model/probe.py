"""Probes: checks slmo makes itself on an interval (HTTP(S) or TCP), and what each one gave.

A probe belongs to an availability indicator (``AvailabilitySpec.probe``). Each check is one
:class:`ProbeResult`: up or down, how long it took, and why it was down. An up result may
carry a reason too: a warning, such as a TLS certificate that expires within the probe's
``certificate_warning_days``. Only ``up`` counts towards availability.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

# The shortest interval between two checks of one probe.
MIN_PROBE_SECONDS = 10
DEFAULT_PROBE_SECONDS = 60
DEFAULT_PROBE_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, kw_only=True)
class HttpProbe:
    """An HTTP(S) request whose answer must have one of ``expect_status`` (any 2xx when
    empty) and, when ``body_match`` is given, a body in which that regular expression is
    found. Redirects are answers like any other unless ``follow_redirects``."""

    url: str
    method: str = "GET"
    expect_status: tuple[int, ...] = ()
    body_match: str | None = None
    timeout_seconds: float = DEFAULT_PROBE_TIMEOUT_SECONDS
    certificate_warning_days: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    follow_redirects: bool = False
    tls_verify: bool = True
    ca_file: str | None = None

    def expects(self, status: int) -> bool:
        return status in self.expect_status if self.expect_status else 200 <= status < 300


@dataclass(frozen=True, kw_only=True)
class TcpProbe:
    """A TCP connection to ``host:port`` that must be accepted within the timeout."""

    host: str
    port: int
    timeout_seconds: float = DEFAULT_PROBE_TIMEOUT_SECONDS


@dataclass(frozen=True, kw_only=True)
class ProbeSpec:
    """Exactly one of ``http`` and ``tcp``, checked every ``every_seconds``."""

    http: HttpProbe | None = None
    tcp: TcpProbe | None = None
    every_seconds: int = DEFAULT_PROBE_SECONDS

    @property
    def timeout_seconds(self) -> float:
        check = self.http or self.tcp
        return check.timeout_seconds if check is not None else DEFAULT_PROBE_TIMEOUT_SECONDS


class ProbeReasonCode(StrEnum):
    """Why a check was down, or what it warns of; ``probe.<code>`` in the catalogues."""

    TIMEOUT = "timeout"
    STATUS = "status"
    BODY = "body"
    REFUSED = "refused"
    UNRESOLVED = "unresolved"
    UNREACHABLE = "unreachable"
    TLS = "tls"
    PROTOCOL = "protocol"
    CERTIFICATE_EXPIRED = "certificate_expired"
    CERTIFICATE_EXPIRES = "certificate_expires"


@dataclass(frozen=True)
class ProbeReason:
    """An English ``message`` for logs, and its ``code`` with ``args`` for the translation
    layer (as :class:`slmo.errors.Problem` carries its key and arguments)."""

    code: ProbeReasonCode
    message: str
    args: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ProbeResult:
    """One check, made at ``at``. ``latency_ms`` is ``None`` when no answer came (a timeout,
    a refused connection); ``certificate_expires_at`` is the TLS certificate's notAfter."""

    at: dt.datetime
    up: bool
    latency_ms: float | None = None
    reason: ProbeReason | None = None
    certificate_expires_at: dt.datetime | None = None
