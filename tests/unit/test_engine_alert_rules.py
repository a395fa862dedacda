"""When each tier fires and resets, hand-computed on small grids of one-minute buckets.

Unless said otherwise: 10,000 events a minute, target 99.9 % (10 bad events a minute is burn
rate 1), a 30-day rolling window, the workbook's default policy, and a step of bad events
starting at minute ``B`` (31 days into the grid, so the window is full). ``at(m)`` is the
instant ``m`` minutes after ``B``. Burn rates and thresholds are chosen away from ties: the
rules compare with ``>``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from slmo.core.engine.alert_history import alert_history
from slmo.core.engine.alert_policy import default_rules, policy_windows
from slmo.core.engine.alert_rules import decide_alerts, evaluate_alerts, in_intervals
from slmo.core.engine.backtest import firing_intervals
from slmo.core.engine.evaluation import evaluate_group
from slmo.core.engine.grid import BucketGrid
from slmo.core.engine.status import status
from slmo.core.model.alerting import AlertRules, AlertTier, AtRiskRule, BudgetThreshold, ForecastRule, NoDataRule
from slmo.core.model.objective import BudgetingMethod, Objective, TimeSlice, Window, WindowUnit
from slmo.core.model.text import LocalizedText

T0 = 1_790_000_040
B = 31 * 1440
PER_MINUTE = 10_000


def objective(days: int = 30, *, target: float = 0.999, window: Window | None = None) -> Objective:
    return Objective(
        name="checkout",
        display_name=LocalizedText.plain("Checkout"),
        indicator="requests",
        target=target,
        window=window or Window(length=days, unit=WindowUnit.DAY, rolling=True),
    )


def grid(bad: np.ndarray, per_minute: int = PER_MINUTE, start: int = T0) -> BucketGrid:
    total = np.full(bad.size, per_minute, dtype=np.int64)
    return BucketGrid.of(start, 60, total - bad, total)


def step(minutes: int, per_minute: int, days: int = 34) -> np.ndarray:
    bad = np.zeros(days * 1440, dtype=np.int64)
    bad[B : B + minutes] = per_minute
    return bad


def at(minute: int) -> int:
    return T0 + (B + minute) * 60


def fires(o: Objective, g: BucketGrid, minute: int, rules: AlertRules | None = None) -> tuple[str, ...]:
    return evaluate_alerts(o, g, at(minute), rules or default_rules()).firing_tiers()


def intervals(o: Objective, g: BucketGrid, tier: str, rules: AlertRules | None = None) -> list[tuple[int, int]]:
    """A tier's alerts in minutes after B."""
    h = alert_history(o, g, rules or default_rules())
    found = firing_intervals(h.instants, h.tier(tier), h.step)
    return [((s - T0) // 60 - B, (e - T0) // 60 - B) for s, e in found.pairs()]


# -- Burn rate: page ------------------------------------------------------------------------
# 170 bad a minute (burn 17) for 180 minutes.
# Page, 1h/5m at 14.4: the hour holds k bad minutes, 17 k / 60 > 14.4 from k = 51; the five
# minutes are all bad by then. After the end E = 180 the five-minute rate is 17 * 4 / 5 = 13.6
# at E + 1: the quick condition resets.
# Page, 6h/30m at 6: 17 k / 360 > 6 from k = 128; after E the 30-minute window holds
# 30 - (t - E) bad minutes, 17 * 11 / 30 = 6.23 at E + 19, 17 * 10 / 30 = 5.67 at E + 20.
# Ticket, 1d at 3: 17 * 180 / 1440 = 2.1; 3d at 1: 17 * 180 / 4320 = 0.71: never.
PAGE_STEP = step(180, 170)


@pytest.mark.parametrize(
    ("minute", "tiers"),
    [(50, ()), (51, ("page",)), (180, ("page",)), (181, ("page",)), (199, ("page",)), (200, ())],
)
def test_page_fires_and_resets_at_the_hand_computed_minutes(minute: int, tiers: tuple[str, ...]) -> None:
    assert fires(objective(), grid(PAGE_STEP), minute) == tiers


def test_page_history_is_one_alert_and_no_ticket() -> None:
    g = grid(PAGE_STEP)
    assert intervals(objective(), g, "page") == [(51, 200)]
    assert intervals(objective(), g, "ticket") == []


def test_which_condition_holds_the_page() -> None:
    g = grid(PAGE_STEP)
    assert [s.name for s in evaluate_alerts(objective(), g, at(60), default_rules()).reasons()] == ["burn 1h/5m"]
    assert [s.name for s in evaluate_alerts(objective(), g, at(150), default_rules()).reasons()] == [
        "burn 1h/5m",
        "burn 6h/30m",
    ]
    assert [s.name for s in evaluate_alerts(objective(), g, at(190), default_rules()).reasons()] == ["burn 6h/30m"]


def test_a_28_day_window_pages_at_sloths_lower_factors() -> None:
    # 13.44: 17 k / 60 > 13.44 from k = 48. 5.6: after E, 17 * 10 / 30 = 5.67 > 5.6 at E + 20,
    # 17 * 9 / 30 = 5.1 at E + 21.
    assert intervals(objective(28), grid(PAGE_STEP), "page") == [(48, 201)]


# -- Burn rate: ticket ----------------------------------------------------------------------
# 35 bad a minute (burn 3.5) for two days (E = 2880).
# Ticket, 1d/2h at 3: 3.5 k / 1440 > 3 from k = 1235; 3d/6h at 1: 3.5 k / 4320 > 1 from
# k = 1235 too (both are 10 % of the budget). After E the 2-hour window holds 120 - (t - E)
# bad minutes, above 3 while 3.5 k / 120 > 3, k >= 103, up to E + 17; the 6-hour window
# 360 - (t - E), above 1 while k >= 103, up to E + 257. Page: 3.5 < 6, never.
TICKET_STEP = step(2880, 35)


@pytest.mark.parametrize(
    ("minute", "tiers"),
    [(1234, ()), (1235, ("ticket",)), (2880 + 17, ("ticket",)), (2880 + 257, ("ticket",)), (2880 + 258, ())],
)
def test_ticket_fires_and_resets_at_the_hand_computed_minutes(minute: int, tiers: tuple[str, ...]) -> None:
    assert fires(objective(), grid(TICKET_STEP), minute) == tiers


def test_ticket_history() -> None:
    g = grid(TICKET_STEP)
    assert intervals(objective(), g, "ticket") == [(1235, 2880 + 258)]
    assert intervals(objective(), g, "page") == []
    reasons = evaluate_alerts(objective(), g, at(2880 + 100), default_rules()).reasons()
    assert [s.name for s in reasons] == ["burn 3d/6h"]


# -- Budget thresholds ----------------------------------------------------------------------
# 1,000 events a minute over a full 30-day window: the budget is 43,200 bad events. From
# B = 30 days on, 70 bad a minute: after n minutes 1 - 70 n / 43,200 is left, below 25 % from
# n = 463 (70 n > 32,400), below 10 % from n = 556 (70 n > 38,880), overspent from n = 618.
BUDGET_RULES = AlertRules(
    tiers=(AlertTier(name="page"), AlertTier(name="warn")),
    budget_thresholds=(BudgetThreshold(tier="warn", below=0.25), BudgetThreshold(tier="page", below=0.10)),
)


def test_budget_thresholds_fire_at_the_hand_computed_minutes() -> None:
    bad = np.zeros(31 * 1440, dtype=np.int64)
    start = 30 * 1440
    bad[start : start + 700] = 70
    g = grid(bad, per_minute=1000)
    h = alert_history(objective(), g, BUDGET_RULES)
    minutes = (h.instants - T0) // 60 - start
    first = {name: int(minutes[np.argmax(h.tier(name))]) for name in ("warn", "page")}
    assert first == {"warn": 463, "page": 556}
    assert int(minutes[np.argmax(h.below_target)]) == 618


# -- At risk --------------------------------------------------------------------------------
# November 2026 (30 days, UTC), all good but 15 November, evaluated at 16 November 00:00:
# elapsed 15 days, 15 days ahead. At burn r over that day the budget left is 1 - r / 15, and
# the month ends below target when (r - 1) * 15 > (1 - r / 15) * 15, that is r > 1.875:
# 20 bad a minute (r = 2) is at risk, 18 (r = 1.8) is not.
MONTH = Window(length=1, unit=WindowUnit.MONTH, rolling=False)
NOV = int(dt.datetime(2026, 11, 1, tzinfo=dt.UTC).timestamp())
AT_RISK = AlertRules(tiers=(AlertTier(name="ticket"),), at_risk=AtRiskRule())


@pytest.mark.parametrize(("per_minute", "risky"), [(20, True), (18, False)])
def test_at_risk_projects_the_month_end(per_minute: int, risky: bool) -> None:
    start = NOV - 10 * 86400
    bad = np.zeros(40 * 1440, dtype=np.int64)
    day15 = (NOV + 14 * 86400 - start) // 60
    bad[day15 : day15 + 1440] = per_minute
    g = grid(bad, start=start)
    when = NOV + 15 * 86400
    state = evaluate_alerts(objective(window=MONTH), g, when, AT_RISK)
    assert state.firing_tiers() == (("ticket",) if risky else ())
    assert state.evaluation.budget_left[0] == pytest.approx(1 - per_minute / 10 / 15)
    h = alert_history(objective(window=MONTH), g, AT_RISK)
    assert bool(h.tier("ticket")[np.searchsorted(h.instants, when)]) is risky
    # The status engine agrees: its at-risk rule is the same projection.
    found = status(
        total=1.0,
        attainment=1.0,
        target=0.999,
        budget_left=float(state.evaluation.budget_left[0]),
        projected_rate=per_minute / 10,
        elapsed=15 * 86400,
        horizon=15 * 86400,
    )
    assert (found.value == "at_risk") is risky


# -- No data --------------------------------------------------------------------------------
def test_no_data_fires_after_an_hour_without_events() -> None:
    """A gap in minutes [G, G + 120): the last hour is empty at instants G + 60 to G + 120,
    so the alert is [G + 60, G + 121), in minutes after G."""
    bad = np.zeros(2 * 1440, dtype=np.int64)
    total = np.full(bad.size, 100, dtype=np.int64)
    gap = 1440
    total[gap : gap + 120] = 0
    g = BucketGrid.of(T0, 60, total - bad, total)
    rules = AlertRules(tiers=(AlertTier(name="ticket"),), no_data=NoDataRule(tier="ticket", seconds=3600))
    h = alert_history(objective(), g, rules)
    found = firing_intervals(h.instants, h.tier("ticket"), 60)
    assert [((s - T0) // 60 - gap, (e - T0) // 60 - gap) for s, e in found.pairs()] == [(60, 121)]
    assert evaluate_alerts(objective(), g, T0 + (gap + 60) * 60, rules).firing_tiers() == ("ticket",)
    assert evaluate_alerts(objective(), g, T0 + (gap + 59) * 60, rules).firing_tiers() == ()


# -- Maintenance ----------------------------------------------------------------------------
def test_maintenance_silences_alerts_but_keeps_their_reasons() -> None:
    g = grid(PAGE_STEP)
    quiet = [(at(100), at(150))]
    h = alert_history(objective(), g, default_rules(), maintenance=quiet)
    found = firing_intervals(h.instants, h.tier("page"), 60)
    assert [((s - T0) // 60 - B, (e - T0) // 60 - B) for s, e in found.pairs()] == [(51, 100), (150, 200)]
    state = evaluate_alerts(objective(), g, at(140), default_rules(), maintenance=quiet)
    assert state.firing_tiers() == ()
    assert bool(state.in_maintenance[0]) and [s.name for s in state.reasons()] == ["burn 1h/5m", "burn 6h/30m"]
    loud = default_rules(silence_in_maintenance=False)
    assert evaluate_alerts(objective(), g, at(140), loud, maintenance=quiet).firing_tiers() == ("page",)


def test_in_intervals_is_half_open_and_merges() -> None:
    found = in_intervals([0, 10, 19, 20, 25, 30, 40], [(10, 20), (15, 30)])
    assert found.tolist() == [False, True, True, True, True, False, False]
    assert in_intervals([1, 2], []).tolist() == [False, False]


# -- Several objectives at once -------------------------------------------------------------
def test_decide_alerts_for_a_batch_of_objectives() -> None:
    both = BucketGrid.of(
        T0,
        60,
        np.stack([PER_MINUTE - PAGE_STEP, PER_MINUTE - TICKET_STEP]),
        np.full((2, PAGE_STEP.size), PER_MINUTE),
    )
    rules = default_rules()
    arrays = evaluate_group(
        both, at(1500), window=objective().window, target=[0.999, 0.999], burn_windows=policy_windows(rules)
    )
    state = decide_alerts(arrays, rules, rolling=True)
    assert state.firing.tolist() == [[False, False], [False, True]]
    assert state.firing_tiers(1) == ("ticket",)


def test_decide_alerts_needs_the_policy_windows() -> None:
    arrays = evaluate_group(grid(PAGE_STEP), at(60), window=objective().window, target=0.999, burn_windows={"1h": 3600})
    with pytest.raises(ValueError, match="no burn rate over 5m, 30m"):
        decide_alerts(arrays, default_rules(), rolling=True)


def test_a_history_of_time_slices_needs_windows_on_the_slice_grid() -> None:
    """Slices are laid from the grid's start; a calendar day starting between two of them
    would cut slices differently from ``evaluate_alerts``, so the history refuses it."""
    sliced = Objective(
        name="latency",
        display_name=LocalizedText.plain("Latency"),
        indicator="requests",
        target=0.99,
        window=Window(length=1, unit=WindowUnit.DAY, rolling=False),
        budgeting=BudgetingMethod.TIMESLICES,
        time_slice=TimeSlice(seconds=300, target=0.9),
    )
    midnight = int(dt.datetime(2026, 11, 1, tzinfo=dt.UTC).timestamp())
    bad = np.zeros(3 * 1440, dtype=np.int64)
    assert alert_history(sliced, grid(bad, start=midnight), default_rules()).instants.size == 3 * 288
    with pytest.raises(ValueError, match="does not start on the grid's 300 s slices"):
        alert_history(sliced, grid(bad, start=midnight + 120), default_rules())


# -- Forecast: the predictive alert ---------------------------------------------------------
def test_the_forecast_signal_fires_at_its_probability_and_never_without_a_forecast() -> None:
    """No burn at all (an empty grid of good minutes): only the forecast can raise the ticket
    tier, and does so exactly when the breach probability reaches the rule's 50 %."""
    g = grid(np.zeros(2 * 1440, dtype=np.int64))
    rules = default_rules()
    when = T0 + 1440 * 60
    assert evaluate_alerts(objective(), g, when, rules).firing_tiers() == ()
    assert evaluate_alerts(objective(), g, when, rules, breach_probability=0.49).firing_tiers() == ()
    state = evaluate_alerts(objective(), g, when, rules, breach_probability=0.5)
    assert state.firing_tiers() == ("ticket",)
    assert [s.name for s in state.reasons()] == ["breach forecast >= 50%"]
    # A policy without the rule never reads the forecast.
    quiet = default_rules(forecast=None)
    assert evaluate_alerts(objective(), g, when, quiet, breach_probability=0.99).firing_tiers() == ()
    # History has no forecast per instant: the signal stays off there.
    h = alert_history(objective(), g, rules)
    assert not h.tier("ticket").any()


def test_a_forecast_rule_refuses_a_probability_outside_0_1() -> None:
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        ForecastRule(probability=0.0)
    with pytest.raises(ValueError, match="tiers that are not declared"):
        AlertRules(tiers=(AlertTier(name="page"),), forecast=ForecastRule(tier="ticket"))
