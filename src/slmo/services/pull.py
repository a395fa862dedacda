"""Pulling measurements from Prometheus-compatible stores, bucket by bucket.

An indicator whose queries name a DataSource is pulled by a scheduled job (kind ``pull``,
key the indicator's name) on its bucket's cadence:

- the instants are bucket *ends*, so the value at ``t`` describes the bucket ``[t - b, t)``;
  only complete buckets are pulled;
- the first run backfills the longest window of the objectives that use the indicator, plus
  the longest burn-rate window (at most ``MAX_BACKFILL_DAYS``); later runs start a few
  buckets before the last one stored, so that late scrapes correct their buckets;
- ratio queries are per-second rates, as in OpenSLO's and Sloth's examples: a bucket's count
  is the rate times the bucket's seconds, rounded to whole events. With ``counter: true``
  they are cumulative counters instead, and a bucket's count is the increase since the
  previous instant (a counter reset counts from zero, as Prometheus's ``increase`` does);
- Sloth's ``{{.window}}`` in a query becomes the bucket's length;
- writes replace the source's earlier values of the same buckets (``prometheus:<source>``),
  so a pull repeated changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from slmo.core.engine import BURN_WINDOWS
from slmo.core.model import Agreement, DataSource, Indicator, IndicatorKind, MetricQuery, Window, WindowUnit
from slmo.core.model.measurement import BucketBatch, SampleBatch
from slmo.core.ports import MetricReader, UnitOfWork
from slmo.errors import ConfigurationError, NotFoundError

logger = logging.getLogger(__name__)

PULL = "pull"
MAX_BACKFILL_DAYS = 90
DEFAULT_BACKFILL_DAYS = 28
# Buckets pulled again at each run, for scrapes that arrived late.
OVERLAP_BUCKETS = 5
_DAY = 86400


@dataclass(frozen=True)
class PullPlan:
    """What to ask a source for one indicator."""

    indicator: Indicator
    source: DataSource
    queries: dict[str, str]


@dataclass(frozen=True)
class PullReport:
    indicator: str
    source: str
    start: int
    end: int
    buckets: int


def _query_text(query: MetricQuery, bucket: int, where: str) -> str:
    spec = dict(query.spec)
    text = spec.get("query", spec.get("promql"))
    if not isinstance(text, str) or not text.strip():
        raise ConfigurationError(
            f"{where}: the query has no PromQL in spec.query", key="error.pull_no_query", where=where
        )
    return text.replace("{{.window}}", f"{bucket}s").replace("{{ .window }}", f"{bucket}s")


def _source_of(queries: list[MetricQuery]) -> str | None:
    names = {q.source for q in queries if q.source}
    return names.pop() if len(names) == 1 else None


def plan(uow: UnitOfWork, indicator: Indicator) -> PullPlan | None:
    """The queries of an indicator fed from a named DataSource; ``None`` when it is pushed."""
    if indicator.kind is IndicatorKind.RATIO and indicator.ratio is not None:
        ratio = indicator.ratio
        given = {"good": ratio.good, "bad": ratio.bad, "total": ratio.total}
        queries = {k: q for k, q in given.items() if q is not None}
    elif indicator.kind is IndicatorKind.THRESHOLD and indicator.threshold is not None:
        queries = {"metric": indicator.threshold.metric} if indicator.threshold.metric is not None else {}
    else:
        return None
    name = _source_of(list(queries.values()))
    if name is None:
        return None
    source = uow.catalogue.get("DataSource", name)
    if not isinstance(source, DataSource):
        return None
    if indicator.kind is IndicatorKind.RATIO and ("total" not in queries or len(queries) != 2):
        return None
    bucket = indicator.bucket_seconds
    texts = {k: _query_text(q, bucket, f"Indicator {indicator.name}: {k}") for k, q in queries.items()}
    return PullPlan(indicator, source, texts)


def pullable(uow: UnitOfWork) -> list[PullPlan]:
    found: list[PullPlan] = []
    for obj in uow.catalogue.list("Indicator"):
        if isinstance(obj, Indicator):
            made = plan(uow, obj)
            if made is not None:
                found.append(made)
    return found


# The longest instance of a calendar window, in days: a month of 31, a quarter of 92 ...
_CALENDAR_DAYS = {WindowUnit.MONTH: 31, WindowUnit.QUARTER: 92, WindowUnit.YEAR: 366}


def _longest(window: Window) -> int:
    fixed = window.fixed_seconds
    return fixed if fixed is not None else _CALENDAR_DAYS[window.unit] * window.length * _DAY


def _backfill_seconds(uow: UnitOfWork, indicator: str) -> int:
    longest = 0
    for agreement in uow.catalogue.list("Agreement"):
        assert isinstance(agreement, Agreement)
        for version in agreement.versions:
            for objective in version.objectives:
                if objective.indicator == indicator:
                    longest = max(longest, _longest(objective.window))
    if longest == 0:
        longest = DEFAULT_BACKFILL_DAYS * _DAY
    return min(longest + max(BURN_WINDOWS.values()), MAX_BACKFILL_DAYS * _DAY)


def _increases(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """A cumulative counter's increase between consecutive instants, one fewer than given."""
    increase = values[1:] - values[:-1]
    # A counter that went down was reset: what it counts since is its new value.
    return np.where(increase < 0, values[1:], increase)


class PullService:
    def __init__(self, reader: MetricReader) -> None:
        self._reader = reader

    def pull_in(self, uow: UnitOfWork, indicator_name: str, now: int) -> PullReport:
        """Pull the complete buckets not yet stored (and a few before, for late data) into
        ``uow``, uncommitted: the scheduled job commits them with its own completion."""
        indicator = uow.catalogue.get("Indicator", indicator_name)
        if not isinstance(indicator, Indicator):
            raise NotFoundError(
                f"no indicator {indicator_name!r}", key="error.indicator_not_found", name=indicator_name
            )
        made = plan(uow, indicator)
        if made is None:
            raise ConfigurationError(
                f"Indicator {indicator_name}: its queries name no Prometheus-compatible DataSource",
                key="error.pull_not_pullable",
                name=indicator_name,
            )
        bucket = indicator.bucket_seconds
        end = now // bucket * bucket  # the end of the last complete bucket
        stored = uow.measurements.bucket_range(indicator.name)
        if stored is None:
            start = end - _backfill_seconds(uow, indicator.name) // bucket * bucket
        else:
            start = max(stored[1] - OVERLAP_BUCKETS * bucket, end - MAX_BACKFILL_DAYS * _DAY // bucket * bucket)
        if start >= end:
            return PullReport(indicator.name, made.source.name, start, end, 0)
        counter = bool(indicator.ratio and indicator.ratio.counter)
        # A counter's first bucket needs the value one bucket before it.
        first_instant = start if counter else start + bucket
        values = self._reader.instants(made.source, made.queries, first_instant, end, bucket)
        source = f"prometheus:{made.source.name}"
        if indicator.kind is IndicatorKind.THRESHOLD:
            metric = values["metric"]
            keep = ~np.isnan(metric)
            starts = (first_instant - bucket + bucket * np.arange(metric.shape[0], dtype=np.int64))[keep]
            written = uow.measurements.write_samples(SampleBatch(indicator.name, source, bucket, starts, metric[keep]))
        else:
            written = self._write_ratio(uow, indicator, source, values, first_instant, bucket, counter)
        logger.info("pulled %d buckets of %s from %s", written, indicator.name, made.source.name)
        return PullReport(indicator.name, made.source.name, start, end, written)

    @staticmethod
    def _write_ratio(
        uow: UnitOfWork,
        indicator: Indicator,
        source: str,
        values: Mapping[str, NDArray[np.float64]],
        first_instant: int,
        bucket: int,
        counter: bool,
    ) -> int:
        total_raw = values["total"]
        part = "good" if "good" in values else "bad"
        part_raw = values[part]
        if counter:
            total, some = _increases(total_raw), _increases(part_raw)
            first_bucket = first_instant
        else:
            # Per-second rates: a bucket's count is its rate times its length.
            total, some = total_raw * bucket, part_raw * bucket
            first_bucket = first_instant - bucket
        # Absent good with a total means no good events: Prometheus drops series that are empty.
        some = np.where(np.isnan(some) & ~np.isnan(total), 0.0, some)
        keep = ~np.isnan(total)
        total_n = np.rint(total[keep]).astype(np.int64)
        some_n = np.minimum(np.rint(some[keep]).astype(np.int64), total_n)
        good_n = some_n if part == "good" else total_n - some_n
        starts = (first_bucket + bucket * np.arange(total.shape[0], dtype=np.int64))[keep]
        return uow.measurements.write_buckets(BucketBatch(indicator.name, source, bucket, starts, good_n, total_n))
