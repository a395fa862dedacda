"""Rows of one import into time buckets, chunk by chunk, in memory proportional to the
buckets touched rather than to the rows.

Bucket ``k`` covers ``[k * b, (k + 1) * b)`` seconds since the Unix epoch (``b`` =
``bucket_seconds``), so a row at ``t`` lands in the bucket starting at ``floor(t / b) * b``
and bucket starts are multiples of ``b`` in UTC (a one-day bucket is a UTC day).

The rule for the rows of one import (one file or stream, from one source):

- Rows in the same bucket are combined: event and probe counts are summed; samples are
  reduced to one value per bucket, by default the **maximum** (the worst case for the usual
  "latency below a bound" threshold), or the minimum, the mean or the latest (``Reduction``).
- A row with exactly the same timestamp as an earlier row replaces it: it is a duplicate,
  and the later one is taken as the correction. ``duplicates`` counts them.
- Rows may come in any order.

Replacement is exact within a chunk. Across chunks each bucket remembers its latest row
(by timestamp), which a repeat of that timestamp replaces; that is exact for a file in time
order (however it is chunked) and for a file of one chunk. In a large file out of time
order, a repeat in a later chunk of a timestamp that was not the latest of its bucket is
combined rather than replaced: holding every timestamp would make memory grow with rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray


class Reduction(StrEnum):
    """How several samples at different instants of one bucket become its one value."""

    MAX = "max"
    MIN = "min"
    MEAN = "mean"
    LAST = "last"


@dataclass(frozen=True, eq=False)
class Buckets:
    """Good and total per bucket, bucket starts ascending."""

    bucket_seconds: int
    starts: NDArray[np.int64]
    good: NDArray[np.int64]
    total: NDArray[np.int64]
    duplicates: int

    def __len__(self) -> int:
        return int(self.starts.shape[0])


@dataclass(frozen=True, eq=False)
class SampleBuckets:
    """One value per bucket, bucket starts ascending."""

    bucket_seconds: int
    starts: NDArray[np.int64]
    values: NDArray[np.float64]
    duplicates: int

    def __len__(self) -> int:
        return int(self.starts.shape[0])


@dataclass(frozen=True)
class _Column:
    """A value carried per row, and how the values of one bucket combine."""

    combine: np.ufunc
    identity: float
    dtype: type[np.generic]


class _Accumulator:
    """Per bucket: the combination of every row but the latest (``rest``), and the latest
    row itself (its timestamp and values), so that a repeat of it can replace it."""

    def __init__(self, bucket_seconds: int, columns: Sequence[_Column]) -> None:
        if bucket_seconds <= 0:
            raise ValueError(f"bucket_seconds must be positive, got {bucket_seconds}")
        self.bucket_seconds = bucket_seconds
        self.columns = tuple(columns)
        self.duplicates = 0
        # Sorted runs of buckets, each after the one before: a file in time order adds a run
        # per chunk without copying what is held; rows out of order join the runs into one.
        self.segments: list[_Segment] = []

    def add(self, timestamps: ArrayLike, *values: ArrayLike) -> None:
        """Rows of one chunk in file order: epoch seconds and one array per column."""
        times = np.asarray(timestamps, dtype=np.int64)
        columns = [np.asarray(v, dtype=c.dtype) for v, c in zip(values, self.columns, strict=True)]
        if any(column.shape != times.shape for column in columns) or times.ndim != 1:
            raise ValueError("timestamps and values must be 1-d arrays of one length")
        if times.shape[0] == 0:
            return
        times, columns = self._last_of_each_instant(times, columns)
        buckets = np.floor_divide(times, self.bucket_seconds) * self.bucket_seconds
        first = np.flatnonzero(np.concatenate([[True], buckets[1:] != buckets[:-1]]))
        latest_row = np.concatenate([first[1:] - 1, [times.shape[0] - 1]])
        rest, last = [], []
        alone = first.shape[0] == times.shape[0]  # one row per bucket: data at bucket resolution
        for column, spec in zip(columns, self.columns, strict=True):
            if alone:
                # Nothing but the latest row: a read-only view of the identity, no memory.
                rest.append(np.broadcast_to(np.array(spec.identity, dtype=spec.dtype), column.shape))
                last.append(column.copy())  # held and updated in place: never the caller's array
                continue
            others = column.copy()
            others[latest_row] = spec.identity
            rest.append(spec.combine.reduceat(others, first))
            last.append(column[latest_row])
        self._merge(times, buckets[first], times[latest_row], rest, last)

    def _last_of_each_instant(
        self, times: NDArray[np.int64], columns: list[NDArray[Any]]
    ) -> tuple[NDArray[np.int64], list[NDArray[Any]]]:
        """The rows sorted by time, keeping only the last row (in file order) of each instant."""
        if (times[1:] > times[:-1]).all():  # the usual case: in order, no repeats
            return times, columns
        order = np.argsort(times, kind="stable")
        ordered = times[order]
        keep = np.concatenate([ordered[1:] != ordered[:-1], [True]])
        self.duplicates += int(keep.shape[0] - np.count_nonzero(keep))
        rows = order[keep]
        return times[rows], [column[rows] for column in columns]

    def _merge(
        self,
        times: NDArray[np.int64],
        starts: NDArray[np.int64],
        latest: NDArray[np.int64],
        rest: list[NDArray[Any]],
        last: list[NDArray[Any]],
    ) -> None:
        """Fold one chunk's buckets (sorted, each with its rest and latest row) into the state."""
        new = _Segment(starts, latest, rest, last)
        if self.segments and starts[0] < self.segments[-1].starts[0] and len(self.segments) > 1:
            self.segments = [_Segment.joined(self.segments)]  # rows out of order: one run again
        if self.segments and starts[0] <= self.segments[-1].starts[-1]:
            held = self.segments[-1]
            # Buckets up to the last one held join the held run; those after it start a new run.
            split = int(np.searchsorted(starts, held.starts[-1], side="right"))
            early, new = new.part(slice(0, split)), new.part(slice(split, None))
            at = np.searchsorted(held.starts, early.starts)
            found = held.starts[at] == early.starts  # at < len(held): early buckets are <= the last
            if found.any():
                self.duplicates += held.update(self.columns, times, at[found], early.part(found))
            if not found.all():
                self.segments[-1] = held.insert(at[~found], early.part(~found))
        if new.starts.shape[0]:
            self.segments.append(new)

    def combined(self, i: int) -> NDArray[Any]:
        """Column ``i`` over every row of each bucket."""
        combine = self.columns[i].combine
        return self._concatenated([combine(s.rest[i], s.last[i]) for s in self.segments], self.columns[i].dtype)

    def latest_values(self, i: int) -> NDArray[Any]:
        """Column ``i`` of the latest row of each bucket."""
        return self._concatenated([s.last[i] for s in self.segments], self.columns[i].dtype)

    @property
    def bucket_starts(self) -> NDArray[np.int64]:
        return self._concatenated([s.starts for s in self.segments], np.int64)

    @staticmethod
    def _concatenated(parts: list[NDArray[Any]], dtype: type[np.generic]) -> NDArray[Any]:
        return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


@dataclass(eq=False)
class _Segment:
    """Buckets in ascending order, each with the combination of its rows but the latest
    (``rest``), and the latest row: its instant and values."""

    starts: NDArray[np.int64]
    latest: NDArray[np.int64]
    rest: list[NDArray[Any]]
    last: list[NDArray[Any]]

    @classmethod
    def joined(cls, segments: Sequence[_Segment]) -> _Segment:
        return cls(
            np.concatenate([s.starts for s in segments]),
            np.concatenate([s.latest for s in segments]),
            [np.concatenate(parts) for parts in zip(*(s.rest for s in segments), strict=True)],
            [np.concatenate(parts) for parts in zip(*(s.last for s in segments), strict=True)],
        )

    def part(self, rows: NDArray[np.bool_] | slice) -> _Segment:
        return _Segment(
            self.starts[rows], self.latest[rows], [r[rows] for r in self.rest], [v[rows] for v in self.last]
        )

    def update(self, columns: Sequence[_Column], times: NDArray[np.int64], at: NDArray[np.intp], new: _Segment) -> int:
        """Rows of a chunk join buckets held at ``at``; a row at a held latest instant
        replaces the held latest row. The number of rows replaced."""
        held = self.latest[at]
        where = np.minimum(np.searchsorted(times, held), times.shape[0] - 1)
        replaced = times[where] == held
        newer = new.latest > held
        for i, spec in enumerate(columns):
            if not self.rest[i].flags.writeable:
                self.rest[i] = self.rest[i].copy()
            combined = spec.combine(self.rest[i][at], new.rest[i])
            # The one of the two latest rows that is no longer the latest joins the rest,
            # unless it was replaced.
            combined = np.where(newer & ~replaced, spec.combine(combined, self.last[i][at]), combined)
            combined = np.where(~newer & ~replaced, spec.combine(combined, new.last[i]), combined)
            self.rest[i][at] = combined
            self.last[i][at] = np.where(newer | replaced, new.last[i], self.last[i][at])
        self.latest[at] = np.maximum(new.latest, held)
        return int(np.count_nonzero(replaced))

    def insert(self, at: NDArray[np.intp], new: _Segment) -> _Segment:
        """This segment with new buckets inserted before positions ``at`` (one copy)."""
        return _Segment(
            np.insert(self.starts, at, new.starts),
            np.insert(self.latest, at, new.latest),
            [np.insert(h, at, n) for h, n in zip(self.rest, new.rest, strict=True)],
            [np.insert(h, at, n) for h, n in zip(self.last, new.last, strict=True)],
        )


_COUNT = _Column(np.add, 0, np.int64)


class BucketAccumulator:
    """Good and total counts (events, or probes: good = up, total = 1) into buckets."""

    def __init__(self, bucket_seconds: int = 60) -> None:
        self._state = _Accumulator(bucket_seconds, [_COUNT, _COUNT])

    def add(self, timestamps: ArrayLike, good: ArrayLike, total: ArrayLike) -> None:
        """One chunk of rows in file order."""
        self._state.add(timestamps, good, total)

    def add_probes(self, timestamps: ArrayLike, up: ArrayLike) -> None:
        """One chunk of probe results in file order: each is one event, good when up."""
        up = np.asarray(up, dtype=np.bool_)
        self._state.add(timestamps, up.astype(np.int64), np.ones(up.shape, dtype=np.int64))

    def result(self) -> Buckets:
        state = self._state
        return Buckets(
            bucket_seconds=state.bucket_seconds,
            starts=state.bucket_starts,
            good=state.combined(0),
            total=state.combined(1),
            duplicates=state.duplicates,
        )


class SampleAccumulator:
    """Metric samples into one value per bucket, reduced as ``reduction`` says."""

    def __init__(self, bucket_seconds: int = 60, reduction: Reduction = Reduction.MAX) -> None:
        self.reduction = Reduction(reduction)
        value = {
            Reduction.MAX: _Column(np.maximum, -np.inf, np.float64),
            Reduction.MIN: _Column(np.minimum, np.inf, np.float64),
            Reduction.MEAN: _Column(np.add, 0.0, np.float64),
            Reduction.LAST: _Column(np.maximum, -np.inf, np.float64),  # the rest is not used
        }[self.reduction]
        columns = [value, _COUNT] if self.reduction is Reduction.MEAN else [value]
        self._state = _Accumulator(bucket_seconds, columns)

    def add(self, timestamps: ArrayLike, values: ArrayLike) -> None:
        """One chunk of samples in file order."""
        if self.reduction is Reduction.MEAN:
            values = np.asarray(values, dtype=np.float64)
            self._state.add(timestamps, values, np.ones(values.shape, dtype=np.int64))
        else:
            self._state.add(timestamps, values)

    def result(self) -> SampleBuckets:
        state = self._state
        if self.reduction is Reduction.LAST:
            values = state.latest_values(0)
        elif self.reduction is Reduction.MEAN:
            values = state.combined(0) / state.combined(1)
        else:
            values = state.combined(0)
        return SampleBuckets(state.bucket_seconds, state.bucket_starts, values, state.duplicates)
