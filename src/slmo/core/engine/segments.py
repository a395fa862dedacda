"""Sums of bucket arrays over segments, in one pass over memory.

Every window sum the engine needs is a difference of prefix sums. Materialising the full
prefix sum (``np.cumsum``) costs several times a plain sum and a second array as large as
the input, so the engine cuts the bucket axis only where something changes (window
boundaries, service-hour and maintenance edges, time-slice boundaries), sums each segment
once, and takes prefix sums over the few segment totals instead. With a handful of cuts
the cost is that of one ``np.sum``; with thousands (one per time slice) ``np.add.reduceat``
does the same in one call.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

# Above this many segments one reduceat call beats a Python loop of slice sums; below it
# the loop wins for int32 input, which reduceat can only widen through a slow cast.
_LOOP_LIMIT = 256


def accumulator(dtype: np.dtype[Any]) -> type[np.int64] | type[np.float64]:
    """The dtype sums are kept in: int64 for integer and boolean input (exact), else float64."""
    return np.int64 if (np.issubdtype(dtype, np.integer) or dtype == np.bool_) else np.float64


def cuts(n: int, *points: ArrayLike) -> NDArray[np.intp]:
    """Sorted unique cut positions in ``[0, n]``, always including 0 and ``n``."""
    parts = [np.asarray(p, dtype=np.intp).ravel() for p in points]
    merged = np.concatenate([np.array([0, n], dtype=np.intp), *parts])
    return np.unique(np.clip(merged, 0, n))


def segment_sums(values: NDArray[Any], bounds: NDArray[np.intp], skip: NDArray[np.bool_] | None = None) -> NDArray[Any]:
    """Sums of ``values[..., bounds[j]:bounds[j + 1]]`` for each segment ``j``.

    ``bounds`` is sorted and unique. Segments flagged in ``skip`` are left at zero without
    being read (buckets outside service hours). The result keeps the leading axes.
    """
    acc = accumulator(values.dtype)
    count = len(bounds) - 1
    out = np.zeros((*values.shape[:-1], max(count, 0)), dtype=acc)
    if count <= 0:
        return out
    lengths = np.diff(bounds)
    wanted = lengths > 0 if skip is None else (lengths > 0) & ~skip
    if count <= _LOOP_LIMIT or values.shape[-1] == 0:
        for j in np.flatnonzero(wanted):
            out[..., j] = np.add.reduce(values[..., bounds[j] : bounds[j + 1]], axis=-1, dtype=acc)
        return out
    if _equal_runs(values, bounds, wanted, out):
        return out
    starts = bounds[:-1]
    inner = values[..., bounds[0] : bounds[-1]]
    if inner.dtype != acc:
        inner = inner.astype(acc)
    # reduceat reads a[i] alone for an empty segment; zero those afterwards.
    summed = np.add.reduceat(inner, starts - bounds[0], axis=-1)
    out[...] = np.where(wanted, summed, 0)
    return out


def _equal_runs(values: NDArray[Any], bounds: NDArray[np.intp], wanted: NDArray[np.bool_], out: NDArray[Any]) -> bool:
    """Sum runs of wanted segments that have equal lengths (time slices inside service
    hours) through reshaped views, reading no skipped bucket; False when they do not."""
    edges = np.flatnonzero(np.diff(np.concatenate(([False], wanted, [False])).astype(np.int8)))
    runs = edges.reshape(-1, 2)
    if len(runs) > _LOOP_LIMIT:
        return False
    for a, b in runs:
        if not _equal_block(values, bounds[a : b + 1], out[..., a:b]):
            out[...] = 0
            return False
    return True


def _equal_block(values: NDArray[Any], bounds: NDArray[np.intp], out: NDArray[Any]) -> bool:
    """Segments all of one length ``m`` but the first and the last, into ``out``."""
    lengths = np.diff(bounds)
    inner = lengths[1:-1]
    if inner.size and (inner[0] == 0 or not np.all(inner == inner[0])):
        return False
    out[..., 0] = np.add.reduce(values[..., bounds[0] : bounds[1]], axis=-1, dtype=out.dtype)
    if lengths.size > 1:
        out[..., -1] = np.add.reduce(values[..., bounds[-2] : bounds[-1]], axis=-1, dtype=out.dtype)
    if inner.size == 0:
        return True
    m, first, last = int(inner[0]), int(bounds[1]), int(bounds[-2])
    block = values[..., first:last].reshape(*values.shape[:-1], inner.size, m)
    middle = out[..., 1:-1]
    if m <= 8:
        # Few columns: adding strided columns beats numpy's reduction over a short inner axis.
        middle[...] = block[..., 0]
        for j in range(1, m):
            middle += block[..., j]
    else:
        np.add.reduce(block, axis=-1, dtype=out.dtype, out=middle)
    return True


def prefix(values: NDArray[Any]) -> NDArray[Any]:
    """Prefix sums along the last axis with a leading zero: ``P[..., i] = sum(values[..., :i])``."""
    acc = accumulator(values.dtype)
    out = np.zeros((*values.shape[:-1], values.shape[-1] + 1), dtype=acc)
    np.cumsum(values, axis=-1, dtype=acc, out=out[..., 1:])
    return out


def window_sums(values: NDArray[Any], starts: ArrayLike, ends: ArrayLike) -> NDArray[Any]:
    """Sums of ``values[..., s:e]`` for each pair, reading ``values`` once.

    The last axis of the result runs over the windows; indices are clipped to the array.
    """
    n = values.shape[-1]
    s = np.clip(np.asarray(starts, dtype=np.intp), 0, n)
    e = np.clip(np.asarray(ends, dtype=np.intp), 0, n)
    e = np.maximum(s, e)
    bounds = cuts(n, s, e)
    totals = prefix(segment_sums(values, bounds))
    return np.asarray(totals[..., np.searchsorted(bounds, e)] - totals[..., np.searchsorted(bounds, s)])


def changes(weights: NDArray[Any]) -> NDArray[np.intp]:
    """Positions where a 1-D weight vector changes value (the start of each new run)."""
    if weights.shape[-1] < 2:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(weights[1:] != weights[:-1]).astype(np.intp) + 1
