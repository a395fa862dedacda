"""The demand rules and the rolling-origin backtest, worked by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from slmo.core.engine.demand_backtest import backtest_demand, rolling_origins
from slmo.core.engine.demand_rules import demand_proposal, recent_weeks
from slmo.core.model.demand import (
    DAY,
    HOUR,
    DemandForecast,
    DemandHistory,
    DemandMethod,
    DemandStep,
    DemandUnit,
    ProposalDirection,
)
from slmo.core.model.forecast import Interval

START = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


def step(expected: float, low: float, high: float, at: dt.datetime = START) -> DemandStep:
    return DemandStep(
        start=at,
        expected=expected,
        interval_80=Interval(level=0.8, low=low, high=high),
        interval_95=Interval(level=0.95, low=low - 10, high=high + 10),
    )


def week(total: DemandStep, unit: DemandUnit = DemandUnit.TICKETS, step_seconds: int = DAY) -> DemandForecast:
    return DemandForecast(
        series="desk",
        unit=unit,
        step_seconds=step_seconds,
        made_at=START,
        method=DemandMethod.MODEL,
        seasons=(7,),
        history_steps=28,
        steps=tuple(step(total.expected / 7, 0, 1e9) for _ in range(7)),
        total=total,
        total_steps=7,
    )


# Four weeks of 10 a day, the last of them 20 a day: weekly totals 70, 70, 70, 140.
DAILY = np.array([10.0] * 21 + [20.0] * 7)


def test_recent_weeks_are_whole_weeks_back_from_the_end() -> None:
    assert recent_weeks(DAILY).tolist() == [70, 70, 70, 140]
    # 30 days: the first two days are not part of a whole week.
    assert recent_weeks(np.concatenate([[99.0, 99.0], DAILY])).tolist() == [70, 70, 70, 140]
    # A week with a gap is left out; fewer than a week gives nothing.
    gappy = DAILY.copy()
    gappy[3] = np.nan
    assert recent_weeks(gappy).tolist() == [70, 70, 140]
    assert recent_weeks(np.ones(6)).size == 0


def test_a_rise_beyond_the_margin_and_the_interval_proposes_staffing() -> None:
    # Recent mean (70 + 70 + 70 + 140) / 4 = 87.5; 120 expected is 37.1 % above it, and the
    # 80 % interval 100-140 lies wholly above 87.5.
    found = demand_proposal("portal", week(step(120, 100, 140)), DAILY)
    assert found is not None
    assert found.direction is ProposalDirection.RISE
    assert found.key == "demand.proposal.tickets.rise"
    assert found.recent == 87.5 and found.peak == 140 and found.weeks == 4
    assert found.change == pytest.approx(120 / 87.5 - 1)
    assert found.args["low"] == 100 and found.args["high"] == 140 and found.args["service"] == "portal"


def test_a_rise_within_the_forecasts_own_uncertainty_proposes_nothing() -> None:
    # 120 expected but the interval reaches down to 80, below the recent 87.5.
    assert demand_proposal("portal", week(step(120, 80, 160)), DAILY) is None
    # 95 is only 8.6 % above: under the 15 % margin even with a tight interval.
    assert demand_proposal("portal", week(step(95, 90, 100)), DAILY) is None


def test_a_fall_proposes_releasing_capacity() -> None:
    found = demand_proposal("api", week(step(60, 50, 70), unit=DemandUnit.EVENTS), DAILY)
    assert found is not None
    assert found.direction is ProposalDirection.FALL and found.key == "demand.proposal.events.fall"
    assert found.change == pytest.approx(60 / 87.5 - 1)


def test_no_proposal_without_two_weeks_a_week_total_or_days() -> None:
    assert demand_proposal("portal", week(step(500, 400, 600)), DAILY[-13:]) is None
    hourly = week(step(500, 400, 600), step_seconds=HOUR)
    assert demand_proposal("portal", hourly, DAILY) is None
    assert demand_proposal("portal", week(step(500, 400, 600)), np.zeros(28)) is None


def _naive_forecaster(width: float) -> object:
    def forecast(history: DemandHistory, horizon: int) -> DemandForecast:
        last = history.values[-7:]
        steps = tuple(
            step(float(last[i % 7]), float(last[i % 7]) - width, float(last[i % 7]) + width) for i in range(horizon)
        )
        return DemandForecast(
            series=history.series,
            unit=history.unit,
            step_seconds=history.step_seconds,
            made_at=history.end,
            method=DemandMethod.SEASONAL_NAIVE if len(history) < 14 else DemandMethod.MODEL,
            seasons=(7,),
            history_steps=len(history),
            steps=steps,
        )

    return forecast


def test_the_backtest_judges_what_came_after_each_origin() -> None:
    # 0, 1, 2 ... 20: the value one week earlier is always 7 short.
    values = np.arange(21, dtype=np.float64)
    history = DemandHistory(series="x", unit=DemandUnit.EVENTS, step_seconds=DAY, start=START, values=values)
    forecast = _naive_forecaster(7)
    result = backtest_demand(history, forecast, [7, 14], horizon=7, season=7)  # type: ignore[arg-type]
    # Origin 7 judges steps 7..13, origin 14 steps 14..20: 14 steps, each 7 off, each on the edge
    # of the 80 % interval (inside, both ends count) and inside the 95 %.
    assert result.steps == 14
    assert result.mae == 7 and result.naive_mae == 7 and result.error_ratio == 1.0
    assert result.coverage_80 == 1.0 and result.coverage_95 == 1.0
    assert result.fallbacks == 1 and result.origins == (7, 14)
    narrow = backtest_demand(history, _naive_forecaster(6.5), [7, 14], horizon=7, season=7)  # type: ignore[arg-type]
    assert narrow.coverage_80 == 0.0 and narrow.coverage_95 == 1.0


def test_the_backtest_cuts_the_last_horizon_at_the_end_and_leaves_gaps_out() -> None:
    values = np.arange(21, dtype=np.float64)
    values[16] = np.nan
    history = DemandHistory(series="x", unit=DemandUnit.EVENTS, step_seconds=DAY, start=START, values=values)
    result = backtest_demand(history, _naive_forecaster(7), [17], horizon=7, season=7)  # type: ignore[arg-type]
    # Steps 17..20 only: the series ends there. From origin 14, the gap on step 16 is left out.
    assert result.steps == 4
    gap = backtest_demand(history, _naive_forecaster(7), [14], horizon=7, season=7)  # type: ignore[arg-type]
    assert gap.steps == 6


def test_rolling_origins_are_spread_evenly() -> None:
    assert rolling_origins(100, 35, 7, 4) == [35, 54, 74, 93]
    assert rolling_origins(40, 35, 7, 4) == []
    assert rolling_origins(100, 35, 7, 1) == [93]
    assert rolling_origins(40, 30, 7, 10) == [30, 31, 32, 33]
