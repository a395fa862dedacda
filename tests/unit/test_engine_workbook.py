"""The SRE workbook's burn-rate table (chapter 5, "Alerting on SLOs"), reproduced by the engine.

A 30-day rolling window of one-minute buckets with 10,000 events each (432 million events)
and a 99.9 % target: the budget is 0.001 * 432,000,000 = 432,000 bad events, and the
sustainable pace is 10 bad events a minute (burn rate 1).
"""

from __future__ import annotations

import numpy as np
import pytest

from slmo.core.engine.evaluation import evaluate
from slmo.core.engine.grid import BucketGrid
from slmo.core.model.objective import BudgetingMethod, Objective, TimeSlice, Window, WindowUnit
from slmo.core.model.results import EvaluationStatus
from slmo.core.model.text import LocalizedText

T0 = 1_790_000_040
MINUTES = 30 * 1440
AT = T0 + MINUTES * 60
PER_MINUTE = 10_000


def thirty_days(target: float = 0.999) -> Objective:
    return Objective(
        name="checkout",
        display_name=LocalizedText.plain("Checkout"),
        indicator="requests",
        target=target,
        window=Window(length=30, unit=WindowUnit.DAY, rolling=True),
    )


def bad_for_the_last(minutes: int, per_minute: int) -> BucketGrid:
    total = np.full(MINUTES, PER_MINUTE, dtype=np.int32)
    good = total.copy()
    good[MINUTES - minutes :] -= per_minute
    return BucketGrid(start=T0, bucket_seconds=60, good=good, total=total)


@pytest.mark.parametrize(
    ("label", "minutes", "bad_per_minute", "rate", "consumed"),
    [
        # 144 bad a minute = 1.44 % errors = 14.4 x the 0.1 % allowed; over 60 minutes that
        # is 8,640 bad events = 2 % of 432,000.
        ("1h", 60, 144, 14.4, 0.02),
        # 60 bad a minute = 6 x; over 360 minutes 21,600 = 5 %.
        ("6h", 360, 60, 6.0, 0.05),
        # 10 bad a minute = 1 x; over 4,320 minutes 43,200 = 10 %.
        ("3d", 4320, 10, 1.0, 0.10),
    ],
)
def test_workbook_table(label: str, minutes: int, bad_per_minute: int, rate: float, consumed: float) -> None:
    found = evaluate(thirty_days(), bad_for_the_last(minutes, bad_per_minute), AT)
    assert found.burn_rates[label] == pytest.approx(rate)
    assert 1 - found.budget_left == pytest.approx(consumed)


def test_paging_burn_puts_the_objective_at_risk() -> None:
    # After the 14.4 hour the 6h burn rate is 14.4 / 6 = 2.4: sustained for a window length
    # it would spend more than the 98 % left, so the objective is at risk (not breached).
    found = evaluate(thirty_days(), bad_for_the_last(60, 144), AT)
    assert found.burn_rates["6h"] == pytest.approx(2.4)
    assert found.status is EvaluationStatus.AT_RISK


def test_burn_rate_one_for_the_whole_window_spends_exactly_the_budget() -> None:
    found = evaluate(thirty_days(), bad_for_the_last(MINUTES, 10), AT)
    assert found.budget_left == pytest.approx(0.0, abs=1e-9)
    assert found.attainment == pytest.approx(0.999)
    assert all(r == pytest.approx(1.0) for r in found.burn_rates.values())
    assert found.status is not EvaluationStatus.BREACHED


def test_burn_rate_one_exhausts_a_calendar_budget_exactly_at_the_period_end() -> None:
    # November 2026 in UTC: 43,200 one-minute slices at 99 %: 432 bad minutes allowed. One
    # minute in a hundred is bad (rate 1). Half-way, 216 minutes are spent and 216 left;
    # at the last instant of the month all 432 are spent and none is left.
    start = 1_793_491_200  # 2026-11-01T00:00:00Z
    total = np.ones(MINUTES, dtype=np.int64)
    good = total.copy()
    good[99::100] = 0
    s = BucketGrid(start=start, bucket_seconds=60, good=good, total=total)
    month = Objective(
        name="desk",
        display_name=LocalizedText.plain("Desk"),
        indicator="up",
        target=0.99,
        window=Window(length=1, unit=WindowUnit.MONTH, rolling=False, time_zone="UTC"),
        budgeting=BudgetingMethod.TIMESLICES,
        time_slice=TimeSlice(seconds=60, target=1.0),
    )
    burn = {"10d": 10 * 86400}
    half = evaluate(month, s, start + MINUTES * 30, burn_windows=burn)
    assert half.budget_minutes_total == pytest.approx(432)
    assert half.budget_minutes_spent == 216
    assert half.budget_minutes_left == pytest.approx(216)
    assert half.burn_rates["10d"] == pytest.approx(1.0)
    end = evaluate(month, s, start + MINUTES * 60 - 1, burn_windows=burn)
    assert end.budget_minutes_spent == 432
    assert end.budget_minutes_left == pytest.approx(0.0, abs=1e-9)
