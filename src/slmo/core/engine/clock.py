"""The business clock: elapsed working time between instants and deadlines, for arrays of tickets.

The application layer expands a calendar (service hours, holidays, partial days, overnight
shifts, daylight saving, and maintenance when the objective does not count it) into merged
``[start, end)`` epoch-second intervals of working time over a span. ``BusinessClock``
precomputes the business seconds before each interval (DESIGN.md, "How it gets fast"):

    B(t) = business seconds in [span start, t)          (piecewise linear, non-decreasing)
    elapsed(t0, t1) = B(t1) - B(t0)                     two ``searchsorted`` look-ups
    deadline(t0, x) = min { t >= t0 : B(t) - B(t0) >= x }   one more ``searchsorted``

Rules from ``docs/clock.md`` and the worked cases (shared/sla-clock-cases.md):
- instants are whole epoch seconds (UTC); seconds are kept, rounding is for display (case 22);
- a target is breached only when elapsed > target: reaching the deadline exactly is met
  (cases 4 and 5), so the deadline is the *earliest* instant at which elapsed reaches the
  target (case 4: Mon 17:00, not Tue 09:00);
- pauses subtract their business seconds the same way (``clock_pauses``).

A clock knows working time only inside its span; an instant or a deadline outside it raises
``ConfigurationError`` naming the span, and a span without working time is refused when the
clock is built, so no look-up can ever loop.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.engine.clock_index import SortedIndex
from slmo.core.engine.clock_pauses import Pauses, instants, paused_before_target, paused_seconds
from slmo.core.engine.coverage import merge
from slmo.errors import ConfigurationError

Seconds = NDArray[np.int64]


def _iso(at: int) -> str:
    try:
        return dt.datetime.fromtimestamp(at, dt.UTC).isoformat().replace("+00:00", "Z")
    except (OverflowError, OSError, ValueError):  # far outside datetime's years: say the number
        return f"{at} s"


def is_breached(elapsed: ArrayLike, target: ArrayLike) -> NDArray[np.bool_]:
    """Breached only when elapsed > target, exactly, in seconds (cases 5 and 22)."""
    return np.asarray(elapsed, dtype=np.int64) > np.asarray(target, dtype=np.int64)


class BusinessClock:
    """Working time as merged ``[start, end)`` intervals over ``span``, with cumulative sums.

    ``starts`` and ``ends`` may overlap or touch and come in any order; they are merged and
    clipped to the span. ``name`` (the calendar's) only appears in error messages.
    """

    __slots__ = ("_at_start", "_before", "_by_business", "_ends", "_lengths", "_starts", "name", "span")

    def __init__(self, starts: ArrayLike, ends: ArrayLike, *, span: tuple[int, int], name: str = "calendar") -> None:
        lo, hi = int(span[0]), int(span[1])
        if hi <= lo:
            raise ValueError(f"clock span [{lo}, {hi}) is empty")
        s, e = merge(np.clip(instants(starts), lo, hi), np.clip(instants(ends), lo, hi))
        self.name = name
        self.span = (lo, hi)
        if s.size == 0:
            raise ConfigurationError(
                f"calendar {name!r} has no working time between {_iso(lo)} and {_iso(hi)}: "
                "no elapsed business time or deadline can be computed on it",
                key="error.clock_no_working_time",
                calendar=name,
                start=_iso(lo),
                end=_iso(hi),
            )
        # A zero-length sentinel just before the span makes every look-up index valid
        # (no branch for "before the first interval"): instants are checked to be >= lo.
        self._starts: Seconds = np.concatenate(([lo - 1], s))
        self._ends: Seconds = np.concatenate(([lo - 1], e))
        self._lengths: Seconds = self._ends - self._starts
        self._before: Seconds = np.concatenate(([0], np.cumsum(self._lengths)))[:-1]
        self._at_start = SortedIndex(self._starts)
        # For B^-1: the first interval whose end reaches a business target c is the last
        # whose key is <= c, with keys -1 (the sentinel) and then 1 + business seconds
        # reached at each interval's end. Ends reached exactly pick that interval (case 4).
        self._by_business = SortedIndex(np.concatenate(([-1], self._before + self._lengths + 1))[:-1])

    @classmethod
    def always_open(cls, span: tuple[int, int], name: str = "24x7") -> BusinessClock:
        """Calendar (24x7) time: real elapsed seconds, so daylight saving changes count as
        the hour they really are (cases 6 and 7)."""
        return cls([span[0]], [span[1]], span=span, name=name)

    @classmethod
    def from_service(
        cls,
        service: tuple[ArrayLike, ArrayLike],
        excluded: tuple[ArrayLike, ArrayLike] | None = None,
        *,
        span: tuple[int, int],
        name: str = "calendar",
    ) -> BusinessClock:
        """Working time = service hours less ``excluded`` (agreed maintenance, when the
        objective does not count it), both as ``[start, end)`` intervals in any order."""
        if excluded is None:
            return cls(*service, span=span, name=name)
        s, e = merge(*service)
        xs, xe = merge(*excluded)
        cuts = np.unique(np.concatenate((s, e, xs, xe)))
        # Each piece between consecutive boundaries is wholly in or out of either set.
        a, b = cuts[:-1], cuts[1:]
        keep = _inside(a, s, e) & ~_inside(a, xs, xe)
        return cls(a[keep], b[keep], span=span, name=name)

    @property
    def starts(self) -> Seconds:
        return self._starts[1:]

    @property
    def ends(self) -> Seconds:
        return self._ends[1:]

    @property
    def total(self) -> int:
        """Business seconds in the whole span."""
        return int(self._before[-1] + self._lengths[-1])

    def _check(self, t: Seconds, what: str) -> None:
        if t.size and (int(t.min()) < self.span[0] or int(t.max()) > self.span[1]):
            bad = int(t[(t < self.span[0]) | (t > self.span[1])].flat[0])
            raise ConfigurationError(
                f"{what} {_iso(bad)} is outside the span of the business clock of calendar "
                f"{self.name!r}, {_iso(self.span[0])} to {_iso(self.span[1])}: build the clock over "
                "a span that covers the tickets",
                key="error.clock_span",
                calendar=self.name,
                instant=_iso(bad),
                start=_iso(self.span[0]),
                end=_iso(self.span[1]),
            )

    def cumulative(self, t: ArrayLike) -> Seconds:
        """B(t): business seconds from the span's start to each instant."""
        at = instants(t)
        self._check(at, "instant")
        return self._cumulative(at)

    def _cumulative(self, at: Seconds) -> Seconds:
        k = self._at_start.last(at)
        done: Seconds = self._before[k] + np.minimum(at - self._starts[k], self._lengths[k])
        return done

    def _inverse(self, target: Seconds) -> Seconds:
        """The earliest instant t with B(t) >= target; past the span's working time, an error."""
        total = self.total
        if target.size and int(target.max()) > total:
            raise ConfigurationError(
                f"a deadline falls after {_iso(self.span[1])}, the end of the business clock of "
                f"calendar {self.name!r} (span {_iso(self.span[0])} to {_iso(self.span[1])}, "
                f"{total} business seconds): build the clock over a longer span",
                key="error.clock_span",
                calendar=self.name,
                start=_iso(self.span[0]),
                end=_iso(self.span[1]),
            )
        # The first interval that reaches the target: a target met exactly at a closing
        # time lands on that closing time, not on the next opening (case 4).
        k = self._by_business.last(target)
        due: Seconds = self._starts[k] + (target - self._before[k])
        return due

    def is_working(self, t: ArrayLike) -> NDArray[np.bool_]:
        """True where an instant lies in working time, ``[start, end)`` of an interval."""
        at = instants(t)
        self._check(at, "instant")
        k = self._at_start.last(at)
        inside: NDArray[np.bool_] = at < self._ends[k]
        return inside

    def elapsed(self, t0: ArrayLike, t1: ArrayLike) -> Seconds:
        """Business seconds in ``[t0, t1)``, per ticket. Signed: ``elapsed(t1, t0)`` is its
        negative, so elapsed time is additive over any split point."""
        a, b = instants(t0), instants(t1)
        self._check(a, "start")
        self._check(b, "end")
        return self._cumulative(b) - self._cumulative(a)

    def deadline(self, t0: ArrayLike, seconds: ArrayLike) -> Seconds:
        """The earliest instant at which ``seconds`` of business time have elapsed since ``t0``.

        A target of 0 is due at ``t0`` itself; a ticket opened outside service hours starts
        counting at the next opening (case 2)."""
        a = instants(t0)
        x = _targets(seconds, a.shape)
        self._check(a, "start")
        return np.maximum(a, self._inverse(self._cumulative(a) + x))

    def elapsed_with_pauses(self, t0: ArrayLike, t1: ArrayLike, pauses: Pauses) -> Seconds:
        """Business seconds in ``[t0, t1)`` less the business seconds of the ticket's pauses
        (clipped to ``[t0, t1)``; overlapping pauses count once). Cases 5, 16, 17."""
        a, b = instants(t0), instants(t1)
        self._check(a, "start")
        self._check(b, "end")
        plain = self._cumulative(b) - self._cumulative(a)
        lo, hi = a, np.maximum(a, b)
        return plain - paused_seconds(self._cumulative, pauses, lo, hi)

    def deadline_with_pauses(self, t0: ArrayLike, seconds: ArrayLike, pauses: Pauses) -> Seconds:
        """The earliest instant at which the ticket's unpaused business time reaches ``seconds``.

        Pauses known so far push the deadline by their business seconds, but only those that
        begin before the target is reached: a pause after a breach leaves the breach where it
        was (case 23). An ongoing pause is given with its end at the evaluation instant: the
        deadline is then the one that holds if the ticket resumed at that instant."""
        a = instants(t0)
        x = _targets(seconds, a.shape)
        self._check(a, "start")
        start = self._cumulative(a)
        pushed = paused_before_target(self._cumulative, pauses, a, np.full_like(a, self.span[1]), start=start, target=x)
        return np.maximum(a, self._inverse(start + x + pushed))


def _inside(t: Seconds, starts: Seconds, ends: Seconds) -> NDArray[np.bool_]:
    if starts.size == 0:
        return np.zeros(t.shape, dtype=bool)
    k = np.searchsorted(starts, t, side="right") - 1
    inside: NDArray[np.bool_] = (k >= 0) & (t < ends[np.maximum(k, 0)])
    return inside


def _targets(seconds: ArrayLike, shape: tuple[int, ...]) -> Seconds:
    x = np.broadcast_to(instants(seconds), shape)
    if x.size and int(x.min()) < 0:
        raise ValueError("a target of business time cannot be negative")
    return x
