"""Downtime in a period, with agreed maintenance shown apart (``docs/formulas.md`` section 11).

Intervals are ``[start, end)`` epoch seconds. Overlapping incidents count once (their union),
clipped to the period; the part of that union inside agreed maintenance (the calendar's
exclusions) is reported apart and does not count as downtime:

    counted = |outages| - |outages ∩ maintenance|,  |A ∩ B| = |A| + |B| - |A ∪ B|
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.engine.coverage import merge
from slmo.core.engine.windows import Span


@dataclass(frozen=True)
class Downtime:
    """Seconds in the period: ``total`` the union of the outages, ``in_maintenance`` the part
    of it inside agreed maintenance, ``counted`` the rest."""

    total: int
    in_maintenance: int

    @property
    def counted(self) -> int:
        return self.total - self.in_maintenance


def clip(starts: ArrayLike, ends: ArrayLike, span: Span) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The intervals cut to ``span`` (empty ones dropped by ``merge`` later)."""
    s = np.clip(np.asarray(starts, dtype=np.int64), span.start, span.end)
    e = np.clip(np.asarray(ends, dtype=np.int64), span.start, span.end)
    return s, e


def covered(starts: ArrayLike, ends: ArrayLike) -> int:
    """Seconds covered by the union of the intervals."""
    s, e = merge(starts, ends)
    return int((e - s).sum())


def downtime(
    starts: ArrayLike, ends: ArrayLike, maintenance_starts: ArrayLike, maintenance_ends: ArrayLike, span: Span
) -> Downtime:
    """Outage time in ``span``, and the part of it inside maintenance."""
    s, e = clip(starts, ends, span)
    ms, me = clip(maintenance_starts, maintenance_ends, span)
    outages = covered(s, e)
    maintenance = covered(ms, me)
    both = covered(np.concatenate([s, ms]), np.concatenate([e, me]))
    return Downtime(total=outages, in_maintenance=outages + maintenance - both)
