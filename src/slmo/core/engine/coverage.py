"""How much of each bucket a set of time intervals covers: the service-hour and maintenance
weights the engine takes.

The application layer expands a calendar into instants (service hours, holidays, agreed
maintenance) as ``[start, end)`` epoch-second intervals; this module turns them into a
weight per bucket, the covered fraction of the bucket, in ``[0, 1]``. Overlapping intervals
count once. Everything is vectorised: merging sorts once, and the covered time up to any
instant is a ``searchsorted`` look-up into the cumulative lengths of the merged intervals.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def merge(starts: ArrayLike, ends: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The union of ``[start, end)`` intervals as sorted, disjoint, non-touching intervals."""
    s = np.asarray(starts, dtype=np.int64).ravel()
    e = np.asarray(ends, dtype=np.int64).ravel()
    if s.shape != e.shape:
        raise ValueError(f"{s.size} interval starts but {e.size} ends")
    keep = e > s
    s, e = s[keep], e[keep]
    if s.size == 0:
        return s, e
    order = np.argsort(s, kind="stable")
    s, e = s[order], e[order]
    reach = np.maximum.accumulate(e)
    # A new merged interval begins where a start lies beyond everything reached so far.
    fresh = np.ones(s.size, dtype=bool)
    fresh[1:] = s[1:] > reach[:-1]
    first = np.flatnonzero(fresh)
    last = np.append(first[1:] - 1, s.size - 1)
    return s[first], reach[last]


def covered_until(points: ArrayLike, starts: NDArray[np.int64], ends: NDArray[np.int64]) -> NDArray[np.int64]:
    """Seconds of the merged intervals before each point (a non-decreasing function)."""
    t = np.asarray(points, dtype=np.int64)
    if starts.size == 0:
        return np.zeros(t.shape, dtype=np.int64)
    lengths = ends - starts
    before = np.concatenate(([0], np.cumsum(lengths)))
    k = np.searchsorted(starts, t, side="right") - 1
    inside = np.clip(t - starts[np.maximum(k, 0)], 0, lengths[np.maximum(k, 0)])
    return np.where(k >= 0, before[np.maximum(k, 0)] + inside, 0)


def bucket_coverage(
    start: int, bucket_seconds: int, count: int, starts: ArrayLike, ends: ArrayLike
) -> NDArray[np.float64]:
    """Fraction of each of ``count`` buckets (the first starting at ``start``) that the
    intervals cover: 1.0 inside, 0.0 outside, in between for a bucket cut by an edge."""
    s, e = merge(starts, ends)
    edges = start + bucket_seconds * np.arange(count + 1, dtype=np.int64)
    covered = covered_until(edges, s, e)
    return np.diff(covered).astype(np.float64) / bucket_seconds


def bucket_mask(
    start: int, bucket_seconds: int, count: int, starts: ArrayLike, ends: ArrayLike, *, minimum: float = 1.0
) -> NDArray[np.bool_]:
    """True for each bucket covered at least ``minimum`` (wholly, by default): the boolean
    form of the coverage, which keeps the engine's sums in integers."""
    return bucket_coverage(start, bucket_seconds, count, starts, ends) >= minimum
