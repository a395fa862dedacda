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
    g = np.asarray(good, dtype=np.float64)
    t = np.asarray(total, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(t > 0, g / np.where(t > 0, t, 1.0), np.nan)


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
) -> tuple[NDArray[Any], NDArray[np.int64]]:
    """Per slice, from its good and total events: (score, counted).

    ``counted`` is 1 for a slice with data (or forced good), else 0. ``score`` is 1 or 0 for
    Timeslices (good slice or not) and the slice's ratio for RatioTimeslices, so that
    attainment is always ``sum(score) / sum(counted)`` and the bad part is
    ``counted - score``. ``maintenance_only`` flags slices to count as good without data.
    """
    has_data = np.asarray(total) > 0
    share = np.nan_to_num(ratio(good, total), nan=0.0)
    forced = np.zeros(has_data.shape, dtype=bool) if maintenance_only is None else maintenance_only & ~has_data
    counted = (has_data | forced).astype(np.int64)
    if method is BudgetingMethod.TIMESLICES:
        if slice_target is None:
            raise SpecError([Problem(None, "timeSliceTarget", "the Timeslices method needs a time slice target")])
        check_slice_target(slice_target)
        return ((has_data & (share >= slice_target)) | forced).astype(np.int64), counted
    if method is BudgetingMethod.RATIO_TIMESLICES:
        return np.where(forced, 1.0, share), counted
    raise ValueError(f"{method} is not a time-slice method")
