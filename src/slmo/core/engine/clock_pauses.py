"""Pauses of tickets ("waiting for customer", solved awaiting reopen) as one flat batch.

A batch of tickets has its pauses as three flat arrays: start, end, and the index of the
ticket each pause belongs to (``owner``), in any order. Everything here is vectorised over
all pauses of all tickets at once: pauses are merged per ticket (overlapping pauses count
once), clipped to each ticket's own bounds, and their business seconds summed per ticket
with ``np.bincount``.

Merging per ticket needs the pauses sorted by (ticket, start). Sorting one int64 key
``owner * width + (start - base)`` is much faster than ``np.lexsort`` on two keys; when that
key could overflow (huge spans times many tickets) the instants are first replaced by their
ranks, which keeps the order and shrinks the width to the number of distinct instants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Seconds = NDArray[np.int64]
Cumulative = Callable[[Seconds], Seconds]
_KEY_LIMIT = 2**62


@dataclass(frozen=True)
class Pauses:
    """Pauses ``[start, end)`` in epoch seconds, each owned by the ticket at index ``owner``.

    ``merged`` says the pauses are already sorted by (ticket, start) and disjoint within each
    ticket; the clock merges them otherwise, on every call. Merge once with ``merge()`` when
    the same pauses serve several calls (elapsed time and deadlines of the same tickets).
    """

    starts: Seconds
    ends: Seconds
    owner: NDArray[np.int64]
    merged: bool = False

    @classmethod
    def of(cls, starts: ArrayLike, ends: ArrayLike, owner: ArrayLike) -> Pauses:
        s, e = instants(starts).ravel(), instants(ends).ravel()
        o = np.asarray(owner).astype(np.int64, copy=False).ravel()
        if not s.shape == e.shape == o.shape:
            raise ValueError(f"pauses need as many starts ({s.size}) as ends ({e.size}) and owners ({o.size})")
        if o.size and int(o.min()) < 0:
            raise ValueError("a pause's owner is the index of its ticket, never negative")
        if bool(np.any(e < s)):
            first = int(np.flatnonzero(e < s)[0])
            raise ValueError(f"pause {first} of ticket {int(o[first])} ends before it starts")
        return cls(s, e, o)

    @classmethod
    def none(cls) -> Pauses:
        empty = np.zeros(0, dtype=np.int64)
        return cls(empty, empty, empty, merged=True)

    def __len__(self) -> int:
        return int(self.starts.size)

    def merge(self) -> Pauses:
        """The same pauses sorted by (ticket, start), overlapping ones of a ticket joined."""
        if self.merged:
            return self
        keep = self.ends > self.starts
        s, e, o = self.starts[keep], self.ends[keep], self.owner[keep]
        if s.size == 0:
            return Pauses.none()
        base = int(s.min())
        width = int(e.max()) - base + 1
        both: Seconds | None = None
        if (int(o.max()) + 2) * width < _KEY_LIMIT:
            ks, ke = s - base, e - base
        else:
            both, ranks = np.unique(np.concatenate((s, e)), return_inverse=True)
            ks, ke = ranks[: s.size].astype(np.int64), ranks[s.size :].astype(np.int64)
            width = int(both.size)
        # Each ticket owns its own band of key values, so the running maximum of ends below
        # never leaks from one ticket into the next.
        band = o * width
        key_s, key_e = band + ks, band + ke
        if key_s.size > 1 and not bool(np.all(key_s[1:] >= key_s[:-1])):
            order = np.argsort(key_s, kind="stable")
            key_s, key_e, o = key_s[order], key_e[order], o[order]
        reach = np.maximum.accumulate(key_e)
        fresh = np.ones(key_s.size, dtype=bool)
        fresh[1:] = key_s[1:] > reach[:-1]
        first = np.flatnonzero(fresh)
        last = np.append(first[1:] - 1, key_s.size - 1)
        owners = o[first]
        start_keys = key_s[first] - owners * width
        end_keys = reach[last] - owners * width
        if both is None:
            return Pauses(start_keys + base, end_keys + base, owners, merged=True)
        return Pauses(both[start_keys], both[end_keys], owners, merged=True)


def instants(values: ArrayLike) -> Seconds:
    """Epoch seconds as int64; fractions are floored like ``windows.epoch_seconds``."""
    arr = np.asarray(values)
    out: Seconds = np.floor(arr).astype(np.int64) if arr.dtype.kind == "f" else arr.astype(np.int64, copy=False)
    return out


def clipped(pauses: Pauses, lo: Seconds, hi: Seconds) -> tuple[Seconds, Seconds, NDArray[np.int64]]:
    """Each ticket's merged pauses clipped to ``[lo, hi]`` of that ticket: starts, ends,
    owners, sorted by (ticket, start). Clipping merged pauses keeps them disjoint and in
    order; a pause clipped away keeps zero length, which counts nothing."""
    n = lo.size
    merged = pauses.merge()
    o = merged.owner
    if o.size and int(o[-1]) >= n:
        raise ValueError(f"a pause belongs to ticket {int(o[-1])}, but there are {n} tickets")
    low, high = lo.ravel()[o], np.maximum(lo, hi).ravel()[o]
    s = np.minimum(np.maximum(merged.starts, low), high)
    e = np.minimum(np.maximum(merged.ends, low), high)
    return s, e, o


def paused_seconds(cumulative: Cumulative, pauses: Pauses, lo: Seconds, hi: Seconds) -> Seconds:
    """Business seconds of each ticket's pauses inside ``[lo, hi)`` of that ticket."""
    if len(pauses) == 0:
        return np.zeros(lo.shape, dtype=np.int64)
    s, e, o = clipped(pauses, lo, hi)
    paused = cumulative(e) - cumulative(s)
    # bincount sums in float64, exact for sums below 2**53 s (285 million years).
    return np.bincount(o, weights=paused, minlength=lo.size).astype(np.int64).reshape(lo.shape)


def paused_before_target(
    cumulative: Cumulative, pauses: Pauses, lo: Seconds, hi: Seconds, *, start: Seconds, target: Seconds
) -> Seconds:
    """Business seconds of the pauses that begin before each ticket's target is reached.

    ``start`` is B(t0) per ticket. Walking a ticket's merged pauses in order, the unpaused
    business time reached when pause j begins is E_j = B(s_j) - B(t0) - (paused before j);
    the pause pushes the deadline iff E_j < target. E_j never decreases with j, so the
    pauses that push form a prefix, and the deadline is B^-1(B(t0) + target + their sum).
    A pause that begins when the target is already reached (E_j = target) does not push:
    the deadline is met exactly, and breached after (cases 5 and 23).
    """
    if len(pauses) == 0:
        return np.zeros(lo.shape, dtype=np.int64)
    s, e, o = clipped(pauses, lo, hi)
    at_start = cumulative(s)
    paused = cumulative(e) - at_start
    before = np.cumsum(paused) - paused
    new_ticket = np.ones(o.size, dtype=bool)
    new_ticket[1:] = o[1:] != o[:-1]
    first = np.maximum.accumulate(np.where(new_ticket, np.arange(o.size), 0))
    reached = at_start - start.ravel()[o] - (before - before[first])
    pushes = reached < np.broadcast_to(target, lo.shape).ravel()[o]
    pushed = np.bincount(o, weights=np.where(pushes, paused, 0), minlength=lo.size)
    return pushed.astype(np.int64).reshape(lo.shape)
