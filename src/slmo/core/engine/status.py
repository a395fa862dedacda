"""The status of an objective, decided by these rules in this order:

1. ``no_data``: nothing was counted in the window (total 0 after service hours and
   maintenance); the other figures are then not meaningful.
2. ``breached``: attainment < target (equivalently, budget left < 0).
3. ``at_risk``: the budget left is below ``at_risk_budget_left`` (0.25: three quarters of
   the budget spent), or the fastest burn rate over the ``projection_windows`` (6h, 1d and
   3d: long enough not to flag a one-minute blip) would exhaust the budget before the
   horizon if it held from now on. The horizon is the end of the period for a calendar
   window and one window length for a rolling one. The projection is
   ``seconds_to_exhaustion`` in ``burnrate``; a rate of 1 or less never projects exhaustion.
4. ``met`` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.engine.burnrate import seconds_to_exhaustion
from slmo.core.model.results import EvaluationStatus

STATUS_CODES: tuple[EvaluationStatus, ...] = (
    EvaluationStatus.MET,
    EvaluationStatus.AT_RISK,
    EvaluationStatus.BREACHED,
    EvaluationStatus.NO_DATA,
)
"""Position in this tuple is the code ``status_codes`` returns."""

MET, AT_RISK, BREACHED, NO_DATA = range(4)


@dataclass(frozen=True, kw_only=True)
class StatusRules:
    """Parameters of rule 3; ``projection_windows`` are burn-rate window labels."""

    at_risk_budget_left: float = 0.25
    projection_windows: tuple[str, ...] = ("6h", "1d", "3d")


def status_codes(
    *,
    total: ArrayLike,
    attainment: ArrayLike,
    target: ArrayLike,
    budget_left: ArrayLike,
    projected_rate: ArrayLike,
    elapsed: ArrayLike,
    horizon: ArrayLike,
    rules: StatusRules,
) -> NDArray[np.int8]:
    """Status of each objective as a code into ``STATUS_CODES``.

    ``projected_rate`` is the burn rate the projection uses (NaN when its windows hold no
    data); ``elapsed`` the seconds of the window behind ``at`` and ``horizon`` the seconds
    ahead that the budget must last.
    """
    no_data = np.asarray(total) <= 0
    a = np.asarray(attainment, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        breached = ~no_data & (a < np.asarray(target, dtype=np.float64))
    left = np.asarray(budget_left, dtype=np.float64)
    runway = seconds_to_exhaustion(left, projected_rate, elapsed)
    risky = (left < rules.at_risk_budget_left) | (runway < np.asarray(horizon, dtype=np.float64))
    codes = np.full(no_data.shape, MET, dtype=np.int8)
    codes[risky] = AT_RISK
    codes[breached] = BREACHED
    codes[no_data] = NO_DATA
    return codes


def status(
    *,
    total: float,
    attainment: float | None,
    target: float,
    budget_left: float,
    projected_rate: float | None = None,
    elapsed: float = 0.0,
    horizon: float = 0.0,
    rules: StatusRules | None = None,
) -> EvaluationStatus:
    """The same rules for one objective, with plain numbers."""
    code = status_codes(
        total=total,
        attainment=np.nan if attainment is None else attainment,
        target=target,
        budget_left=budget_left,
        projected_rate=np.nan if projected_rate is None else projected_rate,
        elapsed=elapsed,
        horizon=horizon,
        rules=rules or StatusRules(),
    )
    return STATUS_CODES[int(code)]
