"""Ticket warnings: a warning is due when a share of a ticket's target has elapsed (50, 75 and
90 % by default, ``AlertRules.elapsed_warnings`` / ``TicketTargets.warnings``).

A level ``s`` is reached when ``elapsed >= floor(s * target)``: the same instant as the
ticket engine's warning deadlines (``tickets.py`` rounds ``s * target`` down to whole
seconds), so a warning computed here and one computed there agree. Elapsed and target are
in the same unit (business or calendar seconds, from the ticket timers). Vectorised over
tickets.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.model.ticket import DEFAULT_WARNINGS


def _levels(target: ArrayLike, shares: Sequence[float]) -> NDArray[np.float64]:
    levels = np.asarray(shares, dtype=np.float64)
    if levels.ndim != 1 or np.any(levels <= 0) or np.any(levels > 1) or np.any(np.diff(levels) <= 0):
        raise ValueError(f"warning shares must rise strictly within (0, 1], got {list(shares)}")
    return np.floor(np.asarray(target, dtype=np.float64)[..., None] * levels)


def elapsed_warning_levels(
    elapsed: ArrayLike, target: ArrayLike, shares: Sequence[float] = DEFAULT_WARNINGS
) -> NDArray[np.int8]:
    """How many warning levels each ticket has reached: 0 (none) to ``len(shares)``. A ticket
    without a positive target has none."""
    due = _levels(target, shares)
    e = np.asarray(elapsed, dtype=np.float64)[..., None]
    has_target = np.asarray(target, dtype=np.float64)[..., None] > 0
    return np.asarray(np.count_nonzero((e >= due) & has_target, axis=-1), dtype=np.int8)


def new_elapsed_warnings(
    before: ArrayLike, after: ArrayLike, target: ArrayLike, shares: Sequence[float] = DEFAULT_WARNINGS
) -> NDArray[np.bool_]:
    """Which levels each ticket crossed between two evaluations (elapsed ``before`` and
    ``after``): ``(n, len(shares))``, True where ``before < floor(s * target) <= after``,
    so a warning is sent once however often the tickets are evaluated."""
    due = _levels(target, shares)
    b = np.asarray(before, dtype=np.float64)[..., None]
    a = np.asarray(after, dtype=np.float64)[..., None]
    has_target = np.asarray(target, dtype=np.float64)[..., None] > 0
    return np.asarray((b < due) & (due <= a) & has_target)
