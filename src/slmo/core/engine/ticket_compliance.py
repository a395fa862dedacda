"""Compliance of ticket objectives per period: volume, share in time, times and breaches.

A ticket counts in the period in which its verdict became final: the instant of its breach
if it was breached (whether or not it is resolved yet), else the instant its clock stopped.
Tickets still running and not breached are not counted yet, and no ticket counts twice.
Times are the elapsed seconds on the objective's clock (business seconds for the business
and day units, real seconds for calendar), up to the stop or the breach's period end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from slmo.core.engine.tickets import MISSING, TicketTimers


@dataclass(frozen=True)
class Compliance:
    volume: int
    in_time: int
    breaches: int
    compliance: float | None
    mean: float | None
    median: float | None
    p90: float | None


def decided_in(timers: TicketTimers, start: int, end: int) -> NDArray[np.bool_]:
    """Tickets whose verdict became final in ``[start, end)``."""
    d = timers.decided
    found: NDArray[np.bool_] = timers.counted & (d != MISSING) & (d >= start) & (d < end)
    return found


def compliance(timers: TicketTimers, selected: NDArray[np.bool_]) -> Compliance:
    """Figures over the selected tickets (e.g. ``decided_in(...) & (priority == k)``)."""
    volume = int(selected.sum())
    if volume == 0:
        return Compliance(0, 0, 0, None, None, None, None)
    breaches = int((timers.breached & selected).sum())
    times = timers.elapsed[selected].astype(np.float64)
    return Compliance(
        volume=volume,
        in_time=volume - breaches,
        breaches=breaches,
        compliance=(volume - breaches) / volume,
        mean=float(times.mean()),
        median=float(np.median(times)),
        p90=float(np.percentile(times, 90)),
    )
