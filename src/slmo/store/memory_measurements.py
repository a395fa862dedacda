"""The in-memory ``MeasurementRepository``: buckets, samples and incidents, for tests.

Chunks are the SQL store's own (``chunks``: the same packing, merge and read rules), kept
in dictionaries instead of tables. Transactions behave as the database's do:

- a unit of work's writes are its own until commit (others read what was committed);
- a write merges at once into the unit of work's view, so it reads its own writes, and is
  merged again into the committed chunks at commit, under the store's lock, so two units of
  work writing the same series keep each other's buckets (the SQL store's series lock);
- incidents and chunks come back as new objects, instants in UTC.
"""

from __future__ import annotations

import builtins
import datetime as dt
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from slmo.core.model.measurement import BucketBatch, BucketSeries, Incident, SampleBatch, SampleSeries
from slmo.store.chunks import (
    CountChunk,
    CountGrid,
    ValueChunk,
    ValueGrid,
    Write,
    chunk_reach,
    count_write,
    length_refusal,
    merge_counts,
    merge_values,
    span_of,
    value_write,
)
from slmo.store.documents import as_utc, stored_incident

C = TypeVar("C", CountChunk, ValueChunk)
# indicator -> source -> chunk start -> chunk
Chunks = dict[str, dict[str, dict[int, C]]]
IncidentKey = tuple[str, str]  # (source, id)


@dataclass
class _Kind(Generic[C]):
    """Buckets or samples: the committed chunks and how a write merges into them."""

    what: str
    merge: Callable[[Write, dict[int, C]], list[C]]
    chunks: Chunks[C] = field(default_factory=dict)

    def series(self, indicator: str) -> dict[str, dict[int, C]]:
        return self.chunks.get(indicator, {})

    def apply(self, write: Write, into: Chunks[C], *, hidden: bool = False) -> None:
        """Merge ``write`` into ``into``: the committed chunks, or a unit of work's own, which
        stand on the committed ones unless it deleted those (``hidden``)."""
        held = into.setdefault(write.indicator, {}).setdefault(write.source, {})
        committed = {} if hidden else self.series(write.indicator).get(write.source, {})
        existing = {}
        for start in write.chunk_starts():
            chunk = held.get(start, committed.get(start))
            if chunk is not None:
                existing[start] = chunk
        for chunk in self.merge(write, existing):
            held[chunk.start] = chunk

    def delete(self, indicator: str, source: str | None) -> int:
        """Remove the committed chunks of ``indicator`` (of one source, when given)."""
        series = self.chunks.get(indicator, {})
        sources = list(series) if source is None else [source]
        return sum(len(series.pop(s, {})) for s in sources)


@dataclass
class StoredMeasurements:
    """The committed measurements of a ``MemoryStore``."""

    buckets: _Kind[CountChunk] = field(default_factory=lambda: _Kind("buckets", merge_counts))
    samples: _Kind[ValueChunk] = field(default_factory=lambda: _Kind("samples", merge_values))
    incidents: dict[IncidentKey, Incident] = field(default_factory=dict)


@dataclass
class PendingMeasurements:
    """One unit of work's writes: replayed at commit, and its own view until then."""

    # In order: ("buckets" | "samples", Write), or ("delete", (indicator, source or None)).
    writes: list[tuple[str, Any]] = field(default_factory=list)
    buckets: Chunks[CountChunk] = field(default_factory=dict)
    samples: Chunks[ValueChunk] = field(default_factory=dict)
    # Series whose committed chunks this unit of work deleted: (indicator, source or None).
    hidden: set[tuple[str, str | None]] = field(default_factory=set)
    incidents: dict[IncidentKey, Incident] = field(default_factory=dict)

    def hides(self, indicator: str, source: str) -> bool:
        return (indicator, None) in self.hidden or (indicator, source) in self.hidden

    def commit_into(self, stored: StoredMeasurements) -> None:
        """Apply the writes to ``stored``; the caller holds the store's lock."""
        for kind, operation in self.writes:
            if kind == "delete":
                stored.buckets.delete(*operation)
                stored.samples.delete(*operation)
            elif kind == "buckets":
                stored.buckets.apply(operation, stored.buckets.chunks)
            else:
                stored.samples.apply(operation, stored.samples.chunks)
        stored.incidents.update(self.incidents)

    def clear(self) -> None:
        self.writes.clear()
        self.buckets.clear()
        self.samples.clear()
        self.hidden.clear()
        self.incidents.clear()


class MemoryMeasurementRepository:
    def __init__(self, stored: StoredMeasurements, pending: PendingMeasurements, lock: threading.Lock) -> None:
        self._stored = stored
        self._pending = pending
        self._lock = lock

    def _view(self, kind: _Kind[C], pending: Chunks[C], indicator: str) -> dict[str, dict[int, C]]:
        """The chunks of ``indicator`` by source as this unit of work sees them."""
        with self._lock:
            view = {
                source: dict(chunks)
                for source, chunks in kind.series(indicator).items()
                if not self._pending.hides(indicator, source)
            }
        for source, chunks in pending.get(indicator, {}).items():
            view.setdefault(source, {}).update(chunks)
        return view

    def _write(self, kind: _Kind[C], pending: Chunks[C], write: Write) -> None:
        if not len(write):
            return
        for chunks in self._view(kind, pending, write.indicator).values():
            for chunk in chunks.values():
                if chunk.bucket_seconds != write.bucket_seconds:
                    raise length_refusal(write, kind.what, chunk.bucket_seconds)
        with self._lock:
            kind.apply(write, pending, hidden=self._pending.hides(write.indicator, write.source))
        self._pending.writes.append((kind.what, write))

    def write_buckets(self, batch: BucketBatch) -> int:
        write = count_write(batch)
        self._write(self._stored.buckets, self._pending.buckets, write)
        return len(write)

    def write_samples(self, batch: SampleBatch) -> int:
        write = value_write(batch)
        self._write(self._stored.samples, self._pending.samples, write)
        return len(write)

    def _chunks(self, kind: _Kind[C], pending: Chunks[C], grid: CountGrid | ValueGrid) -> Iterator[tuple[str, C]]:
        """The chunks that may reach into the grid's span, as the SQL store's query selects them."""
        earliest = grid.start - chunk_reach(grid.bucket_seconds) + 1
        for indicator in grid.rows:
            for chunks in self._view(kind, pending, indicator).values():
                for chunk in chunks.values():
                    if earliest <= chunk.start < grid.end:
                        yield indicator, chunk

    def read_buckets(self, indicator: str, start: int, end: int, bucket_seconds: int) -> BucketSeries:
        return self.read_many([indicator], start, end, bucket_seconds)[indicator]

    def read_many(
        self, indicators: Sequence[str], start: int, end: int, bucket_seconds: int
    ) -> dict[str, BucketSeries]:
        grid = CountGrid(indicators, start, end, bucket_seconds)
        for indicator, chunk in self._chunks(self._stored.buckets, self._pending.buckets, grid):
            grid.add(indicator, chunk)
        return grid.series()

    def read_samples(self, indicator: str, start: int, end: int, bucket_seconds: int) -> SampleSeries:
        return self.read_many_samples([indicator], start, end, bucket_seconds)[indicator]

    def read_many_samples(
        self, indicators: Sequence[str], start: int, end: int, bucket_seconds: int
    ) -> dict[str, SampleSeries]:
        grid = ValueGrid(indicators, start, end, bucket_seconds)
        for indicator, chunk in self._chunks(self._stored.samples, self._pending.samples, grid):
            grid.add(indicator, chunk)
        return grid.series()

    def bucket_range(self, indicator: str) -> tuple[int, int] | None:
        chunks: list[CountChunk | ValueChunk] = []
        for series in (
            self._view(self._stored.buckets, self._pending.buckets, indicator),
            self._view(self._stored.samples, self._pending.samples, indicator),
        ):
            chunks.extend(chunk for by_start in series.values() for chunk in by_start.values())
        return span_of(chunks)

    def delete_measurements(self, indicator: str, *, source: str | None = None) -> int:
        """Remove the indicator's buckets and samples (one source's, when given); the number of
        chunks removed."""
        removed = self._forget(self._stored.buckets, self._pending.buckets, indicator, source)
        removed += self._forget(self._stored.samples, self._pending.samples, indicator, source)
        self._pending.hidden.add((indicator, source))
        self._pending.writes.append(("delete", (indicator, source)))
        return removed

    def _forget(self, kind: _Kind[C], pending: Chunks[C], indicator: str, source: str | None) -> int:
        """Drop this unit of work's chunks of the series; how many it saw, committed ones included."""
        seen = self._view(kind, pending, indicator)
        removed = sum(len(chunks) for by_source, chunks in seen.items() if source is None or by_source == source)
        series = pending.get(indicator, {})
        for by_source in list(series) if source is None else [source]:
            series.pop(by_source, None)
        return removed

    def put_incidents(self, incidents: Sequence[Incident]) -> int:
        given = {(i.source, i.id): i for i in map(stored_incident, incidents)}
        changed = 0
        for key, incident in given.items():
            if key in self._pending.incidents:
                current: Incident | None = self._pending.incidents[key]
            else:
                with self._lock:
                    current = self._stored.incidents.get(key)
            if current != incident:
                self._pending.incidents[key] = incident
                changed += 1
        return changed

    def list_incidents(
        self, *, service: str | None = None, start: dt.datetime | None = None, end: dt.datetime | None = None
    ) -> builtins.list[Incident]:
        low = None if start is None else as_utc(start)
        high = None if end is None else as_utc(end)
        with self._lock:
            everything: dict[IncidentKey, Incident] = dict(self._stored.incidents)
        everything.update(self._pending.incidents)

        def overlaps(i: Incident) -> bool:
            return (
                (service is None or i.service == service)
                and (high is None or i.start < high)
                and (low is None or i.end is None or i.end > low)
            )

        return sorted(filter(overlaps, everything.values()), key=lambda i: (i.start, i.source, i.id))
