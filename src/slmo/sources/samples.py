"""Metric samples for threshold indicators: ``slmo ingest samples``.

CSV with the header ``timestamp,value`` (or JSON lines with those keys)::

    timestamp,value
    2026-10-01T00:00:00Z,212.5

A value is any finite number (negative ones too: not every metric is a latency); NaN and
infinity are refused. How samples become one value per bucket is bucketing's rule.
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

SAMPLES = Layout(columns=(Column("timestamp", Kind.TIME), Column("value", Kind.NUMBER)))


@dataclass(frozen=True, eq=False)
class SampleChunk:
    """The good rows of one chunk in file order, with their lines; problems as in EventChunk."""

    timestamps: NDArray[np.int64]
    values: NDArray[np.float64]
    lines: NDArray[np.int64]
    problems: list[Problem]
    rejected: int

    def __len__(self) -> int:
        return int(self.timestamps.shape[0])


def read_samples(
    source: IO[bytes] | str | Path,
    source_name: str | None = None,
    *,
    now_epoch: int,
    tz: str | dt.tzinfo | None = None,
    max_future_seconds: int = DAY,
    chunk_rows: int = 200_000,
    max_problems: int = 100,
) -> Iterator[SampleChunk]:
    """Stream metric samples; arguments as for :func:`slmo.sources.events.read_events`."""
    rules = time_rules(tz, now_epoch, max_future_seconds)
    chunks = read_chunks(source, source_name, SAMPLES, rules, chunk_rows=chunk_rows, max_problems=max_problems)
    return (SampleChunk(c.values["timestamp"], c.values["value"], c.lines, c.problems, c.rejected) for c in chunks)
