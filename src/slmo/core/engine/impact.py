"""Dependency impact: which upstream services and suppliers were failing while an objective spent
its budget, how much of that bad time they cover, and each service's weakest link
(``docs/formulas.md`` section 20).

- **Upstream.** A service's upstream is every service it depends on (``depends_on_services``),
  transitively, and every supplier party that it or any of those names (``depends_on_suppliers``),
  each once, at its shortest distance. Cycles end where they close; the service itself is never
  its own upstream.
- **Bad time.** An objective's units (time slices, or buckets for Occurrences) over a span: a
  unit's bad share is ``(total - good) / total`` (0 without data), its bad time that share of
  its counted seconds (service hours, less agreed maintenance under EXCLUDE). For Timeslices a
  bad slice is wholly bad; for a ratio of events the share is the failed events' share.
- **Failing.** An upstream fails over the union of ``[start, end)`` intervals the application
  gives: its incidents that count as down, and the units in which its own objectives spent
  budget (a unit that spent any is failing throughout).
- **Overlap.** In each unit of the objective, the failing covers a fraction ``c`` of the unit;
  the overlap is ``min(bad share, c)`` of the unit's counted seconds: within a unit slmo cannot
  tell where the bad events fell, so it takes them to coincide as far as both allow. The
  overlap is never more than the bad time, and its share is ``overlap / bad time``.
- **Weakest link.** Over a period, each upstream's standing is the lowest attainment among the
  objectives that measure it; the weakest link is the upstream with the lowest such attainment
  (an upstream without data is listed but never the weakest); ties go to the nearer upstream,
  then to services before suppliers, then by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.engine.coverage import covered_until, merge
from slmo.core.engine.evaluation import slice_settings
from slmo.core.engine.grid import BucketGrid
from slmo.core.engine.tally import occurrence_tally, slice_tally
from slmo.core.engine.windows import Span
from slmo.core.model.catalogue import Service
from slmo.core.model.impact import LinkKind, LinkStanding, Upstream
from slmo.core.model.objective import BudgetingMethod, Objective
from slmo.errors import Problem, SpecError


def upstream(services: Mapping[str, Service], name: str) -> list[Upstream]:
    """The upstream of service ``name``, nearest first (services before suppliers at the same
    distance, then by name). A service named as a dependency but not in ``services`` is listed
    and not followed."""
    found: dict[tuple[str, str], Upstream] = {}
    frontier: list[tuple[str, tuple[str, ...]]] = [(name, ())]
    seen = {name}
    depth = 0
    while frontier:
        depth += 1
        following: list[tuple[str, tuple[str, ...]]] = []
        for current, path in sorted(frontier):
            service = services.get(current)
            if service is None:
                continue
            for supplier in sorted(service.depends_on_suppliers):
                key = (LinkKind.SUPPLIER.value, supplier)
                if key not in found:
                    found[key] = Upstream(kind=LinkKind.SUPPLIER, name=supplier, depth=depth, via=path)
            for dependency in sorted(service.depends_on_services):
                if dependency in seen:
                    continue
                seen.add(dependency)
                found[(LinkKind.SERVICE.value, dependency)] = Upstream(
                    kind=LinkKind.SERVICE, name=dependency, depth=depth, via=path
                )
                following.append((dependency, (*path, dependency)))
        frontier = following
    return sorted(found.values(), key=_order)


def _order(link: Upstream) -> tuple[int, int, str]:
    return (link.depth, 0 if link.kind is LinkKind.SERVICE else 1, link.name)


@dataclass(frozen=True, eq=False)
class BadTime:
    """An objective's units over a span: unit ``i`` is ``[edges[i], edges[i + 1])`` with
    ``share[i]`` of its ``counted[i]`` seconds bad."""

    edges: NDArray[np.int64]
    share: NDArray[np.float64]
    counted: NDArray[np.float64]

    @property
    def seconds(self) -> float:
        """The bad time: the sum over units of bad share times counted seconds."""
        return float(np.sum(self.share * self.counted))

    def intervals(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """The units that spent any budget, merged: where an upstream with this bad time fails."""
        bad = (self.share > 0) & (self.counted > 0)
        return merge(self.edges[:-1][bad], self.edges[1:][bad])

    def cover(self, starts: ArrayLike, ends: ArrayLike) -> NDArray[np.float64]:
        """The fraction of each unit that the intervals cover (overlapping intervals count once)."""
        s, e = merge(starts, ends)
        covered = covered_until(self.edges, s, e)
        lengths = np.diff(self.edges).astype(np.float64)
        return np.divide(np.diff(covered).astype(np.float64), lengths, out=np.zeros(lengths.shape), where=lengths > 0)

    def overlap(self, starts: ArrayLike, ends: ArrayLike) -> float:
        """Bad seconds that fall in the intervals: per unit ``min(share, cover)`` of its counted seconds."""
        return float(np.sum(np.minimum(self.share, self.cover(starts, ends)) * self.counted))


def bad_time(objective: Objective, grid: BucketGrid, span: Span) -> BadTime:
    """The bad time of ``objective`` (its budgeting method, slices and maintenance policy) in the
    units that start in ``span``, from its one-row ``grid`` (which must cover the span). Time
    slices are laid from ``span.start``, as a calendar window lays them from its start."""
    if grid.good.ndim == 2 and grid.good.shape[0] != 1:
        raise ValueError(f"bad_time takes one objective's grid, got {grid.good.shape[0]} rows")
    if span.end <= span.start:
        return BadTime(np.array([span.start], dtype=np.int64), np.zeros(0), np.zeros(0))
    matrix = (
        grid
        if grid.good.ndim == 2
        else BucketGrid(
            start=grid.start,
            bucket_seconds=grid.bucket_seconds,
            good=grid.good[None, :],
            total=grid.total[None, :],
            service=grid.service,
            excluded=grid.excluded,
        )
    )
    policy = objective.maintenance
    if objective.budgeting is BudgetingMethod.OCCURRENCES:
        size = grid.bucket_seconds
        first = -(-(span.start - grid.start) // size) * size + grid.start
        points = [span.start, *range(first, span.end, size), span.end]
        tally = occurrence_tally(matrix, policy, until=span.end, points=points)
    else:
        seconds, target = slice_settings(objective)
        if seconds is None or seconds <= 0 or seconds % grid.bucket_seconds:
            raise SpecError(
                [
                    Problem(
                        None,
                        "timeSliceWindow",
                        f"the time slice of {objective.name!r} is not a whole number of {grid.bucket_seconds} s buckets",
                    )
                ]
            )
        tally = slice_tally(
            matrix,
            policy,
            objective.budgeting,
            anchor=span.start,
            slice_seconds=seconds,
            first=span.start,
            until=span.end,
            slice_target=target,
        )
    lo, hi = tally.positions([span])
    i0, i1 = int(lo[0]), int(hi[0])
    good = np.asarray(tally.good[0, i0:i1], dtype=np.float64)
    total = np.asarray(tally.total[0, i0:i1], dtype=np.float64)
    counted = np.asarray(tally.seconds[0, i0:i1], dtype=np.float64)
    share = np.divide(total - good, total, out=np.zeros(total.shape), where=total > 0)
    edges = np.asarray(tally.edges[i0 : i1 + 1], dtype=np.int64)
    if edges.size:
        # The last unit may run past the span (a slice cut by its end): it is counted to the end only.
        edges = np.minimum(edges, span.end)
    return BadTime(edges, np.clip(share, 0.0, 1.0), counted)


def union(intervals: Iterable[tuple[ArrayLike, ArrayLike]]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The union of several sets of ``[start, end)`` intervals."""
    parts = list(intervals)
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.concatenate([np.asarray(s, dtype=np.int64).ravel() for s, _ in parts])
    ends = np.concatenate([np.asarray(e, dtype=np.int64).ravel() for _, e in parts])
    return merge(starts, ends)


def overlapping(starts: ArrayLike, ends: ArrayLike, bad: BadTime) -> NDArray[np.bool_]:
    """Which of the intervals meet a unit with bad time (an incident that overlapped it)."""
    s = np.asarray(starts, dtype=np.int64)
    e = np.asarray(ends, dtype=np.int64)
    us, ue = bad.intervals()
    if us.size == 0 or s.size == 0:
        return np.zeros(s.shape, dtype=bool)
    # An interval meets a bad run when some run starts before it ends and ends after it starts.
    k = np.searchsorted(us, e, side="left") - 1
    return (k >= 0) & (ue[np.maximum(k, 0)] > s) & (e > s)


def weakest_first(links: Sequence[LinkStanding]) -> list[LinkStanding]:
    """Upstreams weakest first: lowest attainment, then nearer, services before suppliers, by
    name; those without data last, in the upstream's order."""

    def key(standing: LinkStanding) -> tuple[Any, ...]:
        value = standing.attainment
        return (value is None, 0.0 if value is None else value, *_order(standing.link))

    return sorted(links, key=key)
