"""Objectives: one target over one window, and the windows themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from slmo.core.model.indicator import Operator
from slmo.core.model.text import LocalizedText
from slmo.core.model.ticket import TicketTargets


class BudgetingMethod(StrEnum):
    """The OpenSLO budgeting methods (spec v1, ``budgetingMethod``)."""

    OCCURRENCES = "occurrences"
    TIMESLICES = "timeslices"
    RATIO_TIMESLICES = "ratio_timeslices"


class WindowUnit(StrEnum):
    """Duration units as OpenSLO writes them: m, h, d, w for rolling windows; M, Q, Y for
    calendar months, quarters and years."""

    MINUTE = "m"
    HOUR = "h"
    DAY = "d"
    WEEK = "w"
    MONTH = "M"
    QUARTER = "Q"
    YEAR = "Y"


FIXED_UNIT_SECONDS: Mapping[WindowUnit, int] = {
    WindowUnit.MINUTE: 60,
    WindowUnit.HOUR: 3600,
    WindowUnit.DAY: 86400,
    WindowUnit.WEEK: 7 * 86400,
}


@dataclass(frozen=True, kw_only=True)
class Window:
    """A rolling window (the last N units at every instant) or a calendar window (the current
    week, month, quarter or year in ``time_zone``, optionally anchored at ``start``)."""

    length: int
    unit: WindowUnit
    rolling: bool
    start: dt.datetime | None = None
    time_zone: str | None = None

    @property
    def fixed_seconds(self) -> int | None:
        """Length in seconds when every instance has the same length, else ``None``."""
        seconds = FIXED_UNIT_SECONDS.get(self.unit)
        return None if seconds is None else seconds * self.length

    def __str__(self) -> str:
        kind = "rolling" if self.rolling else "calendar"
        return f"{self.length}{self.unit.value} {kind}"


class MaintenancePolicy(StrEnum):
    """What agreed maintenance (calendar exclusions) counts as."""

    EXCLUDE = "exclude"
    GOOD = "good"


@dataclass(frozen=True, kw_only=True)
class TimeSlice:
    """For the time-slice methods: a slice of ``seconds`` is good when its own ratio (or the
    threshold comparison) reaches ``target``."""

    seconds: int
    target: float | None = None


@dataclass(frozen=True, kw_only=True)
class Objective:
    """One target of an agreement version. ``target`` is a ratio in [0, 1)."""

    name: str
    display_name: LocalizedText
    indicator: str
    target: float
    window: Window
    budgeting: BudgetingMethod = BudgetingMethod.OCCURRENCES
    time_slice: TimeSlice | None = None
    operator: Operator | None = None
    value: float | None = None
    calendar: str | None = None
    maintenance: MaintenancePolicy = MaintenancePolicy.EXCLUDE
    alert_policies: tuple[str, ...] = ()
    description: LocalizedText | None = None
    labels: Mapping[str, Any] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    tickets: TicketTargets | None = None
