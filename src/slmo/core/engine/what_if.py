"""Achievable targets and the what-if of a proposed target (``docs/formulas.md``, "Achievable
targets and what-if").

Two views of the periods to come, each a set of period attainments:

- **history**: the past periods that had data (``core.engine.evidence``), few of them;
- **simulation**: whole future periods drawn from the objective's recent days
  (``core.engine.forecast``), thousands of them.

For a proposed target ``T``, over periods of a unit with ``N`` of them in a year
(``periods_per_year``: 12 months, 4 quarters, 365.2425 / 7 = 52.1775 weeks, the mean
Gregorian year):

    P(breach)           = #(attainment < T) / n          strictly below: at the target is met
    breaches per year   = P(breach) * N
    credit per year     = N * mean(credit(attainment))   the agreement's schedule and charge
    year's credit (p95) = nearest-rank 95th percentile of sums of round(N) simulated periods

**Few periods.** ``b`` breaches in ``n`` past periods estimate ``P`` as ``b / n``, and 0 of 12
is not "never": history also gives the exact one-sided upper bound of Clopper and Pearson
(*Biometrika* 26, 1934), the ``p`` at which ``b`` or fewer breaches in ``n`` would happen with
probability ``1 - level``:

    sum_{i <= b} C(n, i) p^i (1 - p)^(n - i) = 1 - level      (p = 1 when b = n)

For ``b = 0`` it is ``1 - (1 - level)^(1/n)``, which the "rule of three" approximates by
``3 / n`` at 95 % (Hanley and Lippman-Hand, *JAMA* 249, 1983): 0 breaches in 12 months bound
``P`` by 0.2209, up to 2.65 breaches a year. The draws are too many for such a bound to mean
anything beyond the simulation's own assumptions, so none is given for them.

**Achievable target with confidence c.** From history, the distribution-free order statistic
of ``core.engine.evidence`` (a prediction bound for one new period). From the ``m`` draws,
which are already draws of new periods, their empirical ``1 - c`` quantile: the ``k``-th
lowest with

    k = floor(m * (1 - c)) + 1

the highest target that at most a share ``1 - c`` of the draws fall below. The lower of the
two binds: a target met with confidence ``c`` on both views.

Money is decimal to the cent, each period's credit rounded as ``core.engine.credits`` rounds
it (half up); the means and the year's figures are exact fractions of cents, rounded half up
once at the end. Confidences and levels are taken as the decimals written (0.9, not
0.9000000000000000222).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.engine.credits import service_credit
from slmo.core.engine.evidence import confident_target
from slmo.core.model.agreement import Charge, CreditSchedule
from slmo.core.model.evidence import CreditNote
from slmo.core.model.objective import WindowUnit
from slmo.core.model.targets import AchievableTarget, Basis, BreachRate, CreditExposure, WhatIf

# The mean Gregorian year (365.2425 days) in weeks: 52.1775.
PERIODS_PER_YEAR: dict[WindowUnit, Fraction] = {
    WindowUnit.MONTH: Fraction(12),
    WindowUnit.QUARTER: Fraction(4),
    WindowUnit.WEEK: Fraction("365.2425") / 7,
}
LEVEL = 0.95
# Fewer simulated years than this and a 95th percentile is the largest of them or worse.
MIN_YEARS = 20


def _exact(value: float) -> Fraction:
    return Fraction(repr(value))


def periods_per_year(unit: WindowUnit) -> Fraction:
    if unit not in PERIODS_PER_YEAR:
        raise ValueError(f"periods per year are known for months, quarters and weeks, not {unit.value!r}")
    return PERIODS_PER_YEAR[unit]


def _binomial_cdf(b: int, n: int, p: float) -> float:
    return math.fsum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(b + 1))


def upper_bound(breaches: int, periods: int, level: float = LEVEL) -> float:
    """The exact one-sided Clopper-Pearson upper bound on P(breach) at ``level``, from
    ``breaches`` of ``periods`` (module docstring)."""
    if periods < 1 or not 0 <= breaches <= periods:
        raise ValueError(f"breaches is from 0 to periods (at least 1), not {breaches} of {periods}")
    if not 0 < level < 1:
        raise ValueError(f"a level is in (0, 1), not {level}")
    if breaches == periods:
        return 1.0
    alpha = float(1 - _exact(level))
    if breaches == 0:
        return 1.0 - math.pow(alpha, 1.0 / periods)
    # The CDF falls as p rises: bisect between the observed share and 1.
    low, high = breaches / periods, 1.0
    for _ in range(200):
        mid = (low + high) / 2
        if _binomial_cdf(breaches, periods, mid) > alpha:
            low = mid
        else:
            high = mid
        if high - low < 1e-15:
            break
    return (low + high) / 2


def _finite(values: ArrayLike) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64).ravel()
    return array[np.isfinite(array)]


def history_rate(attainments: Sequence[float], target: float, unit: WindowUnit, level: float = LEVEL) -> BreachRate:
    """The breach rate of ``target`` over the past periods' attainments (those with data)."""
    n = len(attainments)
    per_year = float(periods_per_year(unit))
    breaches = sum(1 for a in attainments if a < target)
    if n == 0:
        return BreachRate(
            basis=Basis.HISTORY, target=target, periods=0, breaches=0, probability=None, per_year=None, level=level
        )
    upper = upper_bound(breaches, n, level)
    return BreachRate(
        basis=Basis.HISTORY,
        target=target,
        periods=n,
        breaches=breaches,
        probability=breaches / n,
        per_year=breaches / n * per_year,
        level=level,
        upper=upper,
        per_year_upper=upper * per_year,
    )


def simulated_rate(draws: ArrayLike, target: float, unit: WindowUnit) -> BreachRate:
    """The breach rate of ``target`` over the simulated periods (non-finite draws left out)."""
    values = _finite(draws)
    per_year = float(periods_per_year(unit))
    m = int(values.size)
    breaches = int(np.count_nonzero(values < target))
    probability = None if m == 0 else breaches / m
    return BreachRate(
        basis=Basis.SIMULATION,
        target=target,
        periods=m,
        breaches=breaches,
        probability=probability,
        per_year=None if probability is None else probability * per_year,
    )


def credit_cents(schedule: CreditSchedule, charge: Charge, attainments: ArrayLike) -> NDArray[np.int64]:
    """Each attainment's credit in cents, exactly as ``service_credit`` computes a period's."""
    values = _finite(attainments)
    if values.size == 0:
        return np.zeros(0, dtype=np.int64)
    distinct, inverse = np.unique(values, return_inverse=True)
    cents = []
    for value in distinct:
        amount = service_credit(schedule, float(value), charge).amount
        assert amount is not None  # a charge was given
        cents.append(int(amount * 100))
    return np.asarray(cents, dtype=np.int64)[inverse.ravel()]


def _money(cents: Fraction) -> Decimal:
    """A non-negative number of cents, rounded half up to a whole cent, as an amount."""
    whole = (2 * cents.numerator + cents.denominator) // (2 * cents.denominator)
    return Decimal(whole).scaleb(-2).quantize(Decimal("0.01"))


def exposure(basis: Basis, cents: ArrayLike, unit: WindowUnit, currency: str) -> CreditExposure | None:
    """The credit exposure of the periods whose credits are ``cents`` (``None`` without any).
    For the simulation, the 95th percentile of a year's credits too, from consecutive draws
    taken ``round(periods_per_year)`` at a time."""
    amounts = np.asarray(cents, dtype=np.int64).ravel()
    n = int(amounts.size)
    if n == 0:
        return None
    per_year = periods_per_year(unit)
    mean = Fraction(int(amounts.sum()), n)
    p95, years = None, 0
    if basis is Basis.SIMULATION:
        size = round(per_year)
        years = n // size
        if years >= MIN_YEARS:
            totals = np.sort(amounts[: years * size].reshape(years, size).sum(axis=1))
            rank = -(-95 * years // 100)  # nearest rank: ceil(0.95 * years)
            p95 = _money(Fraction(int(totals[rank - 1])))
    return CreditExposure(
        basis=basis,
        currency=currency,
        periods=n,
        per_period=_money(mean),
        per_year=_money(mean * per_year),
        year_p95=p95,
        years=years,
    )


def simulated_target(draws: ArrayLike, confidence: float) -> float | None:
    """The highest target that at most a share ``1 - confidence`` of the draws fall below
    (``None`` without draws)."""
    if not 0 < confidence < 1:
        raise ValueError(f"a confidence is in (0, 1), not {confidence}")
    values = np.sort(_finite(draws))
    m = int(values.size)
    if m == 0:
        return None
    k = math.floor(m * (1 - _exact(confidence))) + 1
    return float(values[k - 1])


def achievable(
    attainments: Sequence[float], draws: ArrayLike | None, confidences: Sequence[float]
) -> tuple[AchievableTarget, ...]:
    """Per confidence, the target history backs, the one the draws back, and which binds."""
    values = None if draws is None else _finite(draws)
    found = []
    for confidence in confidences:
        past = confident_target(attainments, confidence)
        simulated = None if values is None else simulated_target(values, confidence)
        given = [(t, b) for t, b in ((past.target, Basis.HISTORY), (simulated, Basis.SIMULATION)) if t is not None]
        # On a tie history binds: it assumes the least.
        target, binding = min(given, key=lambda pair: pair[0]) if given else (None, None)
        found.append(
            AchievableTarget(
                confidence=confidence,
                history=past,
                simulated=simulated,
                draws=0 if values is None else int(values.size),
                target=target,
                binding=binding,
            )
        )
    return tuple(found)


def what_if(
    target: float,
    unit: WindowUnit,
    attainments: Sequence[float],
    draws: ArrayLike | None,
    *,
    schedule: CreditSchedule | None = None,
    charge: Charge | None = None,
    credit_note: CreditNote | None = None,
) -> WhatIf:
    """``target`` over the past periods' ``attainments`` and the simulated ``draws`` (``None``:
    not simulated); the credit exposures when the schedule grades it (``credit_note`` is
    ``None``) and there is a charge to take the credits from."""
    exposures: dict[Basis, CreditExposure | None] = {Basis.HISTORY: None, Basis.SIMULATION: None}
    if credit_note is None and schedule is not None and charge is not None:
        exposures[Basis.HISTORY] = exposure(
            Basis.HISTORY, credit_cents(schedule, charge, attainments), unit, charge.currency
        )
        if draws is not None:
            exposures[Basis.SIMULATION] = exposure(
                Basis.SIMULATION, credit_cents(schedule, charge, draws), unit, charge.currency
            )
    return WhatIf(
        target=target,
        unit=unit.value,
        periods_per_year=float(periods_per_year(unit)),
        history=history_rate(attainments, target, unit),
        simulated=None if draws is None else simulated_rate(draws, target, unit),
        history_exposure=exposures[Basis.HISTORY],
        simulated_exposure=exposures[Basis.SIMULATION],
        credit_note=credit_note,
    )
