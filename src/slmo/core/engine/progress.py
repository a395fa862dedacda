"""An objective through one period, point by point: the attainment so far and the share of the
period's error budget left at each point (the burn-down), for the charts of a period report.

- **Points** are the ends of the period's local days (``day_ends``: local midnights in the
  period's time zone, so a DST day is 23 or 25 hours), and the report's instant when the
  period is still running.
- **Attainment to date** at a point ``p`` is the attainment over ``[period start, p)``: the
  engine's units (events or time slices) that start in it, as the period's own evaluation
  counts them (``evaluate_group`` over the period's window, with cuts at every point).
- **Budget left** at ``p`` is ``1 - spent(start, p) / budget_total(period)``: the bad part so
  far as a share of everything the period allows, where the allowance is ``(1 - target)`` of
  what the whole period counted (up to the report's instant for a running period). It falls
  from 1 as the budget burns, reaches 0 when it is exhausted, and its last value is the
  period's ``budget_left`` (``docs/formulas.md`` section 4). With nothing counted it is NaN.

The functions are pure: the grid, the ticket timers and the points come from the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.engine.attainment import ratio
from slmo.core.engine.budget import budget_spent, budget_total
from slmo.core.engine.evaluation import evaluate_group, slice_settings
from slmo.core.engine.grid import BucketGrid
from slmo.core.engine.ticket_compliance import decided_in
from slmo.core.engine.tickets import TicketTimers
from slmo.core.engine.windows import Span, calendar_period
from slmo.core.model.calendar import Weekday
from slmo.core.model.objective import Objective, WindowUnit


@dataclass(frozen=True, eq=False)
class Progress:
    """Per point: ``attainment`` to date (NaN before anything was counted) and ``budget_left``,
    the share of the period's budget left (NaN when the period counted nothing)."""

    points: NDArray[np.int64]
    good: NDArray[np.float64]
    total: NDArray[np.float64]
    attainment: NDArray[np.float64]
    budget_left: NDArray[np.float64]


def day_ends(period: Span, time_zone: str, until: int | None = None) -> NDArray[np.int64]:
    """The end of each local day of ``period`` up to ``until`` (the last point is ``until``
    itself when it falls inside a day): the instants a daily chart is drawn at."""
    last = period.end if until is None else min(period.end, until)
    found: list[int] = []
    t = period.start
    while t < last:
        end = calendar_period(t, WindowUnit.DAY, time_zone).end
        found.append(min(end, last))
        t = end
    return np.asarray(found, dtype=np.int64)


def progress(good: ArrayLike, total: ArrayLike, target: float, points: ArrayLike) -> Progress:
    """The series from the cumulative good and total at each point (period to date)."""
    g = np.asarray(good, dtype=np.float64)
    n = np.asarray(total, dtype=np.float64)
    whole = float(budget_total(n[-1], target)) if n.size else 0.0
    spent = budget_spent(g, n)
    if n.size and n[-1] > 0 and whole > 0:
        left = 1.0 - spent / whole
    elif n.size and n[-1] > 0:
        # Target 0 allows everything; nothing can be overspent.
        left = np.ones(n.shape)
    else:
        left = np.full(n.shape, np.nan)
    return Progress(
        points=np.asarray(points, dtype=np.int64),
        good=g,
        total=n,
        attainment=ratio(g, n),
        budget_left=np.asarray(left, dtype=np.float64),
    )


def period_progress(
    objective: Objective,
    grid: BucketGrid,
    period: Span,
    points: Sequence[int],
    *,
    at: int,
    time_zone: str | None = None,
    week_start: Weekday = Weekday.MON,
) -> Progress:
    """``objective`` (its window the period's calendar unit) through ``period``, at ``points``
    (each in ``(period.start, at + 1]``), from the grid its evaluation reads."""
    slice_seconds, slice_target = slice_settings(objective)
    arrays = evaluate_group(
        grid,
        at,
        window=objective.window,
        target=objective.target,
        budgeting=objective.budgeting,
        slice_seconds=slice_seconds,
        slice_target=slice_target,
        maintenance=objective.maintenance,
        time_zone=time_zone,
        week_start=week_start,
        points=list(points),
    )
    good, total = arrays.tally.sums([Span(period.start, int(p)) for p in points])
    return progress(good[0], total[0], objective.target, points)


def ticket_progress(timers: TicketTimers, period: Span, points: Sequence[int], target: float) -> Progress:
    """A ticket objective through ``period``: tickets counted in the period in which their
    verdict became final (``docs/tickets.md``), good when in time."""
    good, total = [], []
    for p in points:
        selected = decided_in(timers, period.start, int(p))
        total.append(int(selected.sum()))
        good.append(int((selected & ~timers.breached).sum()))
    return progress(good, total, target, points)
