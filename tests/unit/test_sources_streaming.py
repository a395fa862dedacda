"""Memory stays flat however large the input: a 50 MB stream is read in chunks, and the
reader's peak allocation is a small fraction of it (a file of several GB behaves the same)."""

from __future__ import annotations

import datetime as dt
import io
import time
import tracemalloc

import numpy as np

from slmo.core.engine.bucketing import BucketAccumulator
from slmo.sources.events import read_events

NOW = int(dt.datetime(2027, 1, 1, tzinfo=dt.UTC).timestamp())
MB = 1 << 20


class Generated(io.RawIOBase):
    """Rows made up as they are read (one per second from 2026-01-01), never held whole."""

    def __init__(self, total_bytes: int) -> None:
        seconds = np.datetime64("2026-01-01T00:00:00") + np.arange(10_000).astype("timedelta64[s]")
        stamps = np.datetime_as_string(seconds, unit="s").tolist()
        self.block = "".join(f"{s}Z,{i % 97},{100 + i % 13}\n" for i, s in enumerate(stamps)).encode()
        self.pending = b"timestamp,good,total\n"
        self.left = total_bytes
        self.rows = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        pieces = []
        wanted = len(self.block) if size < 0 else size
        while wanted > 0 and (self.pending or self.left > 0):
            if not self.pending:
                self.pending = self.block
                self.left -= len(self.block)
                self.rows += 10_000
            piece, self.pending = self.pending[:wanted], self.pending[wanted:]
            pieces.append(piece)
            wanted -= len(piece)
        return b"".join(pieces)


def test_a_large_stream_is_read_in_flat_memory() -> None:
    stream = Generated(50 * MB)
    began = time.perf_counter()
    tracemalloc.start()
    try:
        rows = rejected = 0
        buckets = BucketAccumulator(3600)
        for chunk in read_events(stream, "-", now_epoch=NOW, chunk_rows=50_000):  # type: ignore[arg-type]
            rows += len(chunk)
            rejected += chunk.rejected
            buckets.add(chunk.timestamps, chunk.good, chunk.total)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rejected == 0
    assert rows == stream.rows > 1_000_000
    assert len(buckets.result()) == 3  # the same 10,000 seconds over and over: repeats replace
    assert peak < 30 * MB, f"peak {peak / MB:.1f} MB for a 50 MB stream"
    assert time.perf_counter() - began < 10
