"""Wall-clock time of one IANA zone, vectorised: instants to local seconds and back.

Business-day deadlines (same clock time on the N-th working day, case 18) move a ticket's
local time of day to another local date; doing that with ``datetime`` per ticket would cost
microseconds each, too slow for millions. ``LocalTime`` finds the zone's UTC-offset changes
over a span once, then converts whole arrays with ``searchsorted``.

"Wall seconds" count seconds since 1970-01-01 00:00 *local* time, so ``wall // 86400`` is the
local date (days since 1970-01-01) and ``wall % 86400`` the local time of day.

A wall time that does not exist (inside a spring-forward gap) is read with the offset before
the change, and an ambiguous one (inside a fall-back repeat) is its first occurrence: what
Python's ``zoneinfo`` does with ``fold=0``, and the rule ``calendars.expand`` uses for
service hours, so business days and service hours agree across daylight saving changes.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.engine.clock_pauses import instants
from slmo.core.engine.windows import zone
from slmo.errors import ConfigurationError

Seconds = NDArray[np.int64]
DAY = 86_400
_PROBE = 3 * 3600  # offsets are probed every 3 h: no zone changes its offset twice in 3 h
_MARGIN = 2 * DAY


def _offset(tz: dt.tzinfo, at: int) -> int:
    delta = dt.datetime.fromtimestamp(at, tz).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


class LocalTime:
    """UTC offsets of ``time_zone`` over ``span`` (epoch seconds, with two days' margin)."""

    __slots__ = ("_offsets", "_thresholds", "_transitions", "span", "time_zone")

    def __init__(self, time_zone: str, span: tuple[int, int]) -> None:
        tz = zone(time_zone)
        self.time_zone = time_zone
        self.span = (int(span[0]) - _MARGIN, int(span[1]) + _MARGIN)
        probes = range(self.span[0], self.span[1] + _PROBE, _PROBE)
        offsets = [_offset(tz, t) for t in probes]
        transitions: list[int] = []
        after: list[int] = [offsets[0]]
        for i in range(1, len(offsets)):
            if offsets[i] != offsets[i - 1]:
                # The change lies in (probe i-1, probe i]: bisect to the second.
                lo, hi = probes[i - 1], probes[i]
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    if _offset(tz, mid) == offsets[i - 1]:
                        lo = mid
                    else:
                        hi = mid
                transitions.append(hi)
                after.append(offsets[i])
        self._transitions: Seconds = np.asarray(transitions, dtype=np.int64)
        self._offsets: Seconds = np.asarray(after, dtype=np.int64)
        # zoneinfo's rule for fold=0: a transition, on the wall, happens at its UTC instant
        # plus the larger of the two offsets (CPython Lib/zoneinfo/_zoneinfo.py, _ts_to_local).
        larger = np.maximum(self._offsets[:-1], self._offsets[1:])
        self._thresholds: Seconds = self._transitions + larger

    def _check(self, at: Seconds) -> None:
        if at.size and (int(at.min()) < self.span[0] or int(at.max()) > self.span[1]):
            raise ConfigurationError(
                f"an instant falls outside the span over which the local time of {self.time_zone} "
                "was prepared: build the working days over a span that covers the tickets",
                key="error.clock_span",
                calendar=self.time_zone,
            )

    def wall(self, t: ArrayLike) -> Seconds:
        """Local wall seconds of each instant."""
        at = instants(t)
        self._check(at)
        shifted: Seconds = at + self._offsets[np.searchsorted(self._transitions, at, side="right")]
        return shifted

    def instant(self, wall: ArrayLike) -> Seconds:
        """The instant of each local wall time (``fold=0``: gaps read with the offset before
        the change, repeats as their first occurrence)."""
        w = instants(wall)
        at: Seconds = w - self._offsets[np.searchsorted(self._thresholds, w, side="right")]
        self._check(at)
        return at
