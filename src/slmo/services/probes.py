"""Probing: checks slmo makes itself, recorded as the availability of their indicator.

An availability indicator with a ``probe`` is checked by a scheduled job (kind ``probe``,
key the indicator's name) every ``probe.every``. One run makes one check and, in the job's
own unit of work (committed with its completion, so exactly once):

- keeps the result (up, latency, reason, certificate expiry) in the probe results;
- rewrites the bucket the check falls in, under the source ``probe``, from the results kept
  for that bucket: up checks are its good count and all checks its total, as ``slmo ingest
  probes`` counts them. Counting from the kept results makes a run repeated after a
  rollback, or several checks in one bucket, come out right;
- drops results older than ``HISTORY_DAYS``: the buckets stay, the details do not.

A down target is a successful run: the measurement is the point. The job fails (and is
retried with back-off, its error in ``slmo jobs``) only when the check cannot be made.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import numpy as np

from slmo.core.model import Indicator, IndicatorKind
from slmo.core.model.measurement import BucketBatch
from slmo.core.model.probe import ProbeResult, ProbeSpec
from slmo.core.ports import Clock, Prober, UnitOfWork, UnitOfWorkFactory
from slmo.errors import ConfigurationError, NotFoundError

logger = logging.getLogger(__name__)

PROBE = "probe"
# The measurement source of the buckets probes write.
SOURCE = "probe"
# How long each check's details are kept; its bucket is kept like any measurement.
HISTORY_DAYS = 31


@dataclass(frozen=True)
class ProbePlan:
    indicator: Indicator
    probe: ProbeSpec


def probe_of(indicator: Indicator) -> ProbeSpec | None:
    availability = indicator.availability
    if indicator.kind is not IndicatorKind.AVAILABILITY or availability is None:
        return None
    return availability.probe


def probed(uow: UnitOfWork) -> list[ProbePlan]:
    """Every indicator with a probe, by name."""
    found: list[ProbePlan] = []
    for obj in uow.catalogue.list("Indicator"):
        if isinstance(obj, Indicator):
            probe = probe_of(obj)
            if probe is not None:
                found.append(ProbePlan(obj, probe))
    return found


class ProbeService:
    def __init__(self, prober: Prober, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._prober = prober
        self._uow = uow
        self._clock = clock

    def probe_in(self, uow: UnitOfWork, indicator_name: str) -> ProbeResult:
        """Check the indicator's probe once and record the result into ``uow``, uncommitted:
        the scheduled job commits it with its own completion."""
        indicator = uow.catalogue.get("Indicator", indicator_name)
        if not isinstance(indicator, Indicator):
            raise NotFoundError(
                f"no indicator {indicator_name!r}", key="error.indicator_not_found", name=indicator_name
            )
        probe = probe_of(indicator)
        if probe is None:
            raise ConfigurationError(
                f"Indicator {indicator_name} has no probe", key="error.probe_missing", name=indicator_name
            )
        result = self._prober.check(probe, self._clock.now())
        uow.probe_results.add(indicator.name, result)
        self._count(uow, indicator, result.at)
        uow.probe_results.prune(indicator.name, result.at - dt.timedelta(days=HISTORY_DAYS))
        if not result.up:
            logger.warning("probe of %s: down, %s", indicator.name, result.reason)
        elif result.reason is not None:
            logger.warning("probe of %s: up, but %s", indicator.name, result.reason)
        return result

    @staticmethod
    def _count(uow: UnitOfWork, indicator: Indicator, at: dt.datetime) -> None:
        bucket = indicator.bucket_seconds
        start = int(at.timestamp()) // bucket * bucket
        inside = uow.probe_results.list(
            indicator.name,
            start=dt.datetime.fromtimestamp(start, dt.UTC),
            end=dt.datetime.fromtimestamp(start + bucket, dt.UTC),
        )
        up = sum(1 for r in inside if r.up)
        uow.measurements.write_buckets(
            BucketBatch(
                indicator.name,
                SOURCE,
                bucket,
                np.array([start], dtype=np.int64),
                np.array([up], dtype=np.int64),
                np.array([len(inside)], dtype=np.int64),
            )
        )

    def results(
        self, indicator: str, *, start: dt.datetime | None = None, end: dt.datetime | None = None
    ) -> list[ProbeResult]:
        """The checks kept for an indicator, oldest first."""
        with self._uow() as uow:
            return uow.probe_results.list(indicator, start=start, end=end)

    def latest(self, indicator: str) -> ProbeResult | None:
        """The indicator's last check: what a status page shows beside its availability."""
        with self._uow() as uow:
            return uow.probe_results.latest(indicator)
