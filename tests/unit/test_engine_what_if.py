"""Achievable targets and the what-if of a proposed target, worked by hand
(``core.engine.what_if``; ``docs/formulas.md``, "Achievable targets and what-if")."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from slmo.core.engine.what_if import (
    achievable,
    credit_cents,
    exposure,
    history_rate,
    periods_per_year,
    simulated_rate,
    simulated_target,
    upper_bound,
    what_if,
)
from slmo.core.model.agreement import Charge, CreditSchedule, CreditTier
from slmo.core.model.evidence import CreditNote
from slmo.core.model.objective import WindowUnit
from slmo.core.model.targets import Basis

# The example SLA's schedule: under 99.9 % 5 %, under 99.5 % 10 %, under 99 % 25 %, at most 30 %
# of 250,000 SAR a month.
SCHEDULE = CreditSchedule(
    tiers=(
        CreditTier(below=0.999, credit=0.05),
        CreditTier(below=0.995, credit=0.10),
        CreditTier(below=0.99, credit=0.25),
    ),
    cap=0.3,
)
CHARGE = Charge(amount=250_000, currency="SAR", period="month")
# Twelve months (as in tests/unit/test_engine_evidence.py); sorted: 0.997, 0.998, 0.9985, 0.9988,
# 0.9989, 0.9991, 0.9992, 0.9993, 0.9994, 0.9995, 0.9996, 0.9997.
YEAR = [0.9995, 0.9992, 0.9988, 0.9997, 0.998, 0.9991, 0.9985, 0.9996, 0.9993, 0.997, 0.9989, 0.9994]
TENTHS = np.arange(1, 11) / 10  # 0.1, 0.2, ..., 1.0


def test_periods_per_year() -> None:
    # Weeks in the mean Gregorian year: 365.2425 / 7 = 52.1775.
    assert [periods_per_year(u) for u in (WindowUnit.MONTH, WindowUnit.QUARTER, WindowUnit.WEEK)] == [
        12,
        4,
        Fraction("52.1775"),
    ]
    with pytest.raises(ValueError, match="not 'd'"):
        periods_per_year(WindowUnit.DAY)


def test_the_upper_bound_for_few_periods() -> None:
    # No breach in 12: 1 - 0.05^(1/12) = 1 - exp(ln 0.05 / 12) = 1 - exp(-0.249644) = 0.220922;
    # the rule of three says about 3/12 = 0.25.
    assert upper_bound(0, 12) == pytest.approx(0.220922, abs=1e-6)
    # No breach in 1: 1 - 0.05 = 0.95.
    assert upper_bound(0, 1) == pytest.approx(0.95)
    # One in two: P(X <= 1) = 1 - p^2 = 0.05, so p = sqrt(0.95) = 0.974679.
    assert upper_bound(1, 2) == pytest.approx(math.sqrt(0.95), abs=1e-12)
    # Every period breached: nothing rules out p = 1.
    assert upper_bound(3, 3) == 1.0
    # Five in twelve: the Beta(6, 7) quantile at 0.95 (Clopper-Pearson's identity).
    assert upper_bound(5, 12) == pytest.approx(stats.beta.ppf(0.95, 6, 7), abs=1e-12)
    assert upper_bound(0, 12, level=0.9) == pytest.approx(1 - 0.1 ** (1 / 12))
    with pytest.raises(ValueError, match="not 4 of 3"):
        upper_bound(4, 3)
    with pytest.raises(ValueError, match="not 0 of 0"):
        upper_bound(0, 0)


def test_history_at_the_agreed_target() -> None:
    rate = history_rate(YEAR, 0.999, WindowUnit.MONTH)
    # Below 0.999: 0.9988, 0.998, 0.9985, 0.997, 0.9989: 5 of 12, 5 breaches a year.
    assert (rate.basis, rate.periods, rate.breaches) == (Basis.HISTORY, 12, 5)
    assert rate.probability == pytest.approx(5 / 12)
    assert rate.per_year == pytest.approx(5.0)
    assert rate.upper == pytest.approx(stats.beta.ppf(0.95, 6, 7))
    assert rate.per_year_upper == pytest.approx(12 * stats.beta.ppf(0.95, 6, 7))
    # At exactly a period's attainment the target is met: 0.9995 breached by the nine below it.
    assert history_rate(YEAR, 0.9995, WindowUnit.MONTH).breaches == 9
    # The same five in twelve weeks: 5/12 * 52.1775 = 21.740625 a year.
    assert history_rate(YEAR, 0.999, WindowUnit.WEEK).per_year == pytest.approx(21.740625)


def test_no_past_breach_is_not_never() -> None:
    rate = history_rate(YEAR, 0.997, WindowUnit.MONTH)
    assert (rate.breaches, rate.probability, rate.per_year) == (0, 0.0, 0.0)
    # Up to 12 * 0.220922 = 2.65 breaches a year with 95 % confidence.
    assert rate.per_year_upper == pytest.approx(2.651066, abs=1e-6)
    empty = history_rate([], 0.999, WindowUnit.MONTH)
    assert (empty.periods, empty.probability, empty.per_year, empty.upper) == (0, None, None, None)


def test_simulated_rate() -> None:
    # 0.1, 0.2 and 0.3 are below 0.35: 3 of 10, 0.3 * 12 = 3.6 a year; NaN draws do not count.
    rate = simulated_rate([*TENTHS, np.nan], 0.35, WindowUnit.MONTH)
    assert (rate.basis, rate.periods, rate.breaches) == (Basis.SIMULATION, 10, 3)
    assert rate.probability == pytest.approx(0.3) and rate.per_year == pytest.approx(3.6)
    assert rate.upper is None
    # A quarter: 0.3 * 4 = 1.2.
    assert simulated_rate(TENTHS, 0.35, WindowUnit.QUARTER).per_year == pytest.approx(1.2)
    assert simulated_rate([], 0.35, WindowUnit.MONTH).probability is None


def test_credits_per_attainment_as_the_credits_engine_rounds() -> None:
    # 99.95 % nothing; 99.8 % 5 % = 12,500.00; 99.4 % 10 % = 25,000.00; 98 % 25 % = 62,500.00;
    # exactly 99.9 % is not below the tier.
    cents = credit_cents(SCHEDULE, CHARGE, [0.9995, 0.998, 0.994, 0.98, 0.999, 0.998])
    assert cents.tolist() == [0, 1_250_000, 2_500_000, 6_250_000, 0, 1_250_000]
    # A cap below the tier: 25 % capped at 20 % of 1,234.56 = 246.912, 246.91.
    capped = CreditSchedule(tiers=(CreditTier(below=0.99, credit=0.25),), cap=0.2)
    assert credit_cents(capped, Charge(amount=1234.56, currency="SAR"), [0.9]).tolist() == [24_691]


def test_history_exposure() -> None:
    # Four months: 0 + 12,500 + 25,000 + 62,500 = 100,000, a mean of 25,000 a month,
    # 300,000.00 a year.
    cents = credit_cents(SCHEDULE, CHARGE, [0.9995, 0.998, 0.994, 0.98])
    found = exposure(Basis.HISTORY, cents, WindowUnit.MONTH, "SAR")
    assert found is not None
    assert (found.per_period, found.per_year, found.periods, found.currency) == (
        Decimal("25000.00"),
        Decimal("300000.00"),
        4,
        "SAR",
    )
    assert (found.year_p95, found.years) == (None, 0)
    # Weekly periods: 25,000 * 52.1775 = 1,304,437.50.
    weekly = exposure(Basis.HISTORY, cents, WindowUnit.WEEK, "SAR")
    assert weekly is not None and weekly.per_year == Decimal("1304437.50")


def test_exposure_is_rounded_once() -> None:
    # 0, 12,500 and 12,500: a mean of 8,333.333..., shown as 8,333.33, but the year is
    # 12 * 25,000 / 3 = 100,000.00 (not 12 * 8,333.33 = 99,999.96).
    found = exposure(Basis.HISTORY, [0, 1_250_000, 1_250_000], WindowUnit.MONTH, "SAR")
    assert found is not None and (found.per_period, found.per_year) == (Decimal("8333.33"), Decimal("100000.00"))
    # Half a cent rounds up: 1 and 2 cents average 1.5 cents, 0.02; a year 18 cents.
    half = exposure(Basis.HISTORY, [1, 2], WindowUnit.MONTH, "SAR")
    assert half is not None and (half.per_period, half.per_year) == (Decimal("0.02"), Decimal("0.18"))
    assert exposure(Basis.HISTORY, [], WindowUnit.MONTH, "SAR") is None


def test_the_95th_percentile_of_a_simulated_year() -> None:
    # 20 years of 12 months, each year at one attainment: 17 years at 99.95 % (nothing), one at
    # 99.8 % (12 * 12,500 = 150,000), one at 99.4 % (12 * 25,000 = 300,000), one at 98 %
    # (12 * 62,500 = 750,000). Nearest rank ceil(0.95 * 20) = 19: the 19th lowest year, 300,000.
    years = [0.9995] * 17 + [0.998, 0.994, 0.98]
    draws = np.repeat(years, 12)
    cents = credit_cents(SCHEDULE, CHARGE, draws)
    found = exposure(Basis.SIMULATION, cents, WindowUnit.MONTH, "SAR")
    assert found is not None
    assert (found.years, found.year_p95) == (20, Decimal("300000.00"))
    # The mean month: 1,200,000 / 240 = 5,000; a year 60,000.00.
    assert (found.per_period, found.per_year) == (Decimal("5000.00"), Decimal("60000.00"))
    # 239 draws make 19 whole years: too few for a 95th percentile.
    short = exposure(Basis.SIMULATION, cents[:239], WindowUnit.MONTH, "SAR")
    assert short is not None and (short.years, short.year_p95) == (19, None)
    # Weeks: years of round(52.1775) = 52 draws.
    weekly = exposure(Basis.SIMULATION, np.zeros(52 * 20, dtype=np.int64), WindowUnit.WEEK, "SAR")
    assert weekly is not None and (weekly.years, weekly.year_p95) == (20, Decimal("0.00"))


def test_the_simulated_target_is_the_lower_quantile() -> None:
    # k = floor(10 * (1 - c)) + 1. 90 %: floor(1) + 1 = 2, 0.2 (one draw of ten below it, 10 %);
    # in binary floats 10 * (1 - 0.9) is 0.9999999999999998 and would give 0.1.
    assert simulated_target(TENTHS, 0.9) == 0.2
    # 95 %: floor(0.5) + 1 = 1, the lowest; 80 %: floor(2) + 1 = 3, 0.3.
    assert simulated_target(TENTHS, 0.95) == 0.1
    assert simulated_target(TENTHS, 0.8) == 0.3
    assert simulated_target([], 0.9) is None
    with pytest.raises(ValueError, match=r"not 1\.0"):
        simulated_target(TENTHS, 1.0)


def test_achievable_says_which_view_binds() -> None:
    # History at 90 %: k = floor(13 * 0.1) = 1, the lowest month, 0.997.
    # Draws 0.9971 ... 0.9980 (ten): at 90 % the second lowest, 0.9972: history binds (lower).
    high = 0.997 + TENTHS / 1000
    ninety, ninety_five = achievable(YEAR, high, (0.9, 0.95))
    assert ninety.history.target == 0.997 and ninety.simulated == pytest.approx(0.9972)
    assert (ninety.target, ninety.binding, ninety.draws) == (0.997, Basis.HISTORY, 10)
    # At 95 % twelve months back nothing (19 needed): the simulation's lowest draw binds.
    assert ninety_five.history.target is None
    assert ninety_five.target == pytest.approx(0.9971) and ninety_five.binding is Basis.SIMULATION
    # Draws 0.9961 ... 0.9970: 0.9962 at 90 %, under the history's 0.997: the simulation binds.
    (low,) = achievable(YEAR, 0.996 + TENTHS / 1000, (0.9,))
    assert low.target == pytest.approx(0.9962) and low.binding is Basis.SIMULATION
    # Without a simulation, history alone; with neither, nothing.
    (alone,) = achievable(YEAR, None, (0.9,))
    assert (alone.target, alone.binding, alone.simulated, alone.draws) == (0.997, Basis.HISTORY, None, 0)
    (nothing,) = achievable(YEAR[:3], None, (0.9,))
    assert (nothing.target, nothing.binding) == (None, None)


def test_the_what_if_of_a_target() -> None:
    # The twelve months at 99.9 %: 5 breaches a year; the credits of the five months below
    # 99.9 % (none below 99.5 %) are 5 % of 250,000 = 12,500 each: 62,500 over 12 months, a
    # mean of 5,208.333... a month and 62,500.00 a year.
    # Draws: 0.9981 ... 0.999 (ten): nine below 99.9 %, 0.9 * 12 = 10.8 breaches a year; nine
    # credits of 12,500 in ten, 11,250.00 a month, 135,000.00 a year.
    draws = 0.998 + TENTHS / 1000
    found = what_if(0.999, WindowUnit.MONTH, YEAR, draws, schedule=SCHEDULE, charge=CHARGE)
    assert (found.target, found.unit, found.periods_per_year, found.credit_note) == (0.999, "M", 12.0, None)
    assert found.history.per_year == pytest.approx(5.0)
    assert found.simulated is not None and found.simulated.per_year == pytest.approx(10.8)
    assert found.history_exposure is not None and found.simulated_exposure is not None
    assert (found.history_exposure.per_period, found.history_exposure.per_year) == (
        Decimal("5208.33"),
        Decimal("62500.00"),
    )
    assert (found.simulated_exposure.per_period, found.simulated_exposure.per_year) == (
        Decimal("11250.00"),
        Decimal("135000.00"),
    )
    # Ten draws are not 20 years: no 95th percentile.
    assert found.simulated_exposure.year_p95 is None
    # Not graded (or no charge): the breaches, but no exposure; not simulated: history only.
    ungraded = what_if(
        0.998, WindowUnit.MONTH, YEAR, None, schedule=SCHEDULE, charge=CHARGE, credit_note=CreditNote.NOT_GRADED
    )
    assert (ungraded.history_exposure, ungraded.simulated_exposure, ungraded.simulated) == (None, None, None)
    assert ungraded.history.breaches == 1  # 0.997
    assert what_if(0.999, WindowUnit.MONTH, YEAR, None, schedule=SCHEDULE).history_exposure is None
