"""The tally: buckets turned into the units a budgeting method counts, on a time axis.

A tally holds, for ``k`` objectives and ``U`` consecutive units, the good score and the
counted total of each unit, with the units' edges in epoch seconds. For Occurrences a unit
is a run of buckets between two cut points (window edges, service-hour and maintenance
edges), its score and total the good and total events in it. For the time-slice methods
a unit is one time slice, its score and count as ``attainment.slice_scores`` gives them.
Either way a window's attainment is ``sum(score) / sum(total)`` over the units that start
inside it, which a prefix sum over the few units answers for every window at once.

Maintenance policy (``MaintenancePolicy``), with ``s`` the service weight and ``x`` the
maintenance weight of a bucket:
- EXCLUDE: good and total are both weighed by ``s * (1 - x)``: maintenance is left out.
- GOOD: total is weighed by ``s``, good by ``s * (1 - x)`` plus total by ``s * x``: the
  events in maintenance all count as good.
Only measurements before ``at`` count; later buckets are not read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from slmo.core.engine.attainment import slice_scores
from slmo.core.engine.grid import BucketGrid
from slmo.core.engine.segments import changes, cuts, prefix, segment_sums, window_sums
from slmo.core.engine.windows import Span
from slmo.core.model.objective import BudgetingMethod, MaintenancePolicy

Arrays = tuple[NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any]]


@dataclass(frozen=True, eq=False)
class Tally:
    """``edges`` (U + 1,) epoch seconds; ``good``, ``total`` (k, U); ``seconds`` (k or 1, U),
    the counted seconds of each unit (service time, less maintenance under EXCLUDE)."""

    edges: NDArray[np.int64]
    good: NDArray[Any]
    total: NDArray[Any]
    seconds: NDArray[Any]

    @property
    def bad(self) -> NDArray[Any]:
        return np.asarray(self.total - self.good)

    def positions(self, spans: Sequence[Span]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """First and one-past-last unit starting inside each span."""
        starts = self.edges[:-1]
        lo = np.searchsorted(starts, [s.start for s in spans], side="left")
        hi = np.searchsorted(starts, [s.end for s in spans], side="left")
        return lo.astype(np.intp), np.maximum(lo, hi).astype(np.intp)

    def sums(self, spans: Sequence[Span]) -> tuple[NDArray[Any], NDArray[Any]]:
        """Good and total per objective and span: two (k, len(spans)) arrays."""
        lo, hi = self.positions(spans)
        good, total = _span_sums(self.good, lo, hi), _span_sums(self.total, lo, hi)
        if good.dtype.kind == "f":
            # Differences of running float sums can overshoot by a rounding error; good never
            # exceeds total, and a bad part of -1e-16 would show as a negative burn rate.
            good = np.clip(good, 0, total)
        return good, total

    def bad_seconds(self, span: Span) -> NDArray[Any]:
        """Counted seconds of the bad part of the units starting in ``span``, per objective:
        a bad slice's seconds, or a slice's seconds times its bad ratio."""
        lo, hi = self.positions([span])
        return _span_sums(self.bad * self.seconds, lo, hi)[..., 0]


def _span_sums(values: NDArray[Any], lo: NDArray[np.intp], hi: NDArray[np.intp]) -> NDArray[Any]:
    if values.dtype.kind != "f":
        return window_sums(values, lo, hi)  # integers: one pass, exact
    # Floats go through a running sum, which adds in the same order for one row or many;
    # numpy's reductions may not, and a batch should match one-by-one evaluation exactly.
    p = prefix(values)
    return np.asarray(p[..., hi] - p[..., lo])


def _weights(weights: NDArray[Any] | None, at: NDArray[np.intp], default: int) -> NDArray[Any]:
    if weights is None:
        return np.full(at.shape, default, dtype=np.int64)
    picked = weights[at] if weights.size else np.zeros(at.shape, dtype=weights.dtype)
    return picked.astype(np.int64) if picked.dtype == np.bool_ else picked.astype(np.float64)


def _shared(grid: BucketGrid, policy: MaintenancePolicy, bounds: NDArray[np.intp]) -> Arrays:
    """Weights shared by all objectives are constant between cut points: weigh segment sums."""
    lengths = np.diff(bounds)
    if grid.service is None and grid.excluded is None:
        none = np.zeros((1, lengths.size), dtype=np.int64)
        return segment_sums(grid.good, bounds), segment_sums(grid.total, bounds), lengths[None, :], none
    first = np.minimum(bounds[:-1], max(grid.count - 1, 0))
    s = _weights(grid.service, first, 1)
    x = _weights(grid.excluded, first, 0)
    keep = s * (1 - x)
    skip = (keep == 0) if policy is MaintenancePolicy.EXCLUDE else (s == 0)
    g = segment_sums(grid.good, bounds, skip)
    t = segment_sums(grid.total, bounds, skip)
    if policy is MaintenancePolicy.EXCLUDE:
        return g * keep, t * keep, (lengths * keep)[None, :], np.zeros((1, lengths.size), dtype=keep.dtype)
    return g * keep + t * (s * x), t * s, (lengths * s)[None, :], (lengths * s * x)[None, :]


def _per_row(grid: BucketGrid, policy: MaintenancePolicy, bounds: NDArray[np.intp]) -> Arrays:
    """Weights per objective: weigh every bucket, then sum the segments."""
    end = int(bounds[-1])
    good, total = grid.good[..., :end], grid.total[..., :end]
    s = None if grid.service is None else grid.service[..., :end]
    x = None if grid.excluded is None else grid.excluded[..., :end]
    shape = good.shape
    if all(w is None or w.dtype == np.bool_ for w in (s, x)):
        sb = np.ones(shape, dtype=bool) if s is None else np.broadcast_to(s, shape)
        xb = np.zeros(shape, dtype=bool) if x is None else np.broadcast_to(x, shape)
        keep = sb & ~xb
        if policy is MaintenancePolicy.EXCLUDE:
            g, t, c, m = np.where(keep, good, 0), np.where(keep, total, 0), keep, np.zeros(shape, dtype=bool)
        else:
            g, t, c, m = np.where(keep, good, 0) + np.where(sb & xb, total, 0), np.where(sb, total, 0), sb, sb & xb
    else:
        sf = np.ones(shape) if s is None else np.broadcast_to(s, shape).astype(np.float64)
        xf = np.zeros(shape) if x is None else np.broadcast_to(x, shape).astype(np.float64)
        keepf = sf * (1.0 - xf)
        if policy is MaintenancePolicy.EXCLUDE:
            g, t, c, m = good * keepf, total * keepf, keepf, np.zeros(shape)
        else:
            g, t, c, m = good * keepf + total * sf * xf, total * sf, sf, sf * xf
    sums = [segment_sums(np.asarray(a), bounds) for a in (g, t, c, m)]
    return sums[0], sums[1], sums[2], sums[3]


def _segments(
    grid: BucketGrid, policy: MaintenancePolicy, until: int, points: Sequence[NDArray[np.intp]]
) -> tuple[NDArray[np.intp], Arrays]:
    n = grid.index(until)
    extra = [changes(w) for w in (grid.service, grid.excluded) if w is not None and w.ndim == 1]
    bounds = cuts(n, *points, *extra)
    weigh = _shared if grid.shared_weights else _per_row
    return bounds, weigh(grid, policy, bounds)


def _regroup(values: NDArray[Any], at: NDArray[np.intp]) -> NDArray[Any]:
    """Sums of the segments ``at[j]`` to ``at[j + 1]`` for each slice ``j``."""
    count = values.shape[-1]
    if at.size == count + 1 and at[0] == 0 and bool(np.all(np.diff(at) == 1)):
        return values  # no cut inside a slice: segments are the slices
    if count == 0:
        return np.zeros((*values.shape[:-1], at.size - 1), dtype=values.dtype)
    summed = np.add.reduceat(values, np.minimum(at[:-1], count - 1), axis=-1)
    # reduceat reads a lone element for an empty range; a slice without segments is zero.
    return np.where(at[1:] > at[:-1], summed, 0)


def occurrence_tally(grid: BucketGrid, policy: MaintenancePolicy, *, until: int, points: Sequence[int]) -> Tally:
    """Units are runs of buckets between the cut ``points`` (epoch seconds), before ``until``."""
    bounds, (g, t, c, _) = _segments(grid, policy, until, [grid.indices(points)])
    edges = grid.start + bounds.astype(np.int64) * grid.bucket_seconds
    return Tally(edges=edges, good=g, total=t, seconds=c * grid.bucket_seconds)


def slice_tally(
    grid: BucketGrid,
    policy: MaintenancePolicy,
    method: BudgetingMethod,
    *,
    anchor: int,
    slice_seconds: int,
    first: int,
    until: int,
    slice_target: float | None,
) -> Tally:
    """Units are time slices of ``slice_seconds`` laid from ``anchor`` (the window start),
    from the slice starting at or after ``first`` to the last starting before ``until``."""
    j0 = -((anchor - first) // slice_seconds)
    j1 = -((anchor - until) // slice_seconds)
    edges = anchor + slice_seconds * np.arange(j0, max(j1, j0) + 1, dtype=np.int64)
    n = grid.index(until)
    slice_bounds = np.minimum(grid.indices(edges), n)
    bounds, (g, t, c, m) = _segments(grid, policy, until, [slice_bounds])
    at = np.searchsorted(bounds, slice_bounds)
    good, total, counted, maintenance = (_regroup(a, at) for a in (g, t, c, m))
    forced = (maintenance > 0) if policy is MaintenancePolicy.GOOD else None
    score, count = slice_scores(good, total, method, slice_target=slice_target, maintenance_only=forced)
    return Tally(edges=edges, good=score, total=count, seconds=counted * grid.bucket_seconds)
