"""A faster ``searchsorted`` for the clock's look-ups: sorted keys on a uniform grid.

Every look-up of the business clock asks "which interval does this instant fall in", i.e.
``np.searchsorted(keys, t, side="right") - 1`` over a few thousand sorted boundaries, for
millions of instants in random order. A binary search is ~10 dependent, unpredictable
memory reads per instant. A uniform grid over the keys, with a few cells per key, answers
with one table read (the last key at or before the cell's start) and one or two
comparisons with the keys that follow inside the cell. Measured on 1,000,000 instants over
two years of a Sunday-Thursday calendar, about a third of the time of ``searchsorted``.

When the keys bunch up so that some cell would hold more than ``_MAX_EXTRA`` of them even
on the finest allowed grid, the index falls back to ``searchsorted``; the answers are the
same either way (tests compare them).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Seconds = NDArray[np.int64]
_MAX_CELLS = 1 << 22  # at most 32 MiB of table
_MAX_EXTRA = 2  # keys inside one cell, each costing one more comparison per look-up


class SortedIndex:
    """``last(t)``: the index of the last key ``<= t``, for ``t >= keys[0]``.

    ``keys`` must be strictly increasing int64.
    """

    __slots__ = ("_base", "_extra", "_keys", "_padded", "_shift", "_table")

    def __init__(self, keys: Seconds) -> None:
        self._keys = keys
        self._base = int(keys[0])
        self._padded = np.append(keys, np.iinfo(np.int64).max)
        self._table: Seconds | None = None
        self._shift = 0
        self._extra = 0
        width = int(keys[-1]) - self._base + 1
        # Start with about two cells per key, and halve the cells while some hold too many keys.
        shift = max((width // (2 * keys.size + 1)).bit_length() - 1, 0)
        while True:
            cells = (width >> shift) + 2
            if cells > max(_MAX_CELLS, 4 * keys.size):
                return
            starts = self._base + (np.arange(cells, dtype=np.int64) << shift)
            table = np.searchsorted(keys, starts, side="right") - 1
            extra = int(np.diff(table).max()) if cells > 1 else 0
            if extra <= _MAX_EXTRA:
                self._table, self._shift, self._extra = table, shift, extra
                return
            if shift == 0:
                return
            shift -= 1

    @property
    def gridded(self) -> bool:
        return self._table is not None

    def last(self, t: Seconds) -> Seconds:
        if self._table is None:
            found: Seconds = np.searchsorted(self._keys, t, side="right") - 1
            return found
        cell = np.minimum((t - self._base) >> self._shift, self._table.size - 1)
        k: Seconds = self._table[cell]
        for _ in range(self._extra):
            k += self._padded[k + 1] <= t
        return k
