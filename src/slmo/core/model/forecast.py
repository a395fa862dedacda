"""Where an objective's window will end: the forecast made with each evaluation.

Attainments are ratios in [0, 1]; ``window_end`` is the instant the forecast is about (the end
of a calendar window; for a rolling window the end of the calendar month it is read at, see
``core.engine.forecast``). ``None`` figures mean the objective has neither counted anything
in the window yet nor any history to draw the rest from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Interval:
    """A two-sided prediction interval: the truth should lie in ``[low, high]`` with
    probability ``level`` (0.8 or 0.95)."""

    level: float
    low: float
    high: float

    def covers(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True, kw_only=True)
class AttainmentForecast:
    """The end-of-window attainment of one objective as seen at ``at``.

    ``expected`` is the mean of the simulated attainments, ``breach_probability`` the share
    of them below ``target``. ``history_days`` is how many days of the objective's own past
    the simulation drew the rest of the window from and ``remaining_days`` how much of the
    window was still to come; ``known`` is the attainment counted so far in the window the
    forecast is about (``None`` when nothing was).
    """

    at: dt.datetime
    window_start: dt.datetime
    window_end: dt.datetime
    target: float
    expected: float | None
    interval_80: Interval | None
    interval_95: Interval | None
    breach_probability: float | None
    known: float | None
    remaining_days: float
    history_days: int
    draws: int

    @property
    def has_figures(self) -> bool:
        return self.expected is not None
