"""Good and total event counts for ratio indicators: ``slmo ingest events``.

CSV with the header ``timestamp,good,total`` (columns in any order), or JSON lines with the
same keys, one row per instant::

    timestamp,good,total
    2026-10-01T00:00:00Z,998,1000
    2026-10-01T00:01:00+03:00,1000,1000

Rules beyond those of the fields (see ``fields`` and ``timestamps``): ``good`` is at most
``total``. Repeated and out-of-order rows are not problems here; bucketing decides what they
mean (a repeated timestamp replaces the earlier row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

from slmo.errors import Problem
from slmo.sources.chunks import read_chunks, time_rules
from slmo.sources.fields import Column, Kind
from slmo.sources.layout import Layout
from slmo.sources.timestamps import DAY


def _good_within_total_rows(values: Mapping[str, NDArray[Any]]) -> NDArray[np.bool_]:
    within: NDArray[np.bool_] = values["good"] <= values["total"]
    return within


def _good_within_total(row: Mapping[str, Any]) -> tuple[str, str] | None:
    if row["good"] > row["total"]:
        return "good", f"{row['good']} is more than total {row['total']}"
    return None


EVENTS = Layout(
    columns=(Column("timestamp", Kind.TIME), Column("good", Kind.COUNT), Column("total", Kind.COUNT)),
    check_rows=_good_within_total_rows,
    check_row=_good_within_total,
)


@dataclass(frozen=True, eq=False)
class EventChunk:
    """The good rows of one chunk, in file order: epoch seconds, counts and the 1-based line
    of each; the problems of the bad rows (``rejected`` of them, listed or not). A problem of
    the whole input (its header, not text, empty, unreadable) comes alone with ``rejected``
    1, so "no row rejected" means "nothing wrong"."""

    timestamps: NDArray[np.int64]
    good: NDArray[np.int64]
    total: NDArray[np.int64]
    lines: NDArray[np.int64]
    problems: list[Problem]
    rejected: int

    def __len__(self) -> int:
        return int(self.timestamps.shape[0])


def read_events(
    source: IO[bytes] | str | Path,
    source_name: str | None = None,
    *,
    now_epoch: int,
    tz: str | dt.tzinfo | None = None,
    max_future_seconds: int = DAY,
    chunk_rows: int = 200_000,
    max_problems: int = 100,
) -> Iterator[EventChunk]:
    """Stream event counts from a path or a binary stream (``sys.stdin.buffer`` for ``-``),
    about ``chunk_rows`` rows a chunk.

    ``source_name`` names the input in problems (default: the path, or the stream's name).
    ``tz`` is the zone of timestamps written without an offset. IngestError at once if
    ``tz`` is not a time zone; every other problem comes in the chunks.
    """
    rules = time_rules(tz, now_epoch, max_future_seconds)
    chunks = read_chunks(source, source_name, EVENTS, rules, chunk_rows=chunk_rows, max_problems=max_problems)
    return (
        EventChunk(c.values["timestamp"], c.values["good"], c.values["total"], c.lines, c.problems, c.rejected)
        for c in chunks
    )
