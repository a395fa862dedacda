"""What slmo sends a Prometheus-compatible store (Mimir, Thanos, Cortex, VictoriaMetrics): the
tenant header, other headers, basic or bearer auth from the environment, and the one range
query. A real local HTTP server records each request and answers as Prometheus does."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs

import pytest

from slmo.core.model import DataSource, LocalizedText
from slmo.errors import ConfigurationError
from slmo.sources.prometheus import SERIES_LABEL, PrometheusReader


class Recorder(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, dict[str, str], dict[str, list[str]]]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
        form = parse_qs(body)
        Recorder.seen.append((self.path, dict(self.headers.items()), form))
        start, end, step = float(form["start"][0]), float(form["end"][0]), int(form["step"][0].rstrip("s"))
        values = [[start + i * step, "2"] for i in range(int((end - start) // step) + 1)]
        answer = {
            "status": "success",
            "data": {
                "resultType": "matrix",
                "result": [{"metric": {SERIES_LABEL: name}, "values": values} for name in ("good", "total")],
            },
        }
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return


@pytest.fixture
def server() -> Iterator[str]:
    Recorder.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/prometheus"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _source(connection: dict[str, Any]) -> DataSource:
    return DataSource(name="mimir", display_name=LocalizedText(en="Mimir"), type="Mimir", connection=connection)


def test_tenant_headers_and_basic_auth_from_the_environment(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIMIR_PASSWORD", "s3cret")
    source = _source(
        {
            "url": server,
            "tenant": "team-a",
            "headers": {"X-Custom": "yes"},
            "basicAuth": {"username": "slmo", "passwordEnv": "MIMIR_PASSWORD"},
        }
    )
    got = PrometheusReader().instants(source, {"good": "sum(rate(a[1m]))", "total": "sum(rate(b[1m]))"}, 600, 840, 60)
    assert got["good"].tolist() == got["total"].tolist() == [2.0] * 5
    ((path, headers, form),) = Recorder.seen
    assert path == "/prometheus/api/v1/query_range"  # the URL's path prefix is kept
    assert headers["X-Scope-OrgID"] == "team-a" and headers["X-Custom"] == "yes"
    assert headers["Authorization"] == "Basic c2xtbzpzM2NyZXQ="  # slmo:s3cret
    # Good and total in one query, evaluated at the same instants.
    (query,) = form["query"]
    assert query.count("label_replace") == 2 and " or " in query
    assert (form["start"], form["end"], form["step"]) == (["600"], ["840"], ["60s"])


def test_a_bearer_token_from_the_environment(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROM_TOKEN", "tok")
    PrometheusReader().instants(
        _source({"url": server, "bearerTokenEnv": "PROM_TOKEN"}), {"good": "a", "total": "b"}, 0, 60, 60
    )
    ((_, headers, _),) = Recorder.seen
    assert headers["Authorization"] == "Bearer tok"


def test_a_long_range_is_split_under_the_point_limit(server: str) -> None:
    got = PrometheusReader().instants(_source({"url": server}), {"good": "a", "total": "b"}, 0, 60 * 25_000, 60)
    assert len(got["total"]) == 25_001 and not any(v != 2.0 for v in got["total"])
    assert len(Recorder.seen) == 3


@pytest.mark.parametrize(
    ("connection", "message"),
    [
        ({"url": "ftp://x"}, "must be an http(s) URL"),
        ({"url": "http://x", "bearerTokenEnv": "SLMO_TEST_NOT_SET"}, "SLMO_TEST_NOT_SET"),
        ({"url": "http://x", "basicAuth": {"username": "u"}}, "passwordEnv must name an environment variable"),
    ],
)
def test_a_bad_connection_names_the_source_and_the_field(connection: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(message)) as raised:
        PrometheusReader().instants(_source(connection), {"good": "a", "total": "b"}, 0, 60, 60)
    assert "DataSource mimir" in str(raised.value)
