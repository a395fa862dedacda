"""A real Prometheus server for tests: the Debian package's binary, started on 127.0.0.1 on a
free port with a temporary data folder, its data written beforehand as TSDB blocks by
``promtool tsdb create-blocks-from openmetrics``, and a retention long enough for old data."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import require

Sample = tuple[int, float]


@dataclass(frozen=True)
class Series:
    name: str
    labels: Mapping[str, str]
    samples: Sequence[Sample]


def openmetrics(families: Mapping[str, tuple[str, Sequence[Series]]]) -> str:
    """OpenMetrics text: ``families`` maps a family name to its type and its series."""
    lines: list[str] = []
    for family, (kind, series_list) in families.items():
        lines.append(f"# TYPE {family} {kind}")
        for series in series_list:
            labels = ",".join(f'{k}="{v}"' for k, v in series.labels.items())
            lines.extend(f"{series.name}{{{labels}}} {value:g} {at}" for at, value in series.samples)
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def prometheus(folder: Path, data: str) -> Iterator[str]:
    """A running Prometheus over ``data`` (OpenMetrics text); yields its URL."""
    binary, promtool = shutil.which("prometheus"), shutil.which("promtool")
    require(
        binary is not None and promtool is not None,
        "Prometheus is not installed (Debian package prometheus; `python3 tasks.py test` installs it)",
    )
    assert binary is not None and promtool is not None
    storage = folder / "tsdb"
    storage.mkdir(parents=True)
    source = folder / "data.om"
    source.write_text(data)
    subprocess.run(
        [promtool, "tsdb", "create-blocks-from", "openmetrics", str(source), str(storage)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    config = folder / "prometheus.yml"
    config.write_text("global:\n  scrape_interval: 1h\nscrape_configs: []\n")
    port = _free_port()
    log = (folder / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={storage}",
            "--storage.tsdb.retention.time=100y",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (folder / "prometheus.log").read_text()
            assert time.monotonic() < deadline, "Prometheus did not become ready"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
