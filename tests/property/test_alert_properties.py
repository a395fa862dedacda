"""Properties of alert decisions and backtests that hold for any measurements.

- a grid without bad events never fires (burn rate, budget thresholds, at risk);
- multiplying every count by the same power of two changes no decision (only ratios matter;
  a power of two keeps every ratio bit for bit);
- a firing page implies a page condition whose long and short burn rates reach its factor;
- the vectorised history equals the one-instant decision at every instant checked, for
  events and for time slices, rolling and calendar windows, service hours (boolean and
  fractional weights), both maintenance policies and maintenance silence;
- backtest intervals are sorted and disjoint, precision and recall lie in [0, 1].
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slmo.core.engine.alert_history import AlertHistory, alert_history
from slmo.core.engine.alert_policy import SignalKind, default_rules, scaled_factor
from slmo.core.engine.alert_rules import evaluate_alerts
from slmo.core.engine.backtest import ANY_TIER, backtest
from slmo.core.engine.grid import BucketGrid
from slmo.core.model.alerting import AlertRules, AtRiskRule, BudgetThreshold, NoDataRule
from slmo.core.model.objective import BudgetingMethod, MaintenancePolicy, Objective, TimeSlice, Window, WindowUnit
from slmo.core.model.text import LocalizedText

T0 = 1_790_035_200  # 2026-09-22 00:00 UTC, on every bucket and slice boundary used here
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

EVERYTHING = default_rules(
    budget_thresholds=(BudgetThreshold(tier="ticket", below=0.25), BudgetThreshold(tier="page", below=0.1)),
    at_risk=AtRiskRule(tier="ticket", projection_seconds=(3600, 6 * 3600)),
)
WINDOWS = [
    Window(length=1, unit=WindowUnit.DAY, rolling=True),
    Window(length=2, unit=WindowUnit.DAY, rolling=True),
    Window(length=1, unit=WindowUnit.DAY, rolling=False),
]


def objective(
    target: float,
    window: Window,
    method: BudgetingMethod = BudgetingMethod.OCCURRENCES,
    policy: MaintenancePolicy = MaintenancePolicy.EXCLUDE,
) -> Objective:
    slices = None if method is BudgetingMethod.OCCURRENCES else TimeSlice(seconds=300, target=0.95)
    return Objective(
        name="api",
        display_name=LocalizedText.plain("API"),
        indicator="requests",
        target=target,
        window=window,
        budgeting=method,
        time_slice=slices,
        maintenance=policy,
    )


@st.composite
def traffic(draw: st.DrawFn, bucket_seconds: int = 300, days: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Good and total per bucket: steady or patchy traffic with a few bursts of errors."""
    n = days * 86400 // bucket_seconds
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    level = draw(st.integers(1, 200))
    total = rng.poisson(level, n)
    if draw(st.booleans()):
        total[rng.random(n) < 0.2] = 0
    rate = np.full(n, draw(st.sampled_from([0.0, 0.0005, 0.002])))
    for _ in range(draw(st.integers(0, 3))):
        at = int(rng.integers(0, n))
        rate[at : at + int(rng.integers(1, n // 4))] = draw(st.sampled_from([0.01, 0.05, 0.3, 1.0]))
    bad = rng.binomial(total, np.minimum(rate, 1.0))
    return total - bad, total


targets = st.sampled_from([0.9, 0.99, 0.995, 0.999])
windows = st.sampled_from(WINDOWS)


@SETTINGS
@given(traffic(), targets, windows)
def test_no_bad_events_never_fire(counts: tuple[np.ndarray, np.ndarray], target: float, window: Window) -> None:
    _, total = counts
    grid = BucketGrid.of(T0, 300, total, total)
    history = alert_history(objective(target, window), grid, EVERYTHING)
    assert not history.firing.any()


@SETTINGS
@given(traffic(), targets, windows, st.sampled_from([2, 8, 1024]))
def test_scaling_all_counts_changes_no_decision(
    counts: tuple[np.ndarray, np.ndarray], target: float, window: Window, factor: int
) -> None:
    good, total = counts
    o = objective(target, window)
    rules = AlertRules(
        tiers=EVERYTHING.tiers,
        budget_thresholds=EVERYTHING.budget_thresholds,
        at_risk=EVERYTHING.at_risk,
        no_data=NoDataRule(tier="ticket", seconds=1800),
    )
    once = alert_history(o, BucketGrid.of(T0, 300, good, total), rules)
    scaled = alert_history(o, BucketGrid.of(T0, 300, good * factor, total * factor), rules)
    assert np.array_equal(once.active, scaled.active)
    assert np.array_equal(once.firing, scaled.firing)


def _page_conditions_hold(history: AlertHistory, window_seconds: int) -> None:
    page = history.tier("page")
    conditions = [s.condition for s in history.signals if s.tier == "page" and s.kind is SignalKind.BURN_RATE]
    held = np.zeros(page.shape, dtype=bool)
    for c in conditions:
        assert c is not None
        factor = float(scaled_factor(c, window_seconds))
        ok = history.rates[c.long_seconds] >= factor
        if c.short_seconds is not None:
            ok &= history.rates[c.short_seconds] >= factor
        held |= ok
    assert not np.any(page & ~held)


@SETTINGS
@given(traffic(), targets, st.sampled_from(WINDOWS[:2]))
def test_a_page_means_a_page_condition_burns_at_its_factor(
    counts: tuple[np.ndarray, np.ndarray], target: float, window: Window
) -> None:
    good, total = counts
    history = alert_history(objective(target, window), BucketGrid.of(T0, 300, good, total), default_rules())
    assert window.fixed_seconds is not None
    _page_conditions_hold(history, window.fixed_seconds)


@SETTINGS
@given(
    traffic(bucket_seconds=60, days=2),
    targets,
    windows,
    st.sampled_from([BudgetingMethod.OCCURRENCES, BudgetingMethod.TIMESLICES, BudgetingMethod.RATIO_TIMESLICES]),
    st.lists(st.integers(1, 2 * 288), min_size=1, max_size=4),
    st.booleans(),
    st.sampled_from(list(MaintenancePolicy)),
    st.sampled_from(["24x7", "office hours", "weighted"]),
)
def test_history_equals_the_one_instant_decision(
    counts: tuple[np.ndarray, np.ndarray],
    target: float,
    window: Window,
    method: BudgetingMethod,
    slices: list[int],
    maintenance: bool,
    policy: MaintenancePolicy,
    hours: str,
) -> None:
    good, total = counts
    minute = np.arange(good.size) % 1440
    service = None if hours == "24x7" else (minute >= 8 * 60) & (minute < 16 * 60 + 30)
    excluded = None if hours == "24x7" else (minute >= 12 * 60) & (minute < 12 * 60 + 45)
    if hours == "weighted" and service is not None:
        service = np.where(service, 1.0, 0.25)
    grid = BucketGrid.of(T0, 60, good, total, service=service, excluded=excluded)
    o = objective(target, window, method, policy)
    quiet = [(T0 + 6 * 3600, T0 + 9 * 3600)] if maintenance else []
    history = alert_history(o, grid, EVERYTHING, maintenance=quiet)
    # Instants on five-minute boundaries: bucket boundaries for events, slice boundaries for slices.
    for k in slices:
        at = T0 + k * 300
        j = int(np.searchsorted(history.instants, at))
        state = evaluate_alerts(o, grid, at, EVERYTHING, maintenance=quiet)
        assert history.instants[j] == at
        assert history.active[j].tolist() == state.active[0].tolist(), at
        assert history.firing[j].tolist() == state.firing[0].tolist(), at
        assert history.total[j] == state.evaluation.total[0]
        assert np.isclose(history.budget_left[j], state.evaluation.budget_left[0], rtol=1e-12, atol=1e-12)


@SETTINGS
@given(traffic(), targets, windows)
def test_backtest_intervals_and_rates_are_well_formed(
    counts: tuple[np.ndarray, np.ndarray], target: float, window: Window
) -> None:
    good, total = counts
    history = alert_history(objective(target, window), BucketGrid.of(T0, 300, good, total), EVERYTHING)
    for result in backtest(history).values():
        for intervals in (result.alerts, result.breaches):
            assert np.all(intervals.ends > intervals.starts)
            assert np.all(intervals.starts[1:] > intervals.ends[:-1])
        for figure in (result.precision, result.recall):
            assert figure is None or 0.0 <= figure <= 1.0
        assert result.false_alarms + int(result.true_alarm.sum()) == len(result.alerts)
    # Every instant some tier fires lies in an alert of all tiers together.
    every = backtest(history)[ANY_TIER].alerts
    assert sum(int(e - s) for s, e in every.pairs()) == int(history.any_tier.sum()) * history.step
