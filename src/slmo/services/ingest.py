"""Taking in what was delivered: event counts, metric samples, probe results and incidents.

Every input is streamed chunk by chunk into a bucket accumulator (memory grows with the
buckets an input spans, not with its rows) and written in one transaction at the end:
- ``on_error=abort`` (the default): any bad row and nothing of the input is written;
- ``on_error=skip``: the good rows are written and the bad ones are listed.
Writes replace what the same source said about the same buckets, so an input sent twice
changes nothing and a later input corrects its buckets. Each import is audited.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum
from typing import BinaryIO

from slmo.core.engine.bucketing import BucketAccumulator, SampleAccumulator
from slmo.core.model import Indicator, IndicatorKind, Service
from slmo.core.model.audit import Actor, AuditAction, AuditEntry
from slmo.core.model.measurement import BucketBatch, Incident, SampleBatch
from slmo.core.ports import Clock, MeasurementReader, RowChunk, UnitOfWork, UnitOfWorkFactory
from slmo.errors import IngestError, Location, NotFoundError, PermissionDeniedError, Problem

logger = logging.getLogger(__name__)


class OnError(StrEnum):
    ABORT = "abort"
    SKIP = "skip"


class MeasurementKind(StrEnum):
    EVENTS = "events"
    SAMPLES = "samples"
    PROBES = "probes"
    INCIDENTS = "incidents"


def not_owned(service: str | None) -> PermissionDeniedError:
    """What an owner is told when an input holds data of a service its party does not own."""
    return PermissionDeniedError(
        f"this owner may not send data of service {service!r}, which its party does not own",
        key="error.permission_service",
        name=service,
    )


# Which indicator kinds each input feeds.
_FEEDS = {
    MeasurementKind.EVENTS: IndicatorKind.RATIO,
    MeasurementKind.SAMPLES: IndicatorKind.THRESHOLD,
    MeasurementKind.PROBES: IndicatorKind.AVAILABILITY,
}


@dataclass
class IngestReport:
    """What one input gave: rows taken and refused, buckets (or incidents) written."""

    kind: MeasurementKind
    name: str
    indicator: str | None
    source: str
    rows: int = 0
    rejected: int = 0
    written: int = 0
    duplicates: int = 0
    problems: list[Problem] = field(default_factory=list)


class IngestService:
    def __init__(self, uow: UnitOfWorkFactory, reader: MeasurementReader, clock: Clock) -> None:
        self._uow = uow
        self._reader = reader
        self._clock = clock

    def _indicator(self, uow: UnitOfWork, name: str, kind: MeasurementKind) -> Indicator:
        found = uow.catalogue.get("Indicator", name)
        if not isinstance(found, Indicator):
            raise NotFoundError(
                f"unknown indicator {name!r}; apply its Indicator document first",
                key="error.unknown_indicator",
                name=name,
            )
        wanted = _FEEDS[kind]
        if found.kind is not wanted:
            raise IngestError(
                [
                    Problem(
                        None,
                        "--indicator",
                        f"{name!r} is a {found.kind.value} indicator; {kind.value} feed {wanted.value} indicators",
                        key="ingest.wrong_indicator_kind",
                        args={"name": name, "kind": found.kind.value, "input": kind.value, "wanted": wanted.value},
                    )
                ]
            )
        return found

    @staticmethod
    def _count(chunk: RowChunk, report: IngestReport) -> None:
        # Reading goes on after a bad row so that every bad row is reported at once.
        report.rows += len(chunk)
        report.rejected += chunk.rejected
        report.problems.extend(chunk.problems)

    def _finish(self, report: IngestReport, on_error: OnError) -> None:
        if report.rejected and on_error is OnError.ABORT:
            raise IngestError(
                report.problems,
                f"{report.name}: {report.rejected} bad row(s); nothing was written (--on-error skip writes the good rows)",
            )

    def measurements(
        self,
        kind: MeasurementKind,
        indicator: str,
        stream: BinaryIO,
        name: str,
        actor: Actor,
        *,
        source: str = "default",
        tz: str | None = None,
        on_error: OnError = OnError.ABORT,
    ) -> IngestReport:
        """Events, samples or probes for one indicator, from one input."""
        with self._uow() as uow:
            found = self._indicator(uow, indicator, kind)
        now = self._clock.now()
        report = IngestReport(kind, name, indicator, source)
        now_epoch = int(now.timestamp())
        bucket = found.bucket_seconds
        batch: BucketBatch | SampleBatch
        if kind is MeasurementKind.SAMPLES:
            samples = SampleAccumulator(bucket)
            for sample_rows in self._reader.samples(stream, name, now_epoch=now_epoch, tz=tz):
                self._count(sample_rows, report)
                samples.add(sample_rows.timestamps, sample_rows.values)
            self._finish(report, on_error)
            result = samples.result()
            report.duplicates = result.duplicates
            batch = SampleBatch(indicator, source, bucket, result.starts, result.values)
        else:
            counts = BucketAccumulator(bucket)
            if kind is MeasurementKind.PROBES:
                for probe_rows in self._reader.probes(stream, name, now_epoch=now_epoch, tz=tz):
                    self._count(probe_rows, report)
                    counts.add_probes(probe_rows.timestamps, probe_rows.up)
            else:
                for event_rows in self._reader.events(stream, name, now_epoch=now_epoch, tz=tz):
                    self._count(event_rows, report)
                    counts.add(event_rows.timestamps, event_rows.good, event_rows.total)
            self._finish(report, on_error)
            buckets = counts.result()
            report.duplicates = buckets.duplicates
            batch = BucketBatch(indicator, source, bucket, buckets.starts, buckets.good, buckets.total)
        with self._uow() as uow:
            if isinstance(batch, SampleBatch):
                report.written = uow.measurements.write_samples(batch)
            else:
                report.written = uow.measurements.write_buckets(batch)
            self._audit(uow, report, actor, now)
            uow.commit()
        logger.info("%s: %d rows, %d buckets written to %s", name, report.rows, report.written, indicator)
        return report

    def incidents(
        self,
        stream: BinaryIO,
        name: str,
        actor: Actor,
        *,
        tz: str | None = None,
        on_error: OnError = OnError.ABORT,
        owned: Collection[str] | None = None,
    ) -> IngestReport:
        """Incidents, inserted or replaced by id; their services must be in the catalogue, and
        among ``owned`` when given (else ``PermissionDeniedError`` and nothing is written:
        an owner sends incidents of its own services only)."""
        now = self._clock.now()
        report = IngestReport(MeasurementKind.INCIDENTS, name, None, name)
        with self._uow() as uow:
            services = {s.name for s in uow.catalogue.list("Service") if isinstance(s, Service)}
        incidents: list[Incident] = []
        for chunk in self._reader.incidents(stream, name, now_epoch=int(now.timestamp()), tz=tz):
            self._count(chunk, report)
            for incident, line in zip(chunk.incidents, chunk.lines, strict=True):
                if incident.service not in services:
                    report.rejected += 1
                    report.rows -= 1
                    report.problems.append(
                        Problem(
                            Location(name, line),
                            "service",
                            f"{incident.service!r} is not a service in the catalogue",
                            key="ingest.unknown_service",
                            args={"name": incident.service},
                        )
                    )
                    continue
                if owned is not None and incident.service not in owned:
                    raise not_owned(incident.service)
                incidents.append(incident)
        self._finish(report, on_error)
        with self._uow() as uow:
            report.written = uow.measurements.put_incidents(incidents)
            self._audit(uow, report, actor, now)
            uow.commit()
        return report

    @staticmethod
    def _audit(uow: UnitOfWork, report: IngestReport, actor: Actor, now: dt.datetime) -> None:
        uow.audit.record(
            AuditEntry(
                at=now,
                actor=actor.name,
                interface=actor.interface,
                action=AuditAction.CHANGE,
                kind="Measurements",
                name=report.indicator or "incidents",
                before=None,
                after={
                    "input": report.name,
                    "kind": report.kind.value,
                    "source": report.source,
                    "rows": report.rows,
                    "rejected": report.rejected,
                    "written": report.written,
                },
            )
        )
