"""The predictive alert: the forecast of where the window will end raises the ticket tier
when no burn rate does.

The world of ``tests.alert_support`` with the default policy: 99.9 % of requests over a
rolling 28 days, 10,000 requests a minute from 2026-10-30 with 9 failing (a burn rate of 0.9,
under every workbook factor scaled to 28 days: 0.933 for 3d/6h), and on 2026-11-10 an hour of
8,000 failing: 480,000 failed requests, more than the whole 28 days' budget of
28 * 1,440 * 10,000 * 0.001 = 403,200. On 2026-11-20 that hour is ten days old: no burn
window sees it, but the rolling window that ends with November (2026-11-03 to 2026-12-01,
Riyadh) holds it, so it cannot end above target: the forecast's breach probability is 1.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from slmo.bootstrap import in_memory
from tests.alert_support import catalogue, seed, write_minutes
from tests.api_support import FixedClock

RATE = 10_000
START = dt.datetime(2026, 10, 30, tzinfo=dt.UTC)
BURST = dt.datetime(2026, 11, 10, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def test_the_forecast_raises_the_ticket_tier_when_no_burn_rate_does() -> None:
    clock = FixedClock(NOW)
    with in_memory(clock=clock) as slmo:
        seed(slmo, catalogue(policies=()))
        minutes = int((NOW - START).total_seconds() // 60)
        good = np.full(minutes, RATE - 9, dtype=np.int64)
        burst = int((BURST - START).total_seconds() // 60)
        good[burst : burst + 60] = RATE - 8_000
        write_minutes(slmo, START, good, total=RATE)
        (found,) = slmo.alerts.evaluate(NOW)
        forecast = found.forecast
        assert forecast is not None and forecast.breach_probability == 1.0
        # The window the forecast is about ends with November in Riyadh (UTC+3).
        assert forecast.window_end == dt.datetime(2026, 11, 30, 21, 0, tzinfo=dt.UTC)
        # 21 days and 9 hours of data: the oldest day block (aligned to 09:00) holds 15 hours.
        assert forecast.history_days == 22
        # Every burn rate is 0.9 or less: only the forecast speaks.
        assert max(r for r in found.evaluation.burn_rates.values() if r is not None) < 0.933
        (alert,) = slmo.alerts.alerts(everything=True)
        assert (alert.tier, alert.reasons) == ("ticket", ("breach forecast >= 50%",))


def test_a_forecast_on_under_a_week_of_history_stays_quiet() -> None:
    clock = FixedClock(NOW)
    with in_memory(clock=clock) as slmo:
        seed(slmo, catalogue(policies=()))
        start = NOW - dt.timedelta(days=6)
        minutes = int((NOW - start).total_seconds() // 60)
        good = np.full(minutes, RATE - 9, dtype=np.int64)
        good[60:120] = RATE - 8_000  # the same hour of 480,000 failed, six days ago
        write_minutes(slmo, start, good, total=RATE)
        (found,) = slmo.alerts.evaluate(NOW)
        assert found.forecast is not None and found.forecast.breach_probability == 1.0
        assert found.forecast.history_days == 6
        assert slmo.alerts.alerts(everything=True) == []
