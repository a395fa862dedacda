"""Attainment: the share of good, per budgeting method (OpenSLO v1, ``budgetingMethod``).

- Occurrences: good events / total events over the window.
- Timeslices: good slices / counted slices; a slice is good when its own ratio reaches
  ``timeSliceTarget`` (a threshold slice: when the metric meets the bound in every bucket
  of it, which is the ratio of passing buckets reaching 1.0).
- RatioTimeslices: the mean of the counted slices' ratios.

A slice without data (total 0 after service hours and maintenance) is not counted, neither
good nor bad: OpenSLO counts slices in which the indicator was measured. Under the GOOD
maintenance policy a slice with maintenance time and no data counts as good, since the
agreement says maintenance time is good time whether or not anything was measured.

All functions are vectorised over numpy arrays and return float64 (NaN for no data).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.model.objective import BudgetingMethod
from slmo.errors import Problem, SpecError


def ratio(good: ArrayLike, total: ArrayLike) -> NDArray[np.float64]:
    """``good / total``; NaN where ``total`` is 0 (no data, not 0 % and not 100 %)."""
    g, t = np.asarray(good), np.asarray(total)
    out = np.full(np.broadcast(g, t).shape, np.nan)
    np.divide(g, t, out=out, where=t > 0)
    return out


def check_target(target: float, field: str = "target") -> float:
    """OpenSLO v1: an objective's target lies in [0.0, 1.0); 1.0 would leave no budget."""
    if not 0.0 <= target < 1.0:
        raise SpecError([Problem(None, field, f"target must be in [0, 1), got {target}")])
    return float(target)


def check_slice_target(target: float) -> float:
    """OpenSLO v1: ``timeSliceTarget`` lies in (0.0, 1.0]."""
    if not 0.0 < target <= 1.0:
        raise SpecError([Problem(None, "timeSliceTarget", f"time slice target must be in (0, 1], got {target}")])
    return float(target)


def slice_scores(
    good: NDArray[Any],
    total: NDArray[Any],
    method: BudgetingMethod,
    *,
    slice_target: float | None = None,
    maintenance_only: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[Any], NDArray[np.int8]]:
    """Per slice, from its good and total events: (score, counted).

    ``counted`` is 1 for a slice with data (or forced good), else 0. ``score`` is 1 or 0 for
    Timeslices (good slice or not) and the slice's ratio for RatioTimeslices, so that
    attainment is always ``sum(score) / sum(counted)`` and the bad part is
    ``counted - score``. ``maintenance_only`` flags slices to count as good without data.
    """
    has_data = np.asarray(total) > 0
    share = np.divide(good, total, out=np.zeros(has_data.shape), where=has_data)
    forced = None if maintenance_only is None else maintenance_only & ~has_data
    counted = has_data if forced is None else has_data | forced
    if method is BudgetingMethod.TIMESLICES:
        if slice_target is None:
            raise SpecError([Problem(None, "timeSliceTarget", "the Timeslices method needs a time slice target")])
        # A slice without data has share 0, below any target in (0, 1]: never good.
        good_slice = share >= check_slice_target(slice_target)
        if forced is not None:
            good_slice |= forced
        return good_slice.view(np.int8), counted.view(np.int8)
    if method is BudgetingMethod.RATIO_TIMESLICES:
        if forced is not None:
            share[forced] = 1.0
        return share, counted.view(np.int8)
    raise ValueError(f"{method} is not a time-slice method")
