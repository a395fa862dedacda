"""Units of a ticket target, and one entry for deadlines and elapsed time in any of them.

Units are explicit (shared/sla-clock-cases.md, case 18: "1 day" means three different
things in three tools):

- ``business``: seconds of working time (ServiceNow's 24 business hours: Mon 10:00 + 24 h
  on std = Thu 10:00);
- ``business-days``: the same clock time on the N-th working day (GLPI day mode: Tue 10:00);
- ``end-of-day``: the end of the N-th working day (GLPI end-of-working-day: Tue 17:00);
- ``calendar``: 24x7 real seconds, daylight saving counted as it really is (cases 6 and 7).

Pauses push every deadline. For ``business`` and ``calendar`` a pause counts when it begins
before the target is reached (``BusinessClock.deadline_with_pauses``). For the day units,
the deadline is first found by days, then pushed by the business seconds of the pauses
between the start and that deadline, as GLPI adds its waiting time to a day-mode deadline.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.engine.clock import BusinessClock
from slmo.core.engine.clock_days import WorkingDays
from slmo.core.engine.clock_pauses import Pauses, instants
from slmo.core.engine.windows import zone

Seconds = NDArray[np.int64]


class ClockUnit(StrEnum):
    """How a target is counted; the values are the CLI's ``--unit`` words."""

    BUSINESS = "business"
    BUSINESS_DAYS = "business-days"
    END_OF_DAY = "end-of-day"
    CALENDAR = "calendar"

    @property
    def counts_days(self) -> bool:
        return self in (ClockUnit.BUSINESS_DAYS, ClockUnit.END_OF_DAY)


def deadlines(
    unit: ClockUnit,
    t0: ArrayLike,
    target: ArrayLike,
    *,
    clock: BusinessClock,
    days: WorkingDays | None = None,
    pauses: Pauses | None = None,
) -> Seconds:
    """The deadline of each ticket started at ``t0`` with ``target``: seconds for
    ``business`` and ``calendar``, a whole number of working days for the day units
    (which need ``days``)."""
    paused = pauses if pauses is not None else Pauses.none()
    if unit is ClockUnit.BUSINESS:
        return clock.deadline_with_pauses(t0, target, paused)
    if unit is ClockUnit.CALENDAR:
        return BusinessClock.always_open(clock.span).deadline_with_pauses(t0, target, paused)
    if days is None:
        raise ValueError(f"a target in {unit.value} needs the calendar's working days")
    start = instants(t0)
    by_days = days.after(start, target) if unit is ClockUnit.BUSINESS_DAYS else days.end_of(start, target)
    if len(paused) == 0:
        return by_days
    # A day deadline is never before its start; the pauses that push it are those between.
    waited = clock.elapsed(start, by_days) - clock.elapsed_with_pauses(start, by_days, paused)
    return clock.deadline(by_days, waited)


def elapsed(
    unit: ClockUnit,
    t0: ArrayLike,
    t1: ArrayLike,
    *,
    clock: BusinessClock,
    pauses: Pauses | None = None,
) -> Seconds:
    """Elapsed seconds less pauses: real seconds for ``calendar``, business seconds for the
    others (a day-unit target is met or not by its deadline instant; its elapsed time is
    still reported in business seconds)."""
    paused = pauses if pauses is not None else Pauses.none()
    counting = BusinessClock.always_open(clock.span) if unit is ClockUnit.CALENDAR else clock
    return counting.elapsed_with_pauses(t0, t1, paused)


def iso_instant(at: int, time_zone: str = "UTC") -> str:
    """An instant as ISO 8601 with the zone's offset, e.g. ``2025-01-15T11:30:00+00:00``:
    what ``slmo clock deadline --json`` prints."""
    return dt.datetime.fromtimestamp(int(at), zone(time_zone)).isoformat()
