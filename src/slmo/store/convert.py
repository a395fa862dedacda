"""The only place where rows meet domain objects.

The document side of the mapping (``to_plain``/``from_plain``, kind checks, ordering)
lives in ``documents`` so the in-memory fakes share it; this module adds the rows.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from typing import Any

from slmo.core.model.audit import AuditAction, AuditEntry
from slmo.core.model.kinds import CatalogueObject
from slmo.core.model.measurement import Impact, Incident
from slmo.core.model.results import ObjectiveEvaluation
from slmo.store.chunks import CountChunk, ValueChunk
from slmo.store.documents import (
    as_utc,
    document_of,
    evaluation_document,
    object_from,
    plain_mapping,
    stored_incident,
)
from slmo.store.schema import AuditRow, CatalogueRow

# Objects made from rows, by (kind, name, revision, updated_at): every change moves the
# revision and the time, so a key names one document for good, and the objects are frozen, so
# they may be shared. Each scheduled job reads its agreement, indicator and calendar: without
# this, turning their documents into objects again costs a thousand jobs a minute seconds.
_MADE: OrderedDict[tuple[str, str, int, dt.datetime], CatalogueObject] = OrderedDict()
_MADE_LIMIT = 8192
_MADE_LOCK = threading.Lock()


def object_from_row(row: CatalogueRow) -> CatalogueObject:
    # A row not flushed yet has no revision: nothing names its document for good.
    revision: int | None = row.revision
    if revision is None:
        return object_from(row.kind, row.name, row.document)
    key = (row.kind, row.name, revision, row.updated_at)
    with _MADE_LOCK:
        made = _MADE.get(key)
        if made is not None:
            _MADE.move_to_end(key)
            return made
    made = object_from(row.kind, row.name, row.document)
    with _MADE_LOCK:
        _MADE[key] = made
        if len(_MADE) > _MADE_LIMIT:
            _MADE.popitem(last=False)
    return made


def new_catalogue_row(obj: CatalogueObject, *, now: dt.datetime) -> CatalogueRow:
    """A row for an object not stored yet; the mapper sets ``revision`` to 1 on insert."""
    kind, document = document_of(obj)
    return CatalogueRow(kind=kind, name=obj.name, document=document, created_at=now, updated_at=now)


def update_catalogue_row(row: CatalogueRow, obj: CatalogueObject, *, now: dt.datetime) -> bool:
    """Give ``row`` the document of ``obj``; ``False`` (and the row untouched) when equal,
    so that storing an unchanged object neither bumps the revision nor the time."""
    _, document = document_of(obj)
    if document == row.document:
        return False
    row.document = document
    row.updated_at = now
    return True


def audit_row_from(entry: AuditEntry) -> AuditRow:
    """A new row for ``entry``; its id is given by the database."""
    return AuditRow(
        at=as_utc(entry.at),
        actor=entry.actor,
        interface=entry.interface,
        action=str(entry.action),
        kind=entry.kind,
        name=entry.name,
        before=plain_mapping(entry.before, f"the audit entry of {entry.kind}/{entry.name}"),
        after=plain_mapping(entry.after, f"the audit entry of {entry.kind}/{entry.name}"),
    )


def audit_entry_from(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        interface=row.interface,
        action=AuditAction(row.action),
        kind=row.kind,
        name=row.name,
        before=row.before,
        after=row.after,
    )


# Measurements and evaluations are written in bulk (executemany, upserts), so they become
# parameter mappings keyed by column name rather than row objects.


def count_chunk_values(indicator: str, source: str, chunk: CountChunk) -> dict[str, Any]:
    return {
        "indicator": indicator,
        "chunk_start": chunk.start,
        "source": source,
        "bucket_seconds": chunk.bucket_seconds,
        "good": chunk.good,
        "total": chunk.total,
    }


def value_chunk_values(indicator: str, source: str, chunk: ValueChunk) -> dict[str, Any]:
    return {
        "indicator": indicator,
        "chunk_start": chunk.start,
        "source": source,
        "bucket_seconds": chunk.bucket_seconds,
        "sample_values": chunk.values,
    }


def incident_values(incident: Incident) -> dict[str, Any]:
    """Column values for ``incident``, its instants in UTC (a naive one is refused)."""
    stored = stored_incident(incident)
    return {
        "source": stored.source,
        "id": stored.id,
        "service": stored.service,
        "start": stored.start,
        "end": stored.end,
        "impact": str(stored.impact),
        "title": stored.title,
        "cause": stored.cause,
    }


def incident_from(row: Any) -> Incident:
    """An incident from a row of the incidents table (an ORM row or a Core result row)."""
    return Incident(
        id=row.id,
        service=row.service,
        start=row.start,
        end=row.end,
        impact=Impact(row.impact),
        title=row.title,
        source=row.source,
        cause=row.cause,
    )


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def evaluation_values(record: ObjectiveEvaluation) -> dict[str, Any]:
    """Column values for ``record``: the document, and the columns queries use."""
    document = evaluation_document(record)
    evaluation = record.evaluation
    return {
        "agreement": record.agreement,
        "objective": evaluation.objective,
        "version": record.version,
        "service": record.service,
        "indicator": record.indicator,
        "at": as_utc(evaluation.at),
        "window_start": as_utc(evaluation.window_start),
        "window_end": as_utc(evaluation.window_end),
        "status": str(evaluation.status),
        "attainment": _number(evaluation.attainment),
        "budget_left": _number(evaluation.budget_left),
        "document": document,
    }
