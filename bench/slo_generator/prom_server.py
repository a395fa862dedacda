"""A throw-away Prometheus server holding backfilled series, for one run of the cross-check.

The series are written as OpenMetrics text, turned into TSDB blocks by
``promtool tsdb create-blocks-from openmetrics`` and served by ``prometheus`` (Debian package
``prometheus``) on a free loopback port. The context manager stops the server and removes its
folder whatever happens inside it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

READY_SECONDS = 60.0


@dataclass(frozen=True)
class Family:
    """One OpenMetrics metric family with a single unlabelled series."""

    name: str
    kind: str  # "counter" or "gauge"
    help: str
    samples: Sequence[tuple[int, int]]  # (unix seconds, whole count), time ascending


def openmetrics(families: Sequence[Family]) -> str:
    lines: list[str] = []
    for family in families:
        # OpenMetrics names a counter's samples <family>_total; a gauge's samples carry its name.
        sample = f"{family.name}_total" if family.kind == "counter" else family.name
        lines.append(f"# HELP {family.name} {family.help}")
        lines.append(f"# TYPE {family.name} {family.kind}")
        lines.extend(f"{sample} {value} {stamp}" for stamp, value in family.samples)
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


def missing_tools() -> list[str]:
    return [tool for tool in ("prometheus", "promtool") if shutil.which(tool) is None]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/-/ready", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def serving(families: Sequence[Family], retention: str = "30d") -> Iterator[str]:
    """Backfill ``families`` into a new TSDB, start Prometheus on it and yield its URL."""
    folder = Path(tempfile.mkdtemp(prefix="slmo-slo-generator-"))
    process: subprocess.Popen[bytes] | None = None
    log = folder / "prometheus.log"
    try:
        source = folder / "series.om.txt"
        source.write_text(openmetrics(families), encoding="utf-8")
        tsdb = folder / "tsdb"
        # Blocks of a day rather than promtool's default 2 h: 15 blocks instead of about 170.
        subprocess.run(
            ["promtool", "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=24h", source, tsdb],
            check=True,
            capture_output=True,
        )
        config = folder / "prometheus.yml"
        config.write_text("global:\n  scrape_interval: 1m\n", encoding="utf-8")  # scrapes nothing
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [
                    "prometheus",
                    f"--config.file={config}",
                    f"--storage.tsdb.path={tsdb}",
                    f"--storage.tsdb.retention.time={retention}",
                    f"--web.listen-address=127.0.0.1:{port}",
                ],
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + READY_SECONDS
        while not _ready(url):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"prometheus did not become ready on {url}:\n{tail}")
            time.sleep(0.2)
        yield url
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(folder, ignore_errors=True)
