"""Error budget: how much bad the target allows, how much was spent, what is left.

The budget is ``1 - target`` of what was counted (SRE workbook, chapter 5 "Alerting on
SLOs": "the error budget is 1 - SLO"), in the budgeting unit: events for Occurrences,
time slices for the time-slice methods. It is spent by the bad part, ``total - good``.
``left`` is a fraction of the budget: 1 untouched, 0 exhausted, negative when overspent;
``left < 0`` exactly when attainment < target, so budget and status never disagree.

For the time-slice methods the budget is also stated in minutes of the whole window
(OpenSLO example "treat low traffic as equally important": ``(1 - target) * window
minutes``), counting only minutes inside service hours and, under the EXCLUDE maintenance
policy, outside agreed maintenance. Spent minutes are the bad slices' counted minutes
(for RatioTimeslices each slice's minutes times its bad ratio).

Functions are vectorised; counts may be numbers or arrays.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from numpy.typing import ArrayLike, NDArray


def allowance(target: ArrayLike) -> NDArray[np.float64]:
    """``1 - target``, taken on the target as written: 99.9 % allows exactly 0.001, where the
    binary ``1 - 0.999`` is 0.0010000000000000009 and budgets would print as 4320.000000000004."""
    t = np.asarray(target, dtype=np.float64)
    values, where = np.unique(t, return_inverse=True)
    complement = np.array([float(1 - Decimal(repr(float(v)))) for v in values], dtype=np.float64)
    return complement[where].reshape(t.shape)


def budget_total(total: ArrayLike, target: ArrayLike) -> NDArray[np.float64]:
    """Allowed bad, in the unit of ``total``: ``(1 - target) * total``."""
    return allowance(target) * np.asarray(total, dtype=np.float64)


def budget_spent(good: ArrayLike, total: ArrayLike) -> NDArray[np.float64]:
    """Bad, in the unit of ``total``: ``total - good``."""
    return np.asarray(total, dtype=np.float64) - np.asarray(good, dtype=np.float64)


def budget_left(good: ArrayLike, total: ArrayLike, target: ArrayLike) -> NDArray[np.float64]:
    """Fraction of the budget left: ``1 - spent / budget_total``; 1.0 when nothing was counted."""
    allowed = budget_total(total, target)
    spent = budget_spent(good, total)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(allowed > 0, 1.0 - spent / np.where(allowed > 0, allowed, 1.0), 1.0)


def budget_minutes(window_minutes: ArrayLike, target: ArrayLike) -> NDArray[np.float64]:
    """Allowed bad minutes over a window: ``(1 - target) * window minutes``."""
    return allowance(target) * np.asarray(window_minutes, dtype=np.float64)
