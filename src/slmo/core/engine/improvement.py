"""Attainment before and after an improvement action: which two spans are compared.

Rule (``docs/architecture.md``, "Reviews and improvement"): the two spans have the same
length and meet at the instant the action was done. That length is the objective's window
(a rolling window's own length; a calendar window's nominal length: a week 7 days, a month
30, a quarter 91, a year 365), cut to the time since the action was done while less has
passed, in whole minutes. Before is ``[done - L, done)``, after ``[done, done + L)``; each
is evaluated as a rolling window of ``L`` ending at its end, so both count the same way.
Less than a minute after the action there is nothing to compare.
"""

from __future__ import annotations

from slmo.core.engine.windows import Span
from slmo.core.model.objective import Window, WindowUnit

NOMINAL_DAYS = {WindowUnit.WEEK: 7, WindowUnit.MONTH: 30, WindowUnit.QUARTER: 91, WindowUnit.YEAR: 365}
MINUTE = 60


def nominal_seconds(window: Window) -> int:
    """The window's length in seconds, a calendar unit taken at its nominal number of days."""
    fixed = window.fixed_seconds
    if fixed is not None:
        return fixed
    return window.length * NOMINAL_DAYS[window.unit] * 86400


def comparison_spans(done: int, now: int, window: Window) -> tuple[Span, Span] | None:
    """The spans before and after an action done at ``done`` (epoch seconds), seen at ``now``;
    ``None`` while less than a minute has passed."""
    length = min(nominal_seconds(window), now - done) // MINUTE * MINUTE
    if length < MINUTE:
        return None
    return Span(done - length, done), Span(done, done + length)
