"""The trend test and step changes (``slmo.forecasting.trends``): a small example worked by hand,
the Mann–Kendall figures cross-checked against pymannkendall (the reference implementation of
both the original test and Hamed and Rao's), and steps found where a series' level shifts and
nowhere in noise."""

from __future__ import annotations

import math

import numpy as np
import pymannkendall as mk
import pytest

from slmo.core.model.trend import (
    StepChange,
    TrendAnalysis,
    TrendMeasure,
    TrendMethod,
    TrendSeries,
    TrendVerdict,
    judge,
    smallest_p_value,
)
from slmo.forecasting.trends import (
    MannKendallTester,
    mann_kendall,
    mk_score,
    step_changes,
    tie_variance,
)

TESTER = MannKendallTester()


def months(values: list[float] | np.ndarray, first: int = 2025) -> TrendSeries:
    """Consecutive months from January of ``first``."""
    labels = [f"{first + i // 12:04d}-{i % 12 + 1:02d}" for i in range(len(values))]
    return TrendSeries(tuple(labels), tuple(range(len(values))), tuple(float(v) for v in values))


def test_a_small_series_by_hand() -> None:
    # Five months of attainment: 99.0 %, 99.5 %, 99.3 %, 99.5 %, 99.8 %.
    x = [0.990, 0.995, 0.993, 0.995, 0.998]
    # S, pair by pair (later minus earlier):
    #   from 0.990: 0.995 +, 0.993 +, 0.995 +, 0.998 +   = +4
    #   from 0.995: 0.993 −, 0.995 0, 0.998 +            =  0
    #   from 0.993: 0.995 +, 0.998 +                     = +2
    #   from 0.995: 0.998 +                              = +1
    #   S = 7
    # Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18, one tie of t = 2 (0.995):
    #        = [5·4·15 − 2·1·9] / 18 = (300 − 18) / 18 = 15.6667
    # Z = (S − 1)/√Var(S) = 6 / 3.95811 = 1.51587
    # p = 2(1 − Φ(1.51587)) = 0.12955: not significant at 0.05, so stable.
    # Theil–Sen: the ten pairwise slopes (x_j − x_i)/(j − i) sorted are −0.002, 0, 0.001,
    # 0.0015, 0.0016667, 0.002, 0.002, 0.0025, 0.003, 0.005; the median is
    # (0.0016667 + 0.002)/2 = 0.0018333 per month, +0.183 points a month. The intercept is the
    # median value less the median position times the slope: 0.995 − 2 × 0.0018333 = 0.9913333.
    assert mk_score(x) == 7
    assert tie_variance(x) == pytest.approx(282 / 18)
    test = mann_kendall(range(5), x, alpha=0.05, method=TrendMethod.ORIGINAL)
    assert (test.n, test.statistic, test.correction) == (5, 7, 1.0)
    assert test.variance == pytest.approx(15.666667, abs=1e-6)
    assert test.z == pytest.approx(1.51587, abs=1e-5)
    assert test.p_value == pytest.approx(0.12955, abs=1e-5)
    assert test.tau == pytest.approx(0.7)
    assert test.slope == pytest.approx(0.0018333, abs=1e-7)
    assert test.intercept == pytest.approx(0.9913333, abs=1e-7)
    assert test.slope_low <= test.slope <= test.slope_high
    # Hamed and Rao: with n = 5 no lag's autocorrelation exceeds 1.96/√5 = 0.877, so no correction.
    assert mann_kendall(range(5), x, alpha=0.05).correction == 1.0
    assert judge(test, TrendMeasure.ATTAINMENT, 0.05) is TrendVerdict.STABLE


def test_a_steady_rise_by_hand_and_what_it_means() -> None:
    # Six months, each better than the last: S = 15 (every pair +1), no ties,
    # Var(S) = 6·5·17/18 = 28.3333, Z = 14/√28.3333 = 2.63014, p = 0.008535.
    rising = [0.991, 0.992, 0.993, 0.994, 0.995, 0.996]
    test = mann_kendall(range(6), rising, alpha=0.05, method=TrendMethod.ORIGINAL)
    assert (test.statistic, test.variance) == (15, pytest.approx(28.333333))
    assert (test.z, test.p_value) == (pytest.approx(2.630142, abs=1e-6), pytest.approx(0.008535, abs=1e-6))
    assert test.slope == pytest.approx(0.001)
    # Attainment up is better; a share of budget spent up is worse.
    assert judge(test, TrendMeasure.ATTAINMENT, 0.05) is TrendVerdict.IMPROVING
    assert judge(test, TrendMeasure.BUDGET_SPENT, 0.05) is TrendVerdict.DEGRADING
    falling = mann_kendall(range(6), rising[::-1], alpha=0.05, method=TrendMethod.ORIGINAL)
    assert judge(falling, TrendMeasure.ATTAINMENT, 0.05) is TrendVerdict.DEGRADING
    # At 0.01 it still is; at 0.005 no six values can be (this is the most extreme S): no verdict.
    assert judge(test, TrendMeasure.ATTAINMENT, 0.01) is TrendVerdict.IMPROVING
    assert judge(test, TrendMeasure.ATTAINMENT, 0.005) is None


def test_too_few_periods_give_no_verdict() -> None:
    # The most extreme S of n values: n = 4 gives S = 6, Var = 4·3·13/18 = 8.6667,
    # Z = 5/2.94392 = 1.69842, p = 0.0894: no series of four can be significant at 0.05.
    assert smallest_p_value(4) == pytest.approx(0.089429, abs=1e-6)
    assert smallest_p_value(5) == pytest.approx(0.027486, abs=1e-6)
    four = mann_kendall(range(4), [0.991, 0.992, 0.993, 0.994], alpha=0.05, method=TrendMethod.ORIGINAL)
    assert four.p_value == pytest.approx(smallest_p_value(4))
    assert judge(four, TrendMeasure.ATTAINMENT, 0.05) is None
    # ... but at 0.1 it can, and this one is.
    assert judge(four, TrendMeasure.ATTAINMENT, 0.1) is TrendVerdict.IMPROVING
    # Under three values the test is not run at all.
    found = TESTER.analyse(months([0.99, 0.98]), alpha=0.05, method=TrendMethod.HAMED_RAO)
    assert found == TrendAnalysis(test=None, steps=())
    assert judge(found.test, TrendMeasure.ATTAINMENT, 0.05) is None


def _reference_series() -> list[np.ndarray]:
    """Series of 8 to 40 values: noise, trends, random walks (autocorrelated), with ties."""
    rng = np.random.default_rng(20260901)
    found = []
    for i in range(120):
        n = int(rng.integers(8, 41))
        noise = rng.normal(0, 0.002, n)
        trend = 0.0002 * np.arange(n) * (i % 3 - 1)
        walk = np.cumsum(rng.normal(0, 0.001, n)) if i % 4 == 0 else 0.0
        found.append(np.round(0.99 + noise + trend + walk, 4))
    return found


@pytest.mark.parametrize(
    ("method", "reference"),
    [(TrendMethod.ORIGINAL, mk.original_test), (TrendMethod.HAMED_RAO, mk.hamed_rao_modification_test)],
)
def test_the_figures_are_pymannkendalls(method: TrendMethod, reference: object) -> None:
    corrected = 0
    for x in _reference_series():
        ours = mann_kendall(range(x.size), x, alpha=0.05, method=method)
        theirs = reference(x, alpha=0.05)  # type: ignore[operator]
        if not math.isfinite(theirs.p):
            # A negative n/n* (strong negative autocorrelation) gives pymannkendall no variance;
            # slmo falls back to the uncorrected one.
            assert ours.correction == 1.0
            continue
        assert ours.statistic == theirs.s
        assert ours.variance == pytest.approx(theirs.var_s, rel=1e-12)
        assert ours.z == pytest.approx(theirs.z, rel=1e-12, abs=1e-12)
        assert ours.p_value == pytest.approx(theirs.p, rel=1e-9, abs=1e-15)
        assert ours.tau == pytest.approx(theirs.Tau)
        assert ours.slope == pytest.approx(theirs.slope, abs=1e-15)
        assert ours.intercept == pytest.approx(theirs.intercept, abs=1e-12)
        assert (ours.p_value < 0.05) == bool(theirs.h)
        corrected += ours.correction != 1.0
    if method is TrendMethod.HAMED_RAO:
        assert corrected > 10  # the correction did apply to many of them


def test_autocorrelation_widens_the_variance() -> None:
    """A random walk drifts: the plain test calls it a trend, Hamed and Rao's far less surely."""
    x = np.round(0.99 + np.cumsum(np.random.default_rng(4).normal(0, 0.001, 36)), 4)
    plain = mann_kendall(range(36), x, alpha=0.05, method=TrendMethod.ORIGINAL)
    corrected = mann_kendall(range(36), x, alpha=0.05, method=TrendMethod.HAMED_RAO)
    assert corrected.statistic == plain.statistic
    assert corrected.correction > 1
    assert corrected.p_value > plain.p_value
    reference = mk.hamed_rao_modification_test(x)
    assert corrected.p_value == pytest.approx(reference.p)


def test_a_period_left_out_keeps_its_time() -> None:
    # Months 0, 1, 3, 4 (month 2 had no data): S counts order only, Theil–Sen divides by the
    # months between: slopes 0.001/1, 0.003/3, 0.004/4, 0.002/2, 0.003/3, 0.001/1 are all 0.001.
    test = mann_kendall([0, 1, 3, 4], [0.990, 0.991, 0.993, 0.994], alpha=0.05, method=TrendMethod.ORIGINAL)
    assert test.statistic == 6
    assert test.slope == pytest.approx(0.001)


def test_a_step_is_found_where_the_level_shifts() -> None:
    rng = np.random.default_rng(7)
    # Two years of months: 99.2 % then, from January 2026, 99.7 %, each month ± 0.05 points.
    values = np.r_[0.992 + rng.normal(0, 0.0005, 12), 0.997 + rng.normal(0, 0.0005, 12)]
    found = TESTER.analyse(months(values), alpha=0.05, method=TrendMethod.HAMED_RAO)
    (step,) = found.steps
    assert (step.index, step.period) == (12, "2026-01")
    assert step.before == pytest.approx(0.992, abs=0.0005)
    assert step.after == pytest.approx(0.997, abs=0.0005)
    # Every month after is above every month before: U = 0 (scipy's normal approximation
    # for twelve against twelve gives p = 3.7e-5; the exact one would be 2/C(24, 12) = 7.4e-7).
    assert step.statistic == 0
    assert 2 / math.comb(24, 12) < step.p_value < 1e-4
    assert found.test is not None and found.test.statistic > 0
    assert judge(found.test, TrendMeasure.ATTAINMENT, 0.05) is TrendVerdict.IMPROVING


def test_two_steps_and_a_short_last_level() -> None:
    # 20 days at 99.9 %, 12 at 99.0 %, then 3 at 95 % (the last level as short as a step may be).
    rng = np.random.default_rng(11)
    values = np.r_[0.999 + rng.normal(0, 0.0003, 20), 0.990 + rng.normal(0, 0.0003, 12), [0.951, 0.949, 0.95]]
    labels = tuple(f"2026-07-{d:02d}" if d <= 31 else f"2026-08-{d - 31:02d}" for d in range(1, 36))
    series = TrendSeries(labels, tuple(range(35)), tuple(values))
    steps = TESTER.analyse(series, alpha=0.05, method=TrendMethod.HAMED_RAO).steps
    assert [(s.index, s.period) for s in steps] == [(20, "2026-07-21"), (32, "2026-08-02")]
    assert steps[1].before == pytest.approx(0.990, abs=0.001) and steps[1].after == pytest.approx(0.950)
    assert all(s.p_value < 0.01 for s in steps)


def test_a_flat_noisy_series_has_no_step() -> None:
    rng = np.random.default_rng(3)
    flat = 0.995 + rng.normal(0, 0.001, 30)
    found = TESTER.analyse(months(flat), alpha=0.05, method=TrendMethod.HAMED_RAO)
    assert found.steps == ()
    assert found.test is not None and judge(found.test, TrendMeasure.ATTAINMENT, 0.05) is TrendVerdict.STABLE


def test_one_bad_month_is_not_a_step() -> None:
    values = [0.999, 0.9992, 0.9988, 0.9991, 0.999, 0.95, 0.9989, 0.9991, 0.999, 0.9992, 0.9989, 0.999]
    assert step_changes(months(values), alpha=0.05) == ()
    # Nor is a constant series, which has no noise to scale by.
    assert step_changes(months([1.0] * 12), alpha=0.05) == ()


def test_noise_rarely_makes_a_step() -> None:
    """Over 300 series of pure noise (12 and 30 periods, normal and heavy-tailed), a step is
    reported in fewer than one in ten (23 here): the penalty and the Mann–Whitney test hold
    noise back, though U's p-value, taken where PELT put the break, is a little optimistic
    (docs/formulas.md has the rates by simulation)."""
    rng = np.random.default_rng(2026)
    hits = 0
    for i in range(300):
        n = 12 if i % 2 else 30
        noise = rng.normal(size=n) if i % 3 else rng.standard_t(3, size=n)
        hits += bool(step_changes(months(0.99 + 0.001 * noise), alpha=0.05))
    assert hits / 300 < 0.1


def test_steps_are_model_objects_in_order() -> None:
    values = [0.99] * 6 + [0.98] * 6
    steps = step_changes(months(values), alpha=0.05)
    assert steps == (
        StepChange(index=6, period="2025-07", before=0.99, after=0.98, statistic=36.0, p_value=steps[0].p_value),
    )
    with pytest.raises(ValueError, match="alpha"):
        TESTER.analyse(months(values), alpha=1.5, method=TrendMethod.ORIGINAL)
