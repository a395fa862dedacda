"""Backtests: alert intervals from firing states, matched against breaches by the rules of
docs/alerting.md, with hand-computed detection and reset times, precision and recall."""

from __future__ import annotations

import math

import numpy as np

from slmo.core.engine.alert_history import alert_history
from slmo.core.engine.alert_policy import default_rules
from slmo.core.engine.backtest import ANY_TIER, Intervals, backtest, firing_intervals, match_alerts
from slmo.core.engine.grid import BucketGrid
from slmo.core.model.objective import Objective, Window, WindowUnit
from slmo.core.model.text import LocalizedText


def test_runs_become_half_open_intervals() -> None:
    instants = np.arange(0, 100, 10)
    firing = [False, True, True, False, False, True, False, False, True, True]
    found = firing_intervals(instants, firing, 10)
    # [10, 20] -> [10, 30); [50] -> [50, 60); [80, 90] -> [80, 100), still firing at the end.
    assert found.pairs() == [(10, 30), (50, 60), (80, 100)]
    assert found.open_end
    assert not firing_intervals(instants, [False] * 10, 10).open_end
    assert len(firing_intervals(instants, [False] * 10, 10)) == 0


def test_labelled_windows_merge() -> None:
    assert Intervals.of([(50, 60), (0, 10), (5, 20), (20, 30)]).pairs() == [(0, 30), (50, 60)]


def test_detection_reset_precision_and_recall() -> None:
    breaches = Intervals.of([(100, 200), (500, 600), (900, 1000)])
    # Alert 1 starts 30 s into breach 1 and ends 50 s after it; alert 2 is a false alarm;
    # alerts 3 and 4 both fall in breach 2 (first at 510, last ending at 580); breach 3 is missed.
    alerts = Intervals.of([(130, 250), (300, 320), (510, 530), (560, 580)])
    result = match_alerts(alerts, breaches)
    assert result.true_alarm.tolist() == [True, False, True, True]
    assert result.detected.tolist() == [True, True, False]
    assert result.detection_seconds[:2].tolist() == [30, 10]
    assert result.reset_seconds[:2].tolist() == [50, -20]
    assert math.isnan(result.detection_seconds[2]) and math.isnan(result.reset_seconds[2])
    assert (result.precision, result.recall, result.false_alarms) == (0.75, 2 / 3, 1)
    assert result.mean_detection_seconds == 20
    assert result.mean_reset_seconds == 15


def test_lead_and_grace_widen_the_breaches() -> None:
    breaches = Intervals.of([(100, 200)])
    early = Intervals.of([(60, 90)])  # ends 10 s before the breach
    late = Intervals.of([(230, 260)])  # starts 30 s after it
    assert match_alerts(early, breaches).recall == 0.0
    found = match_alerts(early, breaches, lead=20)
    assert (found.recall, found.detection_seconds.tolist()) == (1.0, [-40])
    assert match_alerts(late, breaches, grace=30).recall == 0.0  # [100, 230) does not reach 230
    assert match_alerts(late, breaches, grace=31).precision == 1.0


def test_an_open_alert_has_no_reset_time() -> None:
    alerts = firing_intervals(np.arange(0, 50, 10), [False, False, True, True, True], 10)
    result = match_alerts(alerts, Intervals.of([(15, 40)]))
    assert result.detection_seconds.tolist() == [5]
    assert math.isnan(result.reset_seconds[0])


def test_nothing_to_match() -> None:
    empty = Intervals.of([])
    result = match_alerts(empty, empty)
    assert (result.precision, result.recall, result.mean_detection_seconds) == (None, None, None)
    missed = match_alerts(empty, Intervals.of([(0, 10)]))
    assert (missed.precision, missed.recall) == (None, 0.0)


def test_backtest_against_the_windows_below_target() -> None:
    """99 % over a rolling day of one-minute buckets, 100 events a minute: the budget is
    1,440 bad events. 50 bad a minute in minutes [1500, 1560) (burn 50): the day is below
    target while more than 1,440 bad events are in it, that is at least 29 bad minutes
    (29 x 50 = 1,450). At instant j (minutes) the day holds minutes [j - 1440, j): 29 bad
    ones from j = 1529, and until 1560 - (j - 1440) drops to 28 at j = 2972. The page
    (1h/5m at 14.4 x 1 / 30 = 0.48, scaled to one day) fires before that."""
    minutes = 4 * 1440
    total = np.full(minutes, 100)
    bad = np.zeros(minutes, dtype=np.int64)
    bad[1500:1560] = 50
    grid = BucketGrid.of(0, 60, total - bad, total)
    day = Objective(
        name="api",
        display_name=LocalizedText.plain("API"),
        indicator="requests",
        target=0.99,
        window=Window(length=1, unit=WindowUnit.DAY, rolling=True),
    )
    history = alert_history(day, grid, default_rules())
    results = backtest(history)
    [(b_start, b_end)] = results[ANY_TIER].breaches.pairs()
    assert (b_start // 60, b_end // 60) == (1529, 2972)
    page = results["page"]
    assert page.recall == 1.0 and page.precision == 1.0
    # 1h/5m at 0.48: the hour's rate 50 k / 60 > 0.48 at k = 1, the five minutes 50 / 5 = 10:
    # the page starts at minute 1,501, 28 minutes before the breach.
    assert page.detection_seconds.tolist() == [-28 * 60]
    assert page.alerts.pairs()[0][0] // 60 == 1501
