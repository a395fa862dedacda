"""Buckets and samples as the store keeps them: chunks of packed arrays.

Layout. One row per (indicator, source, chunk). A chunk holds the buckets of one UTC day,
``86400 / bucket_seconds`` of them, when the bucket length divides a day (every usual one
does); otherwise it holds 1440 buckets, starting at a multiple of ``1440 * bucket_seconds``
since the epoch. Reading 30 days of one-minute buckets is then 30 rows, not 43,200: the
DESIGN's measurement was ~2 million buckets a second with a row per bucket against ~200
million with a row per day.

- Counts (``good``, ``total``): little-endian int32 arrays when every count of the chunk
  fits (up to 2^31 - 1), int64 otherwise; the width is the blob's length over the number
  of buckets, so a chunk is never refused for a large count and never costs eight bytes
  a count without need. An absent bucket has total -1 (and good 0): no separate mask.
- Samples: little-endian float64, NaN where absent.

Every function here is pure numpy over bytes, used alike by the SQL repository and the
in-memory fake, so the two cannot disagree on merging or reading.

Rules:
- A write replaces, bucket by bucket, what the same source said before (idempotent; late
  data corrects its bucket); a bucket repeated inside one batch takes its last value.
- Reading sums counts over sources (``present`` where any source reported the bucket) and
  takes the **maximum** of samples over sources (the worst case for the usual "latency
  below a bound" threshold; the best case for "above a bound").
- One bucket length per indicator is stored. A read at a multiple of it is re-aggregated
  (counts summed, samples by maximum); any other length is refused: a change of an
  indicator's bucket length needs its measurements re-imported.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from slmo.core.model.measurement import BucketBatch, BucketSeries, SampleBatch, SampleSeries
from slmo.errors import IngestError, Problem, StoreError

DAY = 86_400
# Buckets per chunk when the bucket length does not divide a day.
ODD_CHUNK_BUCKETS = 1_440
INT32_MAX = 2**31 - 1
ABSENT = -1
# An ingest error lists this many bad buckets and counts the rest.
_PROBLEMS_SHOWN = 5

_I4, _I8, _F8 = np.dtype("<i4"), np.dtype("<i8"), np.dtype("<f8")


def chunk_seconds(bucket_seconds: int) -> int:
    """The span of one chunk of buckets of this length."""
    if bucket_seconds <= 0:
        raise ValueError(f"bucket_seconds must be positive, got {bucket_seconds}")
    return DAY if DAY % bucket_seconds == 0 else ODD_CHUNK_BUCKETS * bucket_seconds


def chunk_reach(bucket_seconds: int) -> int:
    """The longest chunk that can hold buckets readable at ``bucket_seconds`` (stored at it or at
    a divisor of it): a read looks this far back for chunks that begin before its start."""
    return max(DAY, ODD_CHUNK_BUCKETS * bucket_seconds)


def utc_text(t: int) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True, eq=False)
class CountChunk:
    """One stored row of counts: ``good`` and ``total`` as packed arrays."""

    start: int
    bucket_seconds: int
    good: bytes
    total: bytes

    def arrays(self) -> tuple[NDArray[Any], NDArray[Any]]:
        """``good`` and ``total`` as read-only views of the bytes (int32 or int64)."""
        n = chunk_seconds(self.bucket_seconds) // self.bucket_seconds
        width = len(self.total) // n if n else 0
        if width not in (4, 8) or len(self.total) != n * width or len(self.good) != len(self.total):
            raise StoreError(
                f"a stored chunk of buckets at {utc_text(self.start)} is damaged: {len(self.good)} and "
                f"{len(self.total)} bytes for {n} buckets",
                key="error.store.damaged_chunk",
            )
        dtype = _I4 if width == 4 else _I8
        return np.frombuffer(self.good, dtype), np.frombuffer(self.total, dtype)


@dataclass(frozen=True, eq=False)
class ValueChunk:
    """One stored row of samples: ``values`` as packed float64, NaN where absent."""

    start: int
    bucket_seconds: int
    values: bytes

    def array(self) -> NDArray[np.float64]:
        n = chunk_seconds(self.bucket_seconds) // self.bucket_seconds
        if len(self.values) != n * 8:
            raise StoreError(
                f"a stored chunk of samples at {utc_text(self.start)} is damaged: {len(self.values)} bytes "
                f"for {n} buckets",
                key="error.store.damaged_chunk",
            )
        return np.frombuffer(self.values, _F8)


@dataclass(frozen=True, eq=False)
class Write:
    """A checked batch: bucket starts ascending and unique (the last of repeats kept), with
    ``columns`` (good and total, or values) in the same order."""

    indicator: str
    source: str
    bucket_seconds: int
    starts: NDArray[np.int64]
    columns: tuple[NDArray[Any], ...]

    def __len__(self) -> int:
        return int(self.starts.shape[0])

    def chunk_starts(self) -> list[int]:
        span = chunk_seconds(self.bucket_seconds)
        return [int(s) for s in np.unique(self.starts // span * span)]


def _integers(values: Any, name: str, what: str) -> NDArray[np.int64]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{what}: {name} must be one-dimensional, got shape {array.shape}")
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{what}: {name} must be integers, got {array.dtype}")
    return array.astype(np.int64, copy=False)


def _refuse(write_of: str, field: str, bad: NDArray[np.bool_], starts: NDArray[np.int64], describe: Any) -> None:
    """An IngestError naming the first bad buckets, when ``bad`` holds any."""
    where = np.flatnonzero(bad)
    if where.size == 0:
        return
    problems = [
        Problem(None, field, f"{write_of}, bucket {utc_text(int(starts[i]))}: {describe(i)}")
        for i in where[:_PROBLEMS_SHOWN]
    ]
    more = f" (and {where.size - _PROBLEMS_SHOWN} more)" if where.size > _PROBLEMS_SHOWN else ""
    raise IngestError(problems, "\n".join(str(p) for p in problems) + more)


def _checked(indicator: str, source: str, bucket_seconds: int, starts: Any, columns: Sequence[Any]) -> Write:
    what = f"indicator {indicator}, source {source}"
    if not isinstance(bucket_seconds, int | np.integer) or bucket_seconds <= 0:
        raise ValueError(f"{what}: bucket_seconds must be a positive integer, got {bucket_seconds!r}")
    b = int(bucket_seconds)
    at = _integers(starts, "starts", what)
    for column in columns:
        if np.shape(column) != at.shape:
            raise ValueError(f"{what}: starts {at.shape} and every column {np.shape(column)} must be equally long")
    _refuse(what, "start", at % b != 0, at, lambda i: f"does not start at a multiple of {b} seconds")
    order = np.argsort(at, kind="stable")
    ordered = at[order]
    # A stable sort keeps repeats in batch order, so the last of each run is the latest.
    last = np.ones(ordered.shape[0], dtype=np.bool_)
    last[:-1] = ordered[1:] != ordered[:-1]
    keep = order[last]
    return Write(indicator, source, b, at[keep], tuple(np.asarray(c)[keep] for c in columns))


def count_write(batch: BucketBatch) -> Write:
    """``batch`` checked: bucket starts aligned, counts whole, ``0 <= good <= total``."""
    what = f"indicator {batch.indicator}, source {batch.source}"
    good = _integers(batch.good, "good", what)
    total = _integers(batch.total, "total", what)
    write = _checked(batch.indicator, batch.source, batch.bucket_seconds, batch.starts, (good, total))
    g, t = write.columns
    _refuse(what, "good", g < 0, write.starts, lambda i: f"good is negative ({g[i]})")
    _refuse(what, "total", t < 0, write.starts, lambda i: f"total is negative ({t[i]})")
    _refuse(what, "good", g > t, write.starts, lambda i: f"good {g[i]} exceeds total {t[i]}")
    return write


def value_write(batch: SampleBatch) -> Write:
    """``batch`` checked: bucket starts aligned, every value a finite number (NaN is how the
    store marks a bucket without a sample, so a batch cannot say it)."""
    what = f"indicator {batch.indicator}, source {batch.source}"
    values = np.asarray(batch.values, dtype=np.float64)
    write = _checked(batch.indicator, batch.source, batch.bucket_seconds, batch.starts, (values,))
    (v,) = write.columns
    _refuse(what, "value", ~np.isfinite(v), write.starts, lambda i: f"the value {v[i]} is not a finite number")
    return write


def length_refusal(write: Write, what: str, stored: int) -> IngestError:
    """The error for a batch whose bucket length is not the ``stored`` one of its indicator."""
    return IngestError(
        [
            Problem(
                None,
                "bucket_seconds",
                f"indicator {write.indicator} has {stored}-second {what} stored; these are "
                f"{write.bucket_seconds}-second ones: a change of bucket length needs the indicator's "
                "measurements re-imported (delete them, then ingest again at the new length)",
            )
        ]
    )


def _grid(write: Write, existing: Mapping[int, Any]) -> tuple[list[int], NDArray[np.intp], NDArray[np.intp]]:
    """The touched chunk starts, and each bucket's chunk (row) and place in it (column)."""
    span = chunk_seconds(write.bucket_seconds)
    for chunk in existing.values():
        if chunk.bucket_seconds != write.bucket_seconds:  # pragma: no cover - the repositories check first
            raise StoreError(
                f"indicator {write.indicator}: stored chunks of {chunk.bucket_seconds}-second buckets cannot take "
                f"{write.bucket_seconds}-second ones",
                key="error.store.bucket_length",
            )
    of_chunk = write.starts // span * span
    starts, rows = np.unique(of_chunk, return_inverse=True)
    columns = (write.starts - of_chunk) // write.bucket_seconds
    return [int(s) for s in starts], rows.astype(np.intp), columns.astype(np.intp)


def merge_counts(write: Write, existing: Mapping[int, CountChunk]) -> list[CountChunk]:
    """The chunks ``write`` touches, after it: ``existing`` (the same source's stored chunks,
    by start) with the batch's buckets replaced."""
    if not len(write):
        return []
    b = write.bucket_seconds
    n = chunk_seconds(b) // b
    starts, rows, columns = _grid(write, existing)
    good = np.zeros((len(starts), n), dtype=np.int64)
    total = np.full((len(starts), n), ABSENT, dtype=np.int64)
    for row, start in enumerate(starts):
        stored = existing.get(start)
        if stored is not None:
            good[row], total[row] = stored.arrays()
    good[rows, columns], total[rows, columns] = write.columns
    fits = total.max(axis=1) <= INT32_MAX
    chunks = []
    for row, start in enumerate(starts):
        dtype = _I4 if fits[row] else _I8
        chunks.append(CountChunk(start, b, good[row].astype(dtype).tobytes(), total[row].astype(dtype).tobytes()))
    return chunks


def merge_values(write: Write, existing: Mapping[int, ValueChunk]) -> list[ValueChunk]:
    """As :func:`merge_counts`, for samples."""
    if not len(write):
        return []
    b = write.bucket_seconds
    n = chunk_seconds(b) // b
    starts, rows, columns = _grid(write, existing)
    values = np.full((len(starts), n), np.nan, dtype=np.float64)
    for row, start in enumerate(starts):
        stored = existing.get(start)
        if stored is not None:
            values[row] = stored.array()
    values[rows, columns] = write.columns[0]
    return [ValueChunk(start, b, values[row].astype(_F8).tobytes()) for row, start in enumerate(starts)]


def check_read(start: int, end: int, bucket_seconds: int) -> int:
    """The number of buckets in ``[start, end)``; ``ValueError`` unless the bounds are ordered
    multiples of ``bucket_seconds``."""
    if bucket_seconds <= 0:
        raise ValueError(f"bucket_seconds must be positive, got {bucket_seconds}")
    if start % bucket_seconds or end % bucket_seconds or end < start:
        raise ValueError(f"a read needs start <= end, both multiples of {bucket_seconds} seconds; got [{start}, {end})")
    return (end - start) // bucket_seconds


class _Grid(ABC):
    """Dense rows over ``[start, end)``, one per indicator, that stored chunks are placed into.

    A chunk that cannot be placed (damaged, or of a bucket length the grid cannot be built
    from) does not raise at ``add`` but at ``series``, once every row is read: PostgreSQL
    would cancel a streamed query left part-read, and abort the unit of work's transaction
    with it, where SQLite would not; this way a refused read leaves the unit of work usable
    on both.
    """

    def __init__(self, indicators: Sequence[str], start: int, end: int, bucket_seconds: int) -> None:
        self.count = check_read(start, end, bucket_seconds)
        self.start, self.end, self.bucket_seconds = start, end, bucket_seconds
        self.rows = {name: i for i, name in enumerate(dict.fromkeys(indicators))}
        # Chunks already placed, by (row, chunk start): a second source's chunk combines.
        self.filled: set[tuple[int, int]] = set()
        self.failure: StoreError | None = None

    def add(self, indicator: str, chunk: Any) -> None:
        """Place a stored chunk of ``indicator``; a failure is kept for ``series``."""
        if self.failure is not None:
            return
        try:
            self._place(self.rows[indicator], indicator, chunk)
        except StoreError as exc:
            self.failure = exc

    @abstractmethod
    def _place(self, row: int, indicator: str, chunk: Any) -> None:
        """Put one stored chunk into the grid's rows (counts or values)."""

    def _raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure

    def overlap(self, chunk_start: int, length: int) -> tuple[int, int, int]:
        """Where a chunk of ``length`` buckets of this grid's length lands: grid slice
        ``[lo, hi)``, and the chunk's offset of ``lo``."""
        first = (chunk_start - self.start) // self.bucket_seconds
        return max(0, first), min(self.count, first + length), first

    def coarser(self, indicator: str, stored: int) -> None:
        """Refuse a stored bucket length this grid cannot be built from."""
        if self.bucket_seconds % stored:
            raise StoreError(
                f"indicator {indicator} has {stored}-second buckets stored and cannot be read in "
                f"{self.bucket_seconds}-second buckets: its bucket length changed; re-import its measurements "
                "at the new length (delete them, then ingest again)",
                key="error.store.bucket_length",
                indicator=indicator,
                stored=stored,
                asked=self.bucket_seconds,
            )

    def positions(self, chunk_start: int, stored: int, length: int) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
        """For a chunk of finer buckets: each bucket's place in the grid, and which fall inside."""
        instants = chunk_start + np.arange(length, dtype=np.int64) * stored
        inside = (instants >= self.start) & (instants < self.end)
        return ((instants - self.start) // self.bucket_seconds).astype(np.intp), inside


class CountGrid(_Grid):
    """Bucket series of many indicators being read: ``add`` every stored chunk, then ``series``.

    The result starts as zeros (pages the kernel hands out untouched), each chunk is copied
    in once with presence beside it, and one pass at the end turns the -1 of absent buckets
    into 0: on a machine where first touching fresh memory is what costs, that is the least.
    """

    def __init__(self, indicators: Sequence[str], start: int, end: int, bucket_seconds: int) -> None:
        super().__init__(indicators, start, end, bucket_seconds)
        shape = (len(self.rows), self.count)
        self.good = np.zeros(shape, dtype=np.int64)
        self.total = np.zeros(shape, dtype=np.int64)
        self.present = np.zeros(shape, dtype=np.bool_)

    def _place(self, row: int, indicator: str, chunk: CountChunk) -> None:
        good, total = chunk.arrays()
        if chunk.bucket_seconds != self.bucket_seconds:
            self._add_finer(indicator, row, chunk, good, total)
            return
        lo, hi, first = self.overlap(chunk.start, total.shape[0])
        if lo >= hi:
            return
        g, t = good[lo - first : hi - first], total[lo - first : hi - first]
        if (row, chunk.start) in self.filled:
            held = self.total[row, lo:hi]
            np.maximum(held, 0, out=held)
            held += np.maximum(t, 0)
            self.good[row, lo:hi] += g  # good is 0 where absent
            self.present[row, lo:hi] |= t >= 0
        else:
            self.filled.add((row, chunk.start))
            self.good[row, lo:hi] = g
            self.total[row, lo:hi] = t
            self.present[row, lo:hi] = t >= 0

    def _add_finer(self, indicator: str, row: int, chunk: CountChunk, good: NDArray[Any], total: NDArray[Any]) -> None:
        self.coarser(indicator, chunk.bucket_seconds)
        where, inside = self.positions(chunk.start, chunk.bucket_seconds, total.shape[0])
        take = inside & (total >= 0)
        where = where[take]
        line = self.total[row]
        line[where] = np.maximum(line[where], 0)
        np.add.at(line, where, total[take])
        np.add.at(self.good[row], where, good[take])
        self.present[row, where] = True

    def series(self) -> dict[str, BucketSeries]:
        self._raise_failure()
        np.maximum(self.total, 0, out=self.total)
        return {
            name: BucketSeries(
                start=self.start,
                bucket_seconds=self.bucket_seconds,
                good=self.good[row],
                total=self.total[row],
                present=self.present[row],
            )
            for name, row in self.rows.items()
        }


class ValueGrid(_Grid):
    """Sample series of many indicators being read; sources combine by maximum."""

    def __init__(self, indicators: Sequence[str], start: int, end: int, bucket_seconds: int) -> None:
        super().__init__(indicators, start, end, bucket_seconds)
        self.values = np.full((len(self.rows), self.count), np.nan, dtype=np.float64)

    def _place(self, row: int, indicator: str, chunk: ValueChunk) -> None:
        values = chunk.array()
        if chunk.bucket_seconds != self.bucket_seconds:
            self.coarser(indicator, chunk.bucket_seconds)
            where, inside = self.positions(chunk.start, chunk.bucket_seconds, values.shape[0])
            take = inside & ~np.isnan(values)
            np.fmax.at(self.values[row], where[take], values[take])
            return
        lo, hi, first = self.overlap(chunk.start, values.shape[0])
        if lo >= hi:
            return
        v = values[lo - first : hi - first]
        if (row, chunk.start) in self.filled:
            # fmax takes the number where one side is NaN (absent).
            np.fmax(self.values[row, lo:hi], v, out=self.values[row, lo:hi])
        else:
            self.filled.add((row, chunk.start))
            self.values[row, lo:hi] = v

    def series(self) -> dict[str, SampleSeries]:
        self._raise_failure()
        return {
            name: SampleSeries(start=self.start, bucket_seconds=self.bucket_seconds, values=self.values[row])
            for name, row in self.rows.items()
        }


def present_span(chunk: CountChunk | ValueChunk) -> tuple[int, int] | None:
    """The first bucket start and the end of the last bucket present in ``chunk``."""
    present = chunk.arrays()[1] >= 0 if isinstance(chunk, CountChunk) else ~np.isnan(chunk.array())
    where = np.flatnonzero(present)
    if where.size == 0:
        return None
    b = chunk.bucket_seconds
    return chunk.start + int(where[0]) * b, chunk.start + (int(where[-1]) + 1) * b


def span_of(chunks: Sequence[CountChunk | ValueChunk]) -> tuple[int, int] | None:
    """The span of the buckets present in ``chunks`` (the earliest and latest chunks suffice)."""
    spans = [s for s in map(present_span, chunks) if s is not None]
    if not spans:
        return None
    return min(s for s, _ in spans), max(e for _, e in spans)
