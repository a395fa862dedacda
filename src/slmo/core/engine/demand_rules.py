"""When a demand forecast should change capacity or staffing (``docs/formulas.md``, "Demand
forecasts").

The coming week's expected total is compared with the recent weekly level: the mean of the
last ``RECENT_WEEKS`` whole weeks before the forecast (two at least; weeks with a gap are left
out). A rise of ``MARGIN`` or more whose 80 % interval lies wholly above that level proposes
more capacity (events) or staffing (tickets); a fall of ``MARGIN`` or more whose 80 % interval
lies wholly below it proposes releasing some. Requiring the interval, not only the expected
total, keeps noise from proposing changes: the change must be larger than the forecast's own
uncertainty. The peak week is reported beside the mean, so a reader sees whether the rise
also passes anything seen recently.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.model.demand import DAY, DemandForecast, DemandProposal, ProposalDirection

MARGIN = 0.15
RECENT_WEEKS = 4
MIN_WEEKS = 2
WEEK = 7


def recent_weeks(daily: ArrayLike, weeks: int = RECENT_WEEKS) -> NDArray[np.float64]:
    """The totals of the last ``weeks`` whole weeks of ``daily`` counts (ending with its last
    day), oldest first; a week with a missing day (NaN) is left out."""
    values = np.asarray(daily, dtype=np.float64)
    whole = min(weeks, values.shape[0] // WEEK)
    if whole == 0:
        return np.zeros(0)
    blocks = values[values.shape[0] - whole * WEEK :].reshape(whole, WEEK)
    complete = np.isfinite(blocks).all(axis=1)
    found: NDArray[np.float64] = blocks[complete].sum(axis=1)
    return found


def demand_proposal(
    service: str, forecast: DemandForecast, daily: ArrayLike, *, margin: float = MARGIN
) -> DemandProposal | None:
    """The change ``forecast`` (days, with a week's total) suggests against the ``daily`` counts
    before it, or ``None`` when it suggests none or there is too little to compare with."""
    if forecast.step_seconds != DAY or forecast.total is None or forecast.total_steps != WEEK:
        return None
    weeks = recent_weeks(daily)
    if weeks.shape[0] < MIN_WEEKS:
        return None
    recent = float(weeks.mean())
    if recent <= 0:
        return None
    total = forecast.total
    change = total.expected / recent - 1
    if change >= margin and total.interval_80.low > recent:
        direction = ProposalDirection.RISE
    elif change <= -margin and total.interval_80.high < recent:
        direction = ProposalDirection.FALL
    else:
        return None
    return DemandProposal(
        service=service,
        unit=forecast.unit,
        direction=direction,
        key=f"demand.proposal.{forecast.unit.value}.{direction.value}",
        expected=total.expected,
        low_80=total.interval_80.low,
        high_80=total.interval_80.high,
        recent=recent,
        peak=float(weeks.max()),
        change=change,
        weeks=int(weeks.shape[0]),
    )
