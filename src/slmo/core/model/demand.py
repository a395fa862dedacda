"""Demand: how many events a service will serve and how many tickets its users will open, per
coming hour or day, and what to change before it hurts.

A :class:`DemandHistory` is what was counted per step (an hour or a day) up to an instant; a
:class:`DemandForecast` is the next steps' expected counts with 80 and 95 % prediction
intervals (``Interval`` of ``core.model.forecast``), made by a ``DemandForecaster``
(``core.ports``). Counts are never negative. ``docs/formulas.md`` section "Demand forecasts"
has the method and its measured accuracy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from slmo.core.model.forecast import Interval

HOUR = 3_600
DAY = 86_400


class DemandUnit(StrEnum):
    """What is counted: events measured by the service's ratio indicators, or tickets opened."""

    EVENTS = "events"
    TICKETS = "tickets"


class DemandMethod(StrEnum):
    """How a forecast was made. ``MODEL``: a seasonal decomposition with a damped-trend model of
    the rest, intervals from the method's own past errors; ``SEASONAL_NAIVE``: the last season
    repeated, for a history too short for the model (``DemandForecast.note`` says so)."""

    MODEL = "model"
    SEASONAL_NAIVE = "seasonal-naive"


@dataclass(frozen=True, eq=False, kw_only=True)
class DemandHistory:
    """Counts per step over ``[start, start + len(values) * step_seconds)``; NaN where nothing
    was recorded (a gap, unlike a step that counted 0)."""

    series: str
    unit: DemandUnit
    step_seconds: int
    start: dt.datetime
    values: NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.values.shape[0])

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self.step_seconds * len(self))

    def before(self, steps: int) -> DemandHistory:
        """The first ``steps`` steps: what was known at the start of step ``steps``."""
        return DemandHistory(
            series=self.series,
            unit=self.unit,
            step_seconds=self.step_seconds,
            start=self.start,
            values=self.values[:steps],
        )


@dataclass(frozen=True, kw_only=True)
class DemandStep:
    """One coming step: its start, the expected count and the intervals around it."""

    start: dt.datetime
    expected: float
    interval_80: Interval
    interval_95: Interval


@dataclass(frozen=True, kw_only=True)
class DemandForecast:
    """The next steps of one series. ``total`` is the expected sum over the first
    ``total_steps`` steps (a week of days, a day of hours) with its own intervals, which are
    not the sums of the steps' bounds. ``seasons`` are the seasonal periods in steps (7 for
    days; 24 and 168 for hours); ``history_steps`` how many steps the forecast was made from;
    ``note`` an i18n key saying why the method is the fallback, or ``None``."""

    series: str
    unit: DemandUnit
    step_seconds: int
    made_at: dt.datetime
    method: DemandMethod
    seasons: tuple[int, ...]
    history_steps: int
    steps: tuple[DemandStep, ...]
    total: DemandStep | None = None
    total_steps: int = 0
    note: str | None = None

    @property
    def expected(self) -> NDArray[np.float64]:
        return np.array([s.expected for s in self.steps], dtype=np.float64)

    def bounds(self, level: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Low and high bounds per step at ``level`` (0.8 or 0.95)."""
        if level not in (0.8, 0.95):
            raise ValueError(f"intervals are kept at 0.8 and 0.95, not {level}")
        chosen = [s.interval_80 if level == 0.8 else s.interval_95 for s in self.steps]
        return (
            np.array([i.low for i in chosen], dtype=np.float64),
            np.array([i.high for i in chosen], dtype=np.float64),
        )


class ProposalDirection(StrEnum):
    RISE = "rise"
    FALL = "fall"


@dataclass(frozen=True, kw_only=True)
class DemandProposal:
    """A capacity or staffing change suggested by a forecast: the coming week's expected total
    against the recent weekly level. ``key`` is the i18n key of the sentence, ``args`` its
    arguments (numbers unrounded; the entry points format them)."""

    service: str
    unit: DemandUnit
    direction: ProposalDirection
    key: str
    expected: float
    low_80: float
    high_80: float
    recent: float
    peak: float
    change: float
    weeks: int

    @property
    def args(self) -> dict[str, object]:
        return {
            "service": self.service,
            "expected": self.expected,
            "low": self.low_80,
            "high": self.high_80,
            "recent": self.recent,
            "peak": self.peak,
            "change": self.change,
            "weeks": self.weeks,
        }


@dataclass(frozen=True, kw_only=True)
class ServiceDemand:
    """A service's demand as seen at ``at``: events per day and per hour (``None`` when no ratio
    indicator measures it), tickets opened per day (``None`` when no ticket indicator does),
    and the changes they suggest."""

    service: str
    at: dt.datetime
    events_daily: DemandForecast | None
    events_hourly: DemandForecast | None
    tickets_daily: DemandForecast | None
    proposals: tuple[DemandProposal, ...]
