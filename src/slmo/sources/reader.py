"""The readers of this package behind the ``MeasurementReader`` port."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from slmo.sources.events import EventChunk, read_events
from slmo.sources.incidents import IncidentChunk, read_incidents
from slmo.sources.probes import ProbeChunk, read_probes
from slmo.sources.samples import SampleChunk, read_samples


class TabularMeasurementReader:
    """CSV with a header, or JSON lines, detected from the first bytes."""

    def events(self, source: BinaryIO, name: str, *, now_epoch: int, tz: str | None) -> Iterator[EventChunk]:
        return read_events(source, name, now_epoch=now_epoch, tz=tz)

    def samples(self, source: BinaryIO, name: str, *, now_epoch: int, tz: str | None) -> Iterator[SampleChunk]:
        return read_samples(source, name, now_epoch=now_epoch, tz=tz)

    def probes(self, source: BinaryIO, name: str, *, now_epoch: int, tz: str | None) -> Iterator[ProbeChunk]:
        return read_probes(source, name, now_epoch=now_epoch, tz=tz)

    def incidents(self, source: BinaryIO, name: str, *, now_epoch: int, tz: str | None) -> Iterator[IncidentChunk]:
        return read_incidents(source, name, now_epoch=now_epoch, tz=tz)
