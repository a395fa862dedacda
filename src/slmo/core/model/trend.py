"""Trends and step changes of delivery over the last whole periods: is an objective's attainment
(or a service's share of error budget spent) improving, stable or degrading, by how much per
period, and did its level shift, when.

The statistics are an adapter's (``slmo.forecasting.trends`` behind ``core.ports.TrendTester``);
the rules that turn them into a verdict are here. ``docs/formulas.md``, "Trends and step
changes", has the formulas and their sources.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from slmo.core.model.objective import WindowUnit

DEFAULT_ALPHA = 0.05
# The periods a trend is read over: whole days, weeks or months.
TREND_UNITS = (WindowUnit.DAY, WindowUnit.WEEK, WindowUnit.MONTH)
# N when not given: a year of months or weeks, a month of days.
DEFAULT_PERIODS = {WindowUnit.DAY: 30, WindowUnit.WEEK: 12, WindowUnit.MONTH: 12}
# Fewer values than this and the trend test is not run at all (S needs pairs to count).
MIN_VALUES = 3


class TrendVerdict(StrEnum):
    """``improving``: delivery got better over the periods (attainment up, budget spent down),
    significantly at the chosen level; ``degrading``: worse; ``stable``: no significant trend."""

    IMPROVING = "improving"
    STABLE = "stable"
    DEGRADING = "degrading"


class TrendMeasure(StrEnum):
    """What a series holds per period. An objective's is its attainment; a service's the share
    of the error budget its objectives spent, averaged over them (more is worse)."""

    ATTAINMENT = "attainment"
    BUDGET_SPENT = "budget_spent"

    @property
    def higher_is_better(self) -> bool:
        return self is TrendMeasure.ATTAINMENT


class TrendMethod(StrEnum):
    """The Mann–Kendall test as Mann (1945) and Kendall (1975) give it, ties corrected; or with
    Hamed and Rao's (1998) correction of Var(S) for autocorrelation (the default)."""

    ORIGINAL = "original"
    HAMED_RAO = "hamed_rao"


class TrendSubject(StrEnum):
    OBJECTIVE = "objective"
    SERVICE = "service"


@dataclass(frozen=True)
class TrendSeries:
    """The values read, oldest first: ``periods[i]`` names the period of ``values[i]`` and
    ``positions[i]`` its place among the periods asked for (0 for the oldest), so that a
    period left out for want of data keeps the time between its neighbours."""

    periods: tuple[str, ...]
    positions: tuple[int, ...]
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        if not len(self.periods) == len(self.positions) == len(self.values):
            raise ValueError("a trend series needs as many periods, positions and values")
        if any(b <= a for a, b in zip(self.positions, self.positions[1:], strict=False)):
            raise ValueError("a trend series' positions must increase")

    def __len__(self) -> int:
        return len(self.values)


@dataclass(frozen=True, kw_only=True)
class TrendTest:
    """The Mann–Kendall test of a series and its Theil–Sen line.

    ``statistic`` is S, the count of later values above an earlier one less those below;
    ``variance`` is Var(S) as the test used it (ties corrected, then multiplied by
    ``correction``, Hamed and Rao's n/n*; 1 for the original test); ``z`` is (S ∓ 1)/√Var(S)
    (0 when S = 0) and ``p_value`` its two-sided normal p-value. ``tau`` is S over the n(n−1)/2
    pairs. ``slope`` is the Theil–Sen slope per period (the median of the pairwise slopes),
    with its ``1 − alpha`` confidence interval; ``intercept`` the line's value at position 0.
    """

    method: TrendMethod
    n: int
    statistic: float
    variance: float
    correction: float
    z: float
    p_value: float
    tau: float
    slope: float
    intercept: float
    slope_low: float
    slope_high: float


@dataclass(frozen=True, kw_only=True)
class StepChange:
    """A shift of level: ``period`` is the first period of the new level (``index`` its place in
    the series read), ``before`` and ``after`` the medians of the segments on either side, and
    ``p_value`` the two-sided Mann–Whitney U test of those two segments (``statistic`` is U of
    the segment before)."""

    index: int
    period: str
    before: float
    after: float
    statistic: float
    p_value: float


@dataclass(frozen=True)
class TrendAnalysis:
    """What a ``TrendTester`` found in a series: the test (``None`` with fewer than
    ``MIN_VALUES`` values) and the significant step changes, oldest first."""

    test: TrendTest | None
    steps: tuple[StepChange, ...] = ()


def smallest_p_value(n: int) -> float:
    """The p-value of the most extreme S that ``n`` values can give (a strictly monotonic series,
    no ties, no correction): a series this short can be significant at no level below it."""
    if n < 2:
        return 1.0
    s = n * (n - 1) / 2
    variance = n * (n - 1) * (2 * n + 5) / 18
    return math.erfc((s - 1) / math.sqrt(variance) / math.sqrt(2))


def judge(test: TrendTest | None, measure: TrendMeasure, alpha: float) -> TrendVerdict | None:
    """The verdict: ``None`` when the periods read are too few for any series of them to be
    significant at ``alpha`` (a "stable" would claim what the test cannot see); else improving
    or degrading when p < ``alpha``, by the sign of S and whether more is better; else stable."""
    if test is None or smallest_p_value(test.n) >= alpha:
        return None
    if test.p_value >= alpha or test.statistic == 0:
        return TrendVerdict.STABLE
    return TrendVerdict.IMPROVING if (test.statistic > 0) == measure.higher_is_better else TrendVerdict.DEGRADING


@dataclass(frozen=True, kw_only=True)
class Trend:
    """One objective's or service's delivery over the last ``len(asked)`` whole periods of
    ``unit``: the periods asked for, oldest first; the series read from those with data; the
    test, the steps and the verdict at ``alpha``. For a service, ``objectives`` names those
    its series averages."""

    subject: TrendSubject
    name: str
    service: str | None
    measure: TrendMeasure
    unit: WindowUnit
    asked: tuple[str, ...]
    series: TrendSeries
    alpha: float
    test: TrendTest | None
    steps: tuple[StepChange, ...] = ()
    objectives: tuple[str, ...] = ()

    @property
    def read(self) -> int:
        """How many of the periods asked for had data."""
        return len(self.series)

    @property
    def verdict(self) -> TrendVerdict | None:
        return judge(self.test, self.measure, self.alpha)
