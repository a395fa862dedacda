"""What was delivered, as the store keeps it: buckets of good and total events, metric samples
per bucket, and incidents.

Times are integer seconds since the Unix epoch (UTC); bucket starts are multiples of the
indicator's bucket length. Arrays are numpy so that a batch of a million buckets is one
object, not a million.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True, eq=False)
class BucketBatch:
    """Good and total events per bucket of one indicator, from one source.

    Writing a batch replaces what the same source said earlier about the same buckets, so
    that a file sent twice changes nothing and late data corrects its bucket.
    """

    indicator: str
    source: str
    bucket_seconds: int
    starts: NDArray[np.int64]
    good: NDArray[np.int64]
    total: NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.starts.shape[0])


@dataclass(frozen=True, eq=False)
class SampleBatch:
    """One metric value per bucket (for threshold indicators), from one source; replaces like
    :class:`BucketBatch`."""

    indicator: str
    source: str
    bucket_seconds: int
    starts: NDArray[np.int64]
    values: NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.starts.shape[0])


@dataclass(frozen=True, eq=False)
class BucketSeries:
    """Dense series over ``[start, start + len * bucket_seconds)``: every bucket present, summed
    over sources. ``present`` says which buckets any source reported at all."""

    start: int
    bucket_seconds: int
    good: NDArray[np.int64]
    total: NDArray[np.int64]
    present: NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class SampleSeries:
    """Dense series of values per bucket; NaN where no sample was reported."""

    start: int
    bucket_seconds: int
    values: NDArray[np.float64]


class Impact(StrEnum):
    OUTAGE = "outage"
    DEGRADED = "degraded"


@dataclass(frozen=True, kw_only=True)
class Incident:
    """An interruption or degradation of a service. ``end`` of ``None`` means still open;
    ``cause`` is what the service desk recorded as its cause (``network``, ``change``...),
    by which improvement opportunities group incidents."""

    id: str
    service: str
    start: dt.datetime
    end: dt.datetime | None
    impact: Impact
    title: str | None = None
    source: str = "import"
    cause: str | None = None
