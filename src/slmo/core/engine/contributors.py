"""Contributors: the hours and the incidents that spent the most error budget.

Both work on a tally's units restricted to the evaluated window: ``edges`` (U + 1 epoch
seconds) and ``bad`` (U values, bad events or bad slices). An hour collects the units that
start in it; an incident collects the units that overlap it, so an incident shorter than
a bucket still gets that bucket. Spent budget is in the budgeting unit and its share is of
everything spent in the window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from slmo.core.engine.segments import prefix
from slmo.core.engine.windows import Instant, epoch_seconds
from slmo.core.model.measurement import Incident
from slmo.core.model.results import Contributor, ContributorKind


@dataclass(frozen=True, eq=False)
class Incidents:
    """Incidents as parallel arrays: a reference each, and ``[start, end)`` in epoch seconds."""

    references: tuple[str, ...]
    starts: NDArray[np.int64]
    ends: NDArray[np.int64]

    def __post_init__(self) -> None:
        if not len(self.references) == self.starts.size == self.ends.size:
            raise ValueError("incidents need as many starts and ends as references")

    @classmethod
    def of(cls, items: Iterable[tuple[str, Instant, Instant]]) -> Incidents:
        rows = list(items)
        return cls(
            references=tuple(r for r, _, _ in rows),
            starts=np.array([epoch_seconds(s) for _, s, _ in rows], dtype=np.int64),
            ends=np.array([epoch_seconds(e) for _, _, e in rows], dtype=np.int64),
        )

    @classmethod
    def of_model(cls, incidents: Iterable[Incident], *, until: Instant) -> Incidents:
        """From the model's incidents; one still open ends at ``until`` (the evaluation instant)."""
        return cls.of((i.id, i.start, i.end if i.end is not None else until) for i in incidents)


def spent_by_group(
    starts: NDArray[np.int64], bad: NDArray[Any], *, anchor: int, seconds: int
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Bad per group of ``seconds`` laid from ``anchor``, for the groups that hold units."""
    if starts.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    group = (starts - anchor) // seconds
    keys, which = np.unique(group, return_inverse=True)
    weights = np.asarray(bad, dtype=np.float64)
    spent = np.asarray(np.bincount(which.ravel(), weights=weights, minlength=keys.size), dtype=np.float64)
    return (anchor + keys * seconds).astype(np.int64), spent


def spent_by_incident(
    edges: NDArray[np.int64], bad: NDArray[Any], starts: NDArray[np.int64], ends: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Bad in the units that overlap each incident ``[start, end)``."""
    lo = np.searchsorted(edges[1:], starts, side="right")
    hi = np.maximum(np.searchsorted(edges[:-1], ends, side="left"), lo)
    p = prefix(np.asarray(bad, dtype=np.float64))
    return np.asarray(p[hi] - p[lo])


def _utc(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _ranked(spent: NDArray[np.float64], top: int) -> list[int]:
    order = np.argsort(-spent, kind="stable")
    return [int(i) for i in order[:top] if spent[i] > 0]


def contributors(
    edges: NDArray[np.int64],
    bad: NDArray[Any],
    *,
    anchor: int,
    group_seconds: int = 3600,
    top: int = 5,
    incidents: Incidents | None = None,
) -> tuple[Contributor, ...]:
    """The ``top`` incidents, then the ``top`` hours (groups of ``group_seconds`` from
    ``anchor``), that spent the most budget, each ranked by budget spent."""
    if top <= 0:
        return ()
    whole = float(np.sum(bad))
    found: list[Contributor] = []
    if incidents is not None and incidents.starts.size:
        spent = spent_by_incident(edges, bad, incidents.starts, incidents.ends)
        found.extend(
            Contributor(
                kind=ContributorKind.INCIDENT,
                start=_utc(int(incidents.starts[i])),
                end=_utc(int(incidents.ends[i])),
                budget_spent=float(spent[i]),
                share=float(spent[i]) / whole if whole > 0 else 0.0,
                reference=incidents.references[i],
            )
            for i in _ranked(spent, top)
        )
    group_starts, spent = spent_by_group(edges[:-1], bad, anchor=anchor, seconds=group_seconds)
    found.extend(
        Contributor(
            kind=ContributorKind.HOUR,
            start=_utc(int(group_starts[i])),
            end=_utc(int(group_starts[i]) + group_seconds),
            budget_spent=float(spent[i]),
            share=float(spent[i]) / whole if whole > 0 else 0.0,
        )
        for i in _ranked(spent, top)
    )
    return tuple(found)
