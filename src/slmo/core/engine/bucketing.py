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

_INITIAL_CAPACITY = 1024


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
        self.size = 0
        self.starts = np.empty(_INITIAL_CAPACITY, dtype=np.int64)
        self.latest = np.empty(_INITIAL_CAPACITY, dtype=np.int64)
        self.rest = [np.empty(_INITIAL_CAPACITY, dtype=c.dtype) for c in self.columns]
        self.last = [np.empty(_INITIAL_CAPACITY, dtype=c.dtype) for c in self.columns]

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
        for column, spec in zip(columns, self.columns, strict=True):
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
        size = self.size
        if size and starts[0] <= self.starts[size - 1]:
            at = np.searchsorted(self.starts[:size], starts)
            found = np.flatnonzero((at < size) & (self.starts[np.minimum(at, size - 1)] == starts))
            if found.size:
                self._update(times, at[found], latest[found], [r[found] for r in rest], [v[found] for v in last])
                new = np.ones(starts.shape[0], dtype=np.bool_)
                new[found] = False
                starts, latest = starts[new], latest[new]
                rest, last = [r[new] for r in rest], [v[new] for v in last]
                if not starts.size:
                    return
            if starts[0] <= self.starts[size - 1]:
                self._insert(np.searchsorted(self.starts[:size], starts), starts, latest, rest, last)
                return
        self._append(starts, latest, rest, last)

    def _update(
        self,
        times: NDArray[np.int64],
        at: NDArray[np.intp],
        latest: NDArray[np.int64],
        rest: list[NDArray[Any]],
        last: list[NDArray[Any]],
    ) -> None:
        """Buckets already held: the chunk's rows join them, and a row at the held latest
        instant replaces the held latest row."""
        held = self.latest[at]
        where = np.minimum(np.searchsorted(times, held), times.shape[0] - 1)
        replaced = times[where] == held
        self.duplicates += int(np.count_nonzero(replaced))
        newer = latest > held
        for i, spec in enumerate(self.columns):
            combined = spec.combine(self.rest[i][at], rest[i])
            # The one of the two latest rows that is no longer the latest joins the rest,
            # unless it was replaced.
            combined = np.where(newer & ~replaced, spec.combine(combined, self.last[i][at]), combined)
            combined = np.where(~newer & ~replaced, spec.combine(combined, last[i]), combined)
            self.rest[i][at] = combined
            self.last[i][at] = np.where(newer | replaced, last[i], self.last[i][at])
        self.latest[at] = np.maximum(latest, held)

    def _append(
        self, starts: NDArray[np.int64], latest: NDArray[np.int64], rest: list[NDArray[Any]], last: list[NDArray[Any]]
    ) -> None:
        end = self.size + starts.shape[0]
        if end > self.starts.shape[0]:
            self._grow(end)
        self.starts[self.size : end] = starts
        self.latest[self.size : end] = latest
        for i in range(len(self.columns)):
            self.rest[i][self.size : end] = rest[i]
            self.last[i][self.size : end] = last[i]
        self.size = end

    def _insert(
        self,
        at: NDArray[np.intp],
        starts: NDArray[np.int64],
        latest: NDArray[np.int64],
        rest: list[NDArray[Any]],
        last: list[NDArray[Any]],
    ) -> None:
        """New buckets among the held ones (rows out of order across chunks): one copy of the state."""
        size = self.size

        def merged(held: NDArray[Any], new: NDArray[Any]) -> NDArray[Any]:
            result = np.insert(held[:size], at, new)
            grown = np.empty(max(result.shape[0] * 2, _INITIAL_CAPACITY), dtype=held.dtype)
            grown[: result.shape[0]] = result
            return grown

        self.starts = merged(self.starts, starts)
        self.latest = merged(self.latest, latest)
        self.rest = [merged(h, n) for h, n in zip(self.rest, rest, strict=True)]
        self.last = [merged(h, n) for h, n in zip(self.last, last, strict=True)]
        self.size = size + starts.shape[0]

    def _grow(self, needed: int) -> None:
        capacity = max(needed, self.starts.shape[0] * 2)

        def grown(array: NDArray[Any]) -> NDArray[Any]:
            bigger = np.empty(capacity, dtype=array.dtype)
            bigger[: self.size] = array[: self.size]
            return bigger

        self.starts, self.latest = grown(self.starts), grown(self.latest)
        self.rest = [grown(a) for a in self.rest]
        self.last = [grown(a) for a in self.last]

    def combined(self, i: int) -> NDArray[Any]:
        """Column ``i`` over every row of each bucket."""
        result: NDArray[Any] = self.columns[i].combine(self.rest[i][: self.size], self.last[i][: self.size])
        return result


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
            starts=state.starts[: state.size].copy(),
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
            values = state.last[0][: state.size].copy()
        elif self.reduction is Reduction.MEAN:
            values = state.combined(0) / state.combined(1)
        else:
            values = state.combined(0)
        return SampleBuckets(state.bucket_seconds, state.starts[: state.size].copy(), values, state.duplicates)
