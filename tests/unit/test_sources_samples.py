"""Reading metric samples (``timestamp,value``) and probe results (``timestamp,up,latency_ms``)."""

from __future__ import annotations

import datetime as dt
import io
import math

import pytest

from slmo.sources.probes import ProbeChunk, read_probes
from slmo.sources.samples import SampleChunk, read_samples

NOW = int(dt.datetime(2027, 1, 1, tzinfo=dt.UTC).timestamp())
T0 = int(dt.datetime(2026, 10, 1, tzinfo=dt.UTC).timestamp())


def samples(data: str, name: str = "samples.csv") -> tuple[list[tuple[int, float, int]], list[str]]:
    chunks: list[SampleChunk] = list(read_samples(io.BytesIO(data.encode()), name, now_epoch=NOW))
    rows = [(int(t), float(v), int(n)) for c in chunks for t, v, n in zip(c.timestamps, c.values, c.lines, strict=True)]
    return rows, [str(p) for c in chunks for p in c.problems]


def probes(data: str, name: str = "probes.csv") -> tuple[list[tuple[int, bool, float, int]], list[str]]:
    chunks: list[ProbeChunk] = list(read_probes(io.BytesIO(data.encode()), name, now_epoch=NOW))
    rows = [
        (int(t), bool(u), float(ms), int(n))
        for c in chunks
        for t, u, ms, n in zip(c.timestamps, c.up, c.latency_ms, c.lines, strict=True)
    ]
    return rows, [str(p) for c in chunks for p in c.problems]


def test_samples_any_finite_number() -> None:
    rows, problems = samples(
        "timestamp,value\n2026-10-01T00:00:00Z,212.5\n2026-10-01T00:01:00Z,-3\n2026-10-01T00:02:00Z,1e3\n"
        "2026-10-01T00:03:00Z, .5 \n"
    )
    assert problems == []
    assert rows == [(T0, 212.5, 2), (T0 + 60, -3.0, 3), (T0 + 120, 1000.0, 4), (T0 + 180, 0.5, 5)]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("NaN", "value: 'NaN' is not a finite number"),
        ("-inf", "value: '-inf' is not a finite number"),
        ("Infinity", "value: 'Infinity' is not a finite number"),
        ("1e999", "value: '1e999' is not a finite number"),
        ("1_000", "value: '1_000' is not a number"),
        ("12ms", "value: '12ms' is not a number"),
        ("1-2", "value: '1-2' is not a number"),
        ("", "value: no value"),
    ],
)
def test_bad_samples(value: str, message: str) -> None:
    rows, problems = samples(f"timestamp,value\n2026-10-01T00:00:00Z,1\n2026-10-01T00:01:00Z,{value}\n")
    assert problems == [f"samples.csv:3: {message}"]
    assert [line for *_, line in rows] == [2]


def test_samples_as_json_lines() -> None:
    rows, problems = samples(
        '{"timestamp": "2026-10-01T00:00:00Z", "value": 0.25}\n{"timestamp": "2026-10-01T00:00:00Z", "value": null}\n'
    )
    assert rows == [(T0, 0.25, 1)]
    assert problems == ["samples.csv:2: value: no value"]


def test_probes_flags_and_optional_latency() -> None:
    rows, problems = probes(
        "timestamp,up,latency_ms\n"
        "2026-10-01T00:00:00Z,true,41.5\n"
        "2026-10-01T00:01:00Z,FALSE,\n"
        "2026-10-01T00:02:00Z,1,0\n"
        "2026-10-01T00:03:00Z,0, \n"
        "2026-10-01T00:04:00Z, True ,12\n"
    )
    assert problems == []
    assert [(t, up, line) for t, up, _, line in rows] == [
        (T0, True, 2),
        (T0 + 60, False, 3),
        (T0 + 120, True, 4),
        (T0 + 180, False, 5),
        (T0 + 240, True, 6),
    ]
    latencies = [ms for _, _, ms, _ in rows]
    assert latencies[0] == 41.5 and latencies[2] == 0.0 and latencies[4] == 12.0
    assert math.isnan(latencies[1]) and math.isnan(latencies[3])


def test_probes_without_a_latency_column() -> None:
    rows, problems = probes("up,timestamp\n1,2026-10-01T00:00:00Z\n")
    assert problems == []
    assert rows[0][:2] == (T0, True) and math.isnan(rows[0][2])


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2026-10-01T00:00:00Z,maybe,1", "up: 'maybe' is not true, false, 1 or 0"),
        ("2026-10-01T00:00:00Z,2,1", "up: '2' is not true, false, 1 or 0"),
        ("2026-10-01T00:00:00Z,,1", "up: no value"),
        ("2026-10-01T00:00:00Z,1,-5", "latency_ms: -5 is negative"),
        ("2026-10-01T00:00:00Z,1,NaN", "latency_ms: 'NaN' is not a finite number"),
    ],
)
def test_bad_probes(row: str, message: str) -> None:
    rows, problems = probes(f"timestamp,up,latency_ms\n{row}\n")
    assert problems == [f"probes.csv:2: {message}"]
    assert rows == []


def test_probes_as_json_lines() -> None:
    rows, problems = probes(
        '{"timestamp": "2026-10-01T00:00:00Z", "up": true, "latency_ms": 12}\n'
        '{"timestamp": "2026-10-01T00:01:00Z", "up": 0}\n'
        '{"timestamp": "2026-10-01T00:02:00Z", "up": "yes"}\n'
    )
    assert [(t, up) for t, up, _, _ in rows] == [(T0, True), (T0 + 60, False)]
    assert problems == ["probes.csv:3: up: 'yes' is not true, false, 1 or 0"]


def test_probe_headers() -> None:
    _, problems = probes("timestamp,latency_ms\n")
    assert problems == ["probes.csv:1: header: missing column 'up' (the columns are timestamp, up, latency_ms)"]
    _, problems = probes("timestamp,up,latency\n")
    assert problems == ["probes.csv:1: header: unknown column 'latency'; did you mean 'latency_ms'?"]
