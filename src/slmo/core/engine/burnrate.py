"""Burn rate: how fast the error budget is being spent, relative to the pace that would spend
exactly all of it by the end of the window.

SRE workbook, chapter 5 "Alerting on SLOs", section "Alert on burn rate":

    burn rate = (bad / total over the alerting window) / (1 - target)

so a burn rate of 1 spends the whole budget exactly at the end of the SLO period, and over
an alerting window ``w`` of a period ``P`` a burn rate ``r`` spends ``r * w / P`` of the
budget. The workbook's table of recommended alerts (30-day period) follows:

    budget consumed   window    burn rate
    2 %               1 hour    14.4
    5 %               6 hours   6
    10 %              3 days    1

The seven windows evaluated for every objective are the workbook's long and short
multiwindow pairs (5m/1h, 30m/6h, 2h/1d, 6h/3d).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.engine.budget import allowance

BURN_WINDOWS: Mapping[str, int] = MappingProxyType(
    {"5m": 300, "30m": 1800, "1h": 3600, "2h": 7200, "6h": 21600, "1d": 86400, "3d": 259200}
)
"""Label to length in seconds of each burn-rate window, shortest first."""

_LABEL = re.compile(r"^(\d+)([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def window_seconds(label: str) -> int:
    """Seconds in a window label such as ``5m``, ``1h``, ``3d``."""
    found = _LABEL.match(label)
    if found is None:
        raise ValueError(f"{label!r} is not a window label like 5m, 1h or 3d")
    return int(found.group(1)) * _UNIT_SECONDS[found.group(2)]


def burn_rate(good: ArrayLike, total: ArrayLike, target: ArrayLike) -> NDArray[np.float64]:
    """``((total - good) / total) / (1 - target)``; NaN where ``total`` is 0."""
    g = np.asarray(good, dtype=np.float64)
    t = np.asarray(total, dtype=np.float64)
    allowed = allowance(target)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(t > 0, (t - g) / np.where(t > 0, t, 1.0) / allowed, np.nan)


def budget_consumed(rate: float, window: float, period: float) -> float:
    """Fraction of a period's budget that ``rate`` sustained over ``window`` spends: ``r * w / P``."""
    return rate * window / period


def rate_for_consumption(consumed: float, window: float, period: float) -> float:
    """The burn rate that spends ``consumed`` of the budget in ``window``: ``c * P / w``."""
    return consumed * period / window


def seconds_to_exhaustion(left: ArrayLike, rate: ArrayLike, elapsed: ArrayLike) -> NDArray[np.float64]:
    """Seconds until the budget is gone if ``rate`` holds from now on (inf when it never is).

    With the budget a share ``1 - target`` of what is counted and traffic steady over time,
    after ``elapsed`` seconds with ``left`` of the budget unspent, burning at ``r`` for
    ``x`` more seconds leaves ``left * elapsed - (r - 1) * x`` (in units of the budget
    accrued per second), which reaches zero at ``x = left * elapsed / (r - 1)``. A rate at
    or below 1 never exhausts a budget that is not already gone.
    """
    left_ = np.asarray(left, dtype=np.float64)
    r = np.asarray(rate, dtype=np.float64)
    e = np.asarray(elapsed, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = np.maximum(left_, 0.0) * e / (r - 1.0)
    return np.where(np.isfinite(r) & (r > 1.0), x, np.where(left_ < 0, 0.0, np.inf))
