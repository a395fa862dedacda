"""Incidents for availability indicators: ``slmo ingest incidents``.

CSV with the header ``id,service,start,end,impact`` and an optional ``title`` and ``cause``
(or JSON lines with those keys)::

    id,service,start,end,impact,title,cause
    INC-1042,checkout,2026-10-01T09:12:00Z,2026-10-01T09:47:00Z,outage,Card payments failing,network
    INC-1043,search,2026-10-02T14:00:00+03:00,,degraded,,

``cause`` is what the incident was put down to (``network``, ``change``, ``capacity``...); the
improvement opportunities group the budget spent during incidents by it.

``end`` is empty (or null, or left out) while the incident is open, and never before ``start``;
``impact`` is ``outage`` or ``degraded``. A later row with the same ``id`` replaces an earlier
one, as the store keeps one incident per id. A field of a CSV row may be quoted (a title with
a comma) but may not span lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from slmo.core.model.measurement import Impact, Incident
from slmo.errors import Problem
from slmo.sources.chunks import read_chunks, time_rules
from slmo.sources.fields import Column, Kind, show
from slmo.sources.layout import ColumnChunk, Layout
from slmo.sources.tabular import source_name as name_of
from slmo.sources.timestamps import DAY

_IMPACTS = {impact.value: impact for impact in Impact}


def _incident_rules(row: Mapping[str, Any]) -> tuple[str, str] | None:
    if row["impact"].lower() not in _IMPACTS:
        return "impact", f"{show(row['impact'])} is not {' or '.join(_IMPACTS)}"
    if row["end"] is not None and row["end"] < row["start"]:
        return "end", f"{_iso(row['end'])} is before start {_iso(row['start'])}"
    return None


INCIDENTS = Layout(
    columns=(
        Column("id", Kind.TEXT),
        Column("service", Kind.TEXT),
        Column("start", Kind.TIME),
        Column("end", Kind.TIME, required=False, blank=True),
        Column("impact", Kind.TEXT),
        Column("title", Kind.TEXT, required=False, blank=True),
        Column("cause", Kind.TEXT, required=False, blank=True),
    ),
    check_row=_incident_rules,
)


@dataclass(frozen=True, eq=False)
class IncidentChunk:
    """The incidents of one chunk in file order with the line of each; problems as in
    EventChunk. ``source`` of each incident is the name of the input."""

    incidents: list[Incident]
    lines: list[int]
    problems: list[Problem]
    rejected: int

    def __len__(self) -> int:
        return len(self.incidents)


def read_incidents(
    source: IO[bytes] | str | Path,
    source_name: str | None = None,
    *,
    now_epoch: int,
    tz: str | dt.tzinfo | None = None,
    max_future_seconds: int = DAY,
    chunk_rows: int = 20_000,
    max_problems: int = 100,
) -> Iterator[IncidentChunk]:
    """Stream incidents; arguments as for :func:`slmo.sources.events.read_events`."""
    rules = time_rules(tz, now_epoch, max_future_seconds)
    chunks = read_chunks(source, source_name, INCIDENTS, rules, chunk_rows=chunk_rows, max_problems=max_problems)
    return _incidents(chunks, name_of(source, source_name))


def _incidents(chunks: Iterator[ColumnChunk], source: str) -> Iterator[IncidentChunk]:
    for chunk in chunks:
        v = chunk.values
        incidents = [
            Incident(
                id=v["id"][i],
                service=v["service"][i],
                start=_moment(v["start"][i]),
                end=None if v["end"][i] is None else _moment(v["end"][i]),
                impact=_IMPACTS[v["impact"][i].lower()],
                title=v["title"][i],
                source=source,
                cause=v["cause"][i],
            )
            for i in range(len(chunk.lines))
        ]
        yield IncidentChunk(incidents, chunk.lines.tolist(), chunk.problems, chunk.rejected)


def _moment(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


def _iso(epoch: int) -> str:
    return "'" + _moment(epoch).isoformat().replace("+00:00", "Z") + "'"
