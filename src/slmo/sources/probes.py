"""Probe results for availability indicators: ``slmo ingest probes``.

CSV with the header ``timestamp,up,latency_ms`` (or JSON lines with those keys)::

    timestamp,up,latency_ms
    2026-10-01T00:00:00Z,true,41.5
    2026-10-01T00:01:00Z,false,

``up`` is ``true``, ``false``, ``1`` or ``0``. ``latency_ms`` may be left empty (a probe that
timed out has none) or left out of the file altogether; it is NaN then, never negative.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
from numpy.typing import NDArray

from slmo.errors import Problem
from slmo.sources.chunks import read_chunks, time_rules
from slmo.sources.fields import Column, Kind
from slmo.sources.layout import Layout
from slmo.sources.timestamps import DAY

PROBES = Layout(
    columns=(
        Column("timestamp", Kind.TIME),
        Column("up", Kind.FLAG),
        Column("latency_ms", Kind.NUMBER, required=False, blank=True, minimum=0.0),
    )
)


@dataclass(frozen=True, eq=False)
class ProbeChunk:
    """The good rows of one chunk in file order, with their lines; problems as in EventChunk."""

    timestamps: NDArray[np.int64]
    up: NDArray[np.bool_]
    latency_ms: NDArray[np.float64]
    lines: NDArray[np.int64]
    problems: list[Problem]
    rejected: int

    def __len__(self) -> int:
        return int(self.timestamps.shape[0])


def read_probes(
    source: IO[bytes] | str | Path,
    source_name: str | None = None,
    *,
    now_epoch: int,
    tz: str | dt.tzinfo | None = None,
    max_future_seconds: int = DAY,
    chunk_rows: int = 200_000,
    max_problems: int = 100,
) -> Iterator[ProbeChunk]:
    """Stream probe results; arguments as for :func:`slmo.sources.events.read_events`."""
    rules = time_rules(tz, now_epoch, max_future_seconds)
    chunks = read_chunks(source, source_name, PROBES, rules, chunk_rows=chunk_rows, max_problems=max_problems)
    return (
        ProbeChunk(c.values["timestamp"], c.values["up"], c.values["latency_ms"], c.lines, c.problems, c.rejected)
        for c in chunks
    )
