"""The trend test and step changes of a series of per-period values (``core.ports.TrendTester``).

- **Trend.** The Mann–Kendall test (Mann 1945; Kendall 1975): S = Σ_{i<j} sign(x_j − x_i) over
  the values in time order, Var(S) = [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18 with t the size of
  each group of tied values, Z = (S − sign S)/√Var(S) and p = 2(1 − Φ(|Z|)). By default Var(S)
  is multiplied by Hamed and Rao's (1998) n/n* = 1 + 2/(n(n−1)(n−2)) Σ_k (n−k)(n−k−1)(n−k−2) ρ_k,
  where ρ_k are the autocorrelations of the ranks of the series less its Theil–Sen line, taken
  only where significant (|ρ_k| > z_{1−α/2}/√n): delivery in one period tends to look like
  the last one (the same causes persist), and positive autocorrelation makes the plain test
  find trends that are not there. This is ``pymannkendall.hamed_rao_modification_test`` (its
  tests cross-check it). A factor of 0 or less (strong negative autocorrelation in a short
  series) is not a variance: the uncorrected one is used.
- **Slope.** Theil–Sen (Sen 1968): the median of the pairwise slopes (x_j − x_i)/(t_j − t_i),
  with t the period's place among those asked for, so a period without data keeps its time;
  ``scipy.stats.theilslopes``, with its 1 − α confidence interval.
- **Steps.** PELT (Killick et al. 2012; ``ruptures``) with a change-in-mean cost on the series
  centred on its median and scaled by a robust σ (the MAD of the first differences over √2,
  which a shift of level does not inflate); penalty β = 3·ln n per change (MBIC's, Zhang and
  Siegmund 2007); no segment shorter than 3 periods. PELT runs twice: the second time on the
  series with each value pulled to within ±2.5σ of the median of its segment from the first,
  so that one bad period is not a level of its own and levels far apart stay apart. Each change is then kept only if the Mann–Whitney U test of
  the segments on either side is significant at α (two-sided, ``scipy.stats.mannwhitneyu``):
  the least significant is dropped and the others tested again until all pass.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import ruptures
from numpy.typing import NDArray
from scipy.stats import mannwhitneyu, norm, rankdata, theilslopes

from slmo.core.model.trend import MIN_VALUES, StepChange, TrendAnalysis, TrendMethod, TrendSeries, TrendTest

# A level must hold this many periods to be a step (and the Mann–Whitney test has something
# to compare: two periods against two can never be significant at 0.05).
MIN_SEGMENT = 3
# β = PENALTY · ln n, on the robustly scaled series (unit variance): MBIC's 3 ln n.
PENALTY = 3.0
# Scaled values beyond ±CLIP count as ±CLIP in the search for steps (not in their test).
CLIP = 2.5
# The MAD of a normal sample is 0.6745 σ.
MAD_TO_SIGMA = 1.482602218505602

FloatArray = NDArray[np.float64]


def mk_score(values: Sequence[float] | FloatArray) -> int:
    """S: over every pair i < j, +1 when the later value is above the earlier, −1 when below."""
    x = np.asarray(values, dtype=np.float64)
    signs = np.sign(x[None, :] - x[:, None])
    return int(np.triu(signs, k=1).sum())


def tie_variance(values: Sequence[float] | FloatArray) -> float:
    """Var(S) under no trend, less what each group of ``t`` tied values takes away."""
    x = np.asarray(values, dtype=np.float64)
    n = x.size
    _, counts = np.unique(x, return_counts=True)
    t = counts.astype(np.float64)
    return float((n * (n - 1) * (2 * n + 5) - np.sum(t * (t - 1) * (2 * t + 5))) / 18)


def rank_autocorrelation(ranks: FloatArray) -> FloatArray:
    """ρ_0 … ρ_{n−1} of ``ranks``: the biased estimator (each lag's sum over n), as Hamed and Rao."""
    y = ranks - ranks.mean()
    n = y.size
    covariance = np.correlate(y, y, "full")[n - 1 :] / n
    if covariance[0] == 0:
        return np.zeros(n)
    return np.asarray(covariance / covariance[0], dtype=np.float64)


def hamed_rao_factor(times: FloatArray, values: FloatArray, slope: float, alpha: float) -> float:
    """n/n*, by which Var(S) is multiplied for the autocorrelation of the detrended ranks."""
    n = values.size
    if n < 3:
        return 1.0
    # Detrended as pymannkendall does (times from 1), so that values tied there are tied here.
    ranks = np.asarray(rankdata(values - (times + 1) * slope), dtype=np.float64)
    rho = rank_autocorrelation(ranks)
    bound = float(norm.ppf(1 - alpha / 2)) / math.sqrt(n)
    lags = np.arange(1, n)
    weight = (n - lags) * (n - lags - 1) * (n - lags - 2)
    significant = np.abs(rho[1:]) > bound
    total = float(np.sum(weight * rho[1:] * significant))
    return 1.0 + 2.0 / (n * (n - 1) * (n - 2)) * total


def z_score(s: float, variance: float) -> float:
    """(S − 1)/√Var(S) above zero, (S + 1)/√Var(S) below: the continuity correction."""
    if s == 0 or variance <= 0:
        return 0.0
    return (s - math.copysign(1.0, s)) / math.sqrt(variance)


def mann_kendall(
    times: Sequence[float], values: Sequence[float], *, alpha: float, method: TrendMethod = TrendMethod.HAMED_RAO
) -> TrendTest:
    """The Mann–Kendall test and Theil–Sen line of ``values`` at ``times`` (increasing)."""
    t = np.asarray(times, dtype=np.float64)
    x = np.asarray(values, dtype=np.float64)
    n = x.size
    if n < MIN_VALUES:
        raise ValueError(f"the Mann–Kendall test needs at least {MIN_VALUES} values, not {n}")
    s = mk_score(x)
    variance = tie_variance(x)
    fit = theilslopes(x, t, alpha=1 - alpha)
    slope = float(fit.slope)
    correction = 1.0
    if method is TrendMethod.HAMED_RAO:
        correction = hamed_rao_factor(t, x, slope, alpha)
        if correction <= 0:
            correction = 1.0
    variance *= correction
    z = z_score(s, variance)
    return TrendTest(
        method=method,
        n=n,
        statistic=float(s),
        variance=variance,
        correction=correction,
        z=z,
        p_value=math.erfc(abs(z) / math.sqrt(2)),
        tau=s / (n * (n - 1) / 2),
        slope=slope,
        intercept=float(fit.intercept),
        slope_low=float(fit.low_slope),
        slope_high=float(fit.high_slope),
    )


def robust_sigma(values: FloatArray) -> float:
    """σ of the noise from the first differences (a step moves one difference, not their MAD):
    MAD/√2, else their standard deviation/√2 when most differences are equal, else 0."""
    if values.size < 2:
        return 0.0
    d = np.diff(values)
    sigma = MAD_TO_SIGMA * float(np.median(np.abs(d - np.median(d)))) / math.sqrt(2)
    if sigma == 0:
        sigma = float(np.std(d)) / math.sqrt(2)
    return sigma


def _pelt(scaled: FloatArray, min_size: int, penalty: float) -> list[int]:
    found = ruptures.Pelt(model="l2", min_size=min_size, jump=1).fit(scaled.reshape(-1, 1))
    return [int(b) for b in found.predict(pen=penalty * math.log(scaled.size))[:-1]]


def change_points(
    values: FloatArray, *, min_size: int = MIN_SEGMENT, penalty: float = PENALTY, clip: float = CLIP
) -> list[int]:
    """PELT's changes of mean: the index of each new level's first value, oldest first.

    Two passes: the first on the scaled series finds the levels; each value is then pulled to
    within ``clip`` of its level's median (one bad period stays one bad period, and levels far
    apart stay apart), and the second pass finds the changes of that series."""
    n = values.size
    sigma = robust_sigma(values)
    if n < 2 * min_size or sigma == 0:
        return []
    scaled = (values - np.median(values)) / sigma
    edges = [0, *_pelt(scaled, min_size, penalty), n]
    level = np.empty(n)
    for start, end in itertools.pairwise(edges):
        level[start:end] = np.median(scaled[start:end])
    return _pelt(level + np.clip(scaled - level, -clip, clip), min_size, penalty)


def _tests(values: FloatArray, breaks: list[int]) -> list[tuple[float, float]]:
    """(U, p) of each break's two neighbouring segments."""
    edges = [0, *breaks, values.size]
    found = []
    for i in range(1, len(edges) - 1):
        before, after = values[edges[i - 1] : edges[i]], values[edges[i] : edges[i + 1]]
        if np.all(before == before[0]) and np.all(after == before[0]):
            found.append((float(before.size * after.size) / 2, 1.0))
            continue
        result = mannwhitneyu(before, after, alternative="two-sided")
        found.append((float(result.statistic), float(result.pvalue)))
    return found


def step_changes(
    series: TrendSeries,
    *,
    alpha: float,
    min_size: int = MIN_SEGMENT,
    penalty: float = PENALTY,
    clip: float = CLIP,
) -> tuple[StepChange, ...]:
    """The changes of level PELT finds that the Mann–Whitney test confirms at ``alpha``."""
    values = np.asarray(series.values, dtype=np.float64)
    breaks = change_points(values, min_size=min_size, penalty=penalty, clip=clip)
    while breaks:
        tests = _tests(values, breaks)
        worst = max(range(len(breaks)), key=lambda i: tests[i][1])
        if tests[worst][1] < alpha:
            edges = [0, *breaks, values.size]
            return tuple(
                StepChange(
                    index=b,
                    period=series.periods[b],
                    before=float(np.median(values[edges[i] : b])),
                    after=float(np.median(values[b : edges[i + 2]])),
                    statistic=tests[i][0],
                    p_value=tests[i][1],
                )
                for i, b in enumerate(breaks)
            )
        breaks.pop(worst)
    return ()


class MannKendallTester:
    """``core.ports.TrendTester``: the Mann–Kendall test with the Theil–Sen slope, and step
    changes by PELT confirmed by Mann–Whitney U. Stateless; the tuning is the module's."""

    def __init__(self, *, min_size: int = MIN_SEGMENT, penalty: float = PENALTY, clip: float = CLIP) -> None:
        self.min_size = min_size
        self.penalty = penalty
        self.clip = clip

    def analyse(self, series: TrendSeries, *, alpha: float, method: TrendMethod) -> TrendAnalysis:
        if not 0 < alpha < 1:
            raise ValueError(f"alpha must lie between 0 and 1, not {alpha}")
        test = None
        if len(series) >= MIN_VALUES:
            test = mann_kendall(series.positions, series.values, alpha=alpha, method=method)
        steps = step_changes(series, alpha=alpha, min_size=self.min_size, penalty=self.penalty, clip=self.clip)
        return TrendAnalysis(test=test, steps=steps)
