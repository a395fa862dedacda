"""Measurements as the engine takes them: counts on a regular grid of buckets, one row per
objective, with service-hour and maintenance weights.

Bucket ``i`` covers ``[start + i * bucket_seconds, start + (i + 1) * bucket_seconds)``. A
window ``[s, e)`` holds the buckets whose start lies in it, so an instant in the middle of a
bucket counts that bucket in the window it begins. ``good`` and ``total`` are one row
(``(n,)``, one objective) or a matrix (``(k, n)``, one row per objective), any integer or
float dtype; int32 rows straight from the store are read without a copy.

``service`` and ``excluded`` weigh each bucket in ``[0, 1]``: the part of it inside service
hours, and the part in agreed maintenance. Booleans keep every sum an exact integer; floats
allow buckets cut by an edge. One row ``(n,)`` is shared by every objective, which is also
the fast path: the engine then sums runs of equal weight instead of multiplying arrays.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.model.indicator import Operator
from slmo.core.model.measurement import BucketSeries, SampleSeries


@dataclass(frozen=True, eq=False)
class BucketGrid:
    start: int
    bucket_seconds: int
    good: NDArray[Any]
    total: NDArray[Any]
    service: NDArray[Any] | None = None
    excluded: NDArray[Any] | None = None

    def __post_init__(self) -> None:
        if self.bucket_seconds <= 0:
            raise ValueError(f"bucket_seconds must be positive, got {self.bucket_seconds}")
        if self.good.shape != self.total.shape or self.good.ndim not in (1, 2):
            raise ValueError(f"good {self.good.shape} and total {self.total.shape} must be equal (n,) or (k, n) arrays")
        for name, weights in (("service", self.service), ("excluded", self.excluded)):
            if weights is not None and weights.shape not in (self.good.shape[-1:], self.good.shape):
                raise ValueError(f"{name} weights {weights.shape} must be (n,) or {self.good.shape}")

    @classmethod
    def of(
        cls,
        start: int,
        bucket_seconds: int,
        good: ArrayLike,
        total: ArrayLike,
        *,
        service: ArrayLike | None = None,
        excluded: ArrayLike | None = None,
    ) -> BucketGrid:
        """Build from anything array-like (lists in tests, arrays from the store)."""
        return cls(
            start=int(start),
            bucket_seconds=int(bucket_seconds),
            good=np.asarray(good),
            total=np.asarray(total),
            service=None if service is None else np.asarray(service),
            excluded=None if excluded is None else np.asarray(excluded),
        )

    @classmethod
    def of_values(
        cls,
        start: int,
        bucket_seconds: int,
        values: ArrayLike,
        operator: Operator,
        bound: float,
        *,
        service: ArrayLike | None = None,
        excluded: ArrayLike | None = None,
    ) -> BucketGrid:
        """A threshold indicator: one metric value per bucket (NaN when nothing was measured)
        becomes one event per measured bucket, good when ``value OP bound``."""
        good, total = threshold_counts(values, operator, bound)
        return cls.of(start, bucket_seconds, good, total, service=service, excluded=excluded)

    @classmethod
    def of_series(
        cls,
        series: BucketSeries | Sequence[BucketSeries],
        *,
        service: ArrayLike | None = None,
        excluded: ArrayLike | None = None,
    ) -> BucketGrid:
        """From the store's dense series: one (one row) or several on the same grid (a row
        each, in order)."""
        if isinstance(series, BucketSeries):
            return cls.of(
                series.start, series.bucket_seconds, series.good, series.total, service=service, excluded=excluded
            )
        first = series[0]
        for other in series[1:]:
            if (other.start, other.bucket_seconds, other.good.shape) != (
                first.start,
                first.bucket_seconds,
                first.good.shape,
            ):
                raise ValueError("series stacked into one grid must share start, bucket length and size")
        return cls.of(
            first.start,
            first.bucket_seconds,
            np.stack([s.good for s in series]),
            np.stack([s.total for s in series]),
            service=service,
            excluded=excluded,
        )

    @classmethod
    def of_samples(
        cls,
        samples: SampleSeries,
        operator: Operator,
        bound: float,
        *,
        service: ArrayLike | None = None,
        excluded: ArrayLike | None = None,
    ) -> BucketGrid:
        """From the store's dense metric values (NaN where nothing was reported)."""
        return cls.of_values(
            samples.start, samples.bucket_seconds, samples.values, operator, bound, service=service, excluded=excluded
        )

    @property
    def count(self) -> int:
        """Number of buckets."""
        return int(self.good.shape[-1])

    @property
    def end(self) -> int:
        return self.start + self.count * self.bucket_seconds

    @property
    def shared_weights(self) -> bool:
        """True when every objective has the same service and maintenance weights."""
        return all(w is None or w.ndim == 1 for w in (self.service, self.excluded))

    def index(self, at: int) -> int:
        """Index of the first bucket starting at or after ``at``, clipped to ``[0, count]``."""
        return min(max(math.ceil((at - self.start) / self.bucket_seconds), 0), self.count)

    def indices(self, instants: ArrayLike) -> NDArray[np.intp]:
        t = np.asarray(instants, dtype=np.int64)
        return np.clip(-((self.start - t) // self.bucket_seconds), 0, self.count).astype(np.intp)

    def rows(self, which: ArrayLike) -> BucketGrid:
        """The grid of some objectives only (a copy of those rows)."""
        if self.good.ndim == 1:
            raise ValueError("a one-objective grid has no rows to pick")
        picked = np.asarray(which, dtype=np.intp)

        def pick(weights: NDArray[Any] | None) -> NDArray[Any] | None:
            return weights if weights is None or weights.ndim == 1 else weights[picked]

        return BucketGrid(
            start=self.start,
            bucket_seconds=self.bucket_seconds,
            good=self.good[picked],
            total=self.total[picked],
            service=pick(self.service),
            excluded=pick(self.excluded),
        )


def threshold_counts(
    values: ArrayLike, operator: Operator, bound: float
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per bucket: total 1 when a value was measured (not NaN), good 1 when it meets the bound.

    OpenSLO v1 objectives: ``op`` (lt, lte, gt, gte) compares the indicator with ``value``.
    """
    v = np.asarray(values, dtype=np.float64)
    measured = ~np.isnan(v)
    with np.errstate(invalid="ignore"):
        if operator is Operator.LT:
            passed = v < bound
        elif operator is Operator.LTE:
            passed = v <= bound
        elif operator is Operator.GT:
            passed = v > bound
        else:
            passed = v >= bound
    return (passed & measured).astype(np.int64), measured.astype(np.int64)
