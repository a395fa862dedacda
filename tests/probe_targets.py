"""Targets for probes, run by the tests on 127.0.0.1: an HTTP(S) server whose behaviour the
test switches (healthy, failing, wrong body, hanging, stopped), a TCP listener, and
self-signed certificates made with ``openssl req``."""

from __future__ import annotations

import datetime as dt
import http.server
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

HEALTHY_BODY = b'{"status": "ok", "checks": 12}'
WRONG_BODY = b'{"status": "maintenance"}'


class Mode(StrEnum):
    HEALTHY = "healthy"  # 200 with HEALTHY_BODY
    FAILING = "failing"  # 503
    WRONG_BODY = "wrong-body"  # 200 with WRONG_BODY
    HANGING = "hanging"  # reads the request, then answers nothing until the test ends
    REDIRECT = "redirect"  # 302 to /health on the same server


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        server = self.server
        server.requests += 1
        mode = server.mode
        if mode is Mode.HANGING:
            server.released.wait()
            return
        if mode is Mode.REDIRECT and self.path != "/health":
            self.send_response(302)
            self.send_header("Location", "/health")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, body = {Mode.FAILING: (503, b"unavailable")}.get(
            mode, (200, WRONG_BODY if mode is Mode.WRONG_BODY else HEALTHY_BODY)
        )
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = Mode.HEALTHY
        self.requests = 0
        self.released = threading.Event()
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)


class Target:
    """A running server; ``url`` is its base, ``mode`` what it does next, ``stop()`` closes it
    so that connections are refused."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self._server = _Server(tls)
        self.port = int(self._server.server_address[1])
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        self.stopped = False

    @property
    def mode(self) -> Mode:
        return self._server.mode

    @mode.setter
    def mode(self, mode: Mode) -> None:
        self._server.mode = mode

    @property
    def requests(self) -> int:
        return self._server.requests

    def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            self._server.released.set()
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()


@contextmanager
def http_target(tls: ssl.SSLContext | None = None) -> Iterator[Target]:
    target = Target(tls)
    try:
        yield target
    finally:
        target.stop()


@contextmanager
def tcp_listener() -> Iterator[socket.socket]:
    """A socket listening on 127.0.0.1 (connections wait in its queue, never accepted)."""
    listener = socket.socket()
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener
    finally:
        listener.close()


def self_signed(folder: Path, days: int, key: str = "rsa:2048") -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 valid for ``days`` from now, signed by its own key
    (so it is its own CA): the certificate's and the key's PEM files."""
    openssl = shutil.which("openssl")
    assert openssl is not None, "openssl is needed (Debian package openssl)"
    certificate, private = folder / f"cert-{days}.pem", folder / f"key-{days}.pem"
    algorithm = ["-newkey", key] if key.startswith("rsa") else ["-newkey", "ec", "-pkeyopt", f"ec_paramgen_curve:{key}"]
    subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    files = ["-keyout", str(private), "-out", str(certificate)]
    subprocess.run(
        [openssl, "req", "-x509", *algorithm, "-nodes", "-days", str(days), *subject, *files],
        check=True,
        capture_output=True,
    )
    return certificate, private


def not_after(certificate: Path) -> dt.datetime:
    """The certificate's notAfter as openssl prints it, e.g. ``notAfter=Dec  3 09:00:00 2026 GMT``."""
    openssl = shutil.which("openssl")
    assert openssl is not None
    out = subprocess.run(
        [openssl, "x509", "-noout", "-enddate", "-in", str(certificate)], check=True, capture_output=True, text=True
    )
    text = out.stdout.strip().removeprefix("notAfter=")
    return dt.datetime.strptime(text, "%b %d %H:%M:%S %Y %Z").replace(tzinfo=dt.UTC)


def server_context(certificate: Path, private: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, private)
    return context
