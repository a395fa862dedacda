"""Catalogue objects as the plain documents the store keeps, and audit entries as the
store gives them back. No SQLAlchemy here: the in-memory fakes use the same functions,
so a fake and a database disagree on nothing but speed.

A catalogue object is stored as ``to_plain(obj)`` and read back with ``from_plain``;
``plain`` guarantees the round trip gives an equal object. A document that no longer
reads (written by a newer slmo, or edited by hand) is a ``StoreError`` naming the object,
not a ``KeyError`` from deep inside the converter.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Mapping
from typing import Any

from slmo.core.model.audit import AuditAction, AuditEntry
from slmo.core.model.kinds import KIND_CLASSES, KIND_ORDER, CatalogueObject, kind_of
from slmo.core.model.measurement import Incident
from slmo.core.model.plain import from_plain, to_plain
from slmo.core.model.results import ObjectiveEvaluation
from slmo.errors import IngestError, Problem, StoreError

# How documents become JSON text, for the engine and the fakes alike. NaN and infinities
# are refused (PostgreSQL's JSONB would refuse them, SQLite would keep them): the same
# document must be storable everywhere or nowhere. Arabic stays readable in the file.
dumps = functools.partial(json.dumps, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def as_utc(value: dt.datetime) -> dt.datetime:
    """``value`` in UTC; a naive value is refused, since its instant is unknown."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"a naive datetime cannot be stored, give it a time zone: {value.isoformat()}")
    return value.astimezone(dt.UTC)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def document_of(obj: CatalogueObject) -> tuple[str, dict[str, Any]]:
    """The kind of ``obj`` and the plain document that stores it, exactly as it will come
    back from JSON (tuples as lists, every value JSON can hold)."""
    kind = kind_of(obj)
    return kind, json_copy(to_plain(obj), f"{kind}/{obj.name}")


def json_copy(value: Any, what: str) -> dict[str, Any]:
    """``value`` after a trip through JSON text; a ``StoreError`` naming ``what`` when a
    value in it (a set, an object, NaN) has no JSON form."""
    try:
        copy = json.loads(dumps(value))
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"{what} cannot be stored: it holds a value JSON cannot represent ({exc})",
            key="error.store.not_json",
            what=what,
        ) from exc
    if not isinstance(copy, dict):  # pragma: no cover - callers pass mappings
        raise TypeError(f"{what} is not a mapping")
    return copy


def object_from(kind: str, name: str, document: Mapping[str, Any]) -> CatalogueObject:
    """The domain object stored as ``document`` under ``kind``/``name``."""
    cls = KIND_CLASSES.get(kind)
    if cls is None:
        raise StoreError(
            f"stored object {kind}/{name} has a kind this slmo does not know (known: {', '.join(KIND_ORDER)})",
            key="error.store.unknown_kind",
            kind=kind,
            name=name,
        )
    try:
        return from_plain(cls, document)
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(
            f"stored object {kind}/{name} cannot be read as a {kind}: {exc!r}",
            key="error.store.unreadable",
            kind=kind,
            name=name,
        ) from exc


def sort_key(kind: str, name: str) -> tuple[int, str]:
    """KIND_ORDER first, then the name by code point.

    Sorting happens in Python rather than in SQL because PostgreSQL orders text by the
    database's collation and SQLite by bytes; the same catalogue must list the same way
    on both. Unknown kinds go last (and fail when converted).
    """
    try:
        position = KIND_ORDER.index(kind)
    except ValueError:
        position = len(KIND_ORDER)
    return position, name


def plain_mapping(value: Mapping[str, Any] | None, what: str) -> dict[str, Any] | None:
    """An audit document as it comes back from JSON: the services pass ``to_plain`` output,
    but a mapping proxy or a tuple inside would not survive ``json.dumps`` or would come
    back as a list, so both stores normalise the same way."""
    if value is None:
        return None
    return json_copy(to_plain(value), what)


def stored_audit_entry(entry: AuditEntry, *, entry_id: int) -> AuditEntry:
    """``entry`` as a store gives it back: with its id, its instant in UTC and its
    documents as plain JSON values."""
    return AuditEntry(
        id=entry_id,
        at=as_utc(entry.at),
        actor=entry.actor,
        interface=entry.interface,
        action=AuditAction(entry.action),
        kind=entry.kind,
        name=entry.name,
        before=plain_mapping(entry.before, f"the audit entry of {entry.kind}/{entry.name}"),
        after=plain_mapping(entry.after, f"the audit entry of {entry.kind}/{entry.name}"),
    )


def stored_incident(incident: Incident) -> Incident:
    """``incident`` as a store gives it back: instants in UTC. A naive instant is a
    ``ValueError``; an end before the start an ``IngestError``."""
    if not isinstance(incident, Incident):
        raise TypeError(f"not an Incident: {incident!r}")
    if incident.end is not None and as_utc(incident.end) < as_utc(incident.start):
        raise IngestError(
            [
                Problem(
                    None,
                    "end",
                    f"incident {incident.id} from {incident.source} ends before it starts "
                    f"({incident.end.isoformat()} < {incident.start.isoformat()})",
                )
            ]
        )
    return Incident(
        id=incident.id,
        service=incident.service,
        start=as_utc(incident.start),
        end=None if incident.end is None else as_utc(incident.end),
        impact=incident.impact,
        title=incident.title,
        source=incident.source,
        cause=incident.cause,
    )


# JSON has no token for infinity or NaN (and PostgreSQL's JSONB refuses them), but a burn
# rate is infinite when an objective's target is 100 %: such numbers are kept as this
# one-key object, which no field of an evaluation can otherwise hold.
_NON_FINITE = "$float"


def _finite_json(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return {_NON_FINITE: repr(float(value))}
    if isinstance(value, dict):
        return {k: _finite_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite_json(v) for v in value]
    return value


def _from_finite_json(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and _NON_FINITE in value:
            return float(value[_NON_FINITE])
        return {k: _from_finite_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_finite_json(v) for v in value]
    return value


def stored_number(value: Any) -> float | None:
    """One number of a stored evaluation document, read alone (``None`` for null): finite
    numbers are JSON numbers, the others the documents ``evaluation_document`` writes for them."""
    found = _from_finite_json(value)
    return None if found is None else float(found)


def evaluation_document(record: ObjectiveEvaluation) -> dict[str, Any]:
    """The plain document that stores ``record``, exactly as it comes back from JSON; its
    instants must be aware (``ValueError`` otherwise, as for the audit log)."""
    if not isinstance(record, ObjectiveEvaluation):
        raise TypeError(f"not an ObjectiveEvaluation: {record!r}")
    evaluation = record.evaluation
    for instant in (evaluation.at, evaluation.window_start, evaluation.window_end):
        as_utc(instant)
    return json_copy(_finite_json(to_plain(record)), f"the evaluation of {record.key}")


def evaluation_from(document: Mapping[str, Any]) -> ObjectiveEvaluation:
    """The record stored as ``document``; a ``StoreError`` when it no longer reads."""
    try:
        return from_plain(ObjectiveEvaluation, _from_finite_json(document))
    except (KeyError, TypeError, ValueError) as exc:
        inner = document.get("evaluation")
        name = f"{document.get('agreement')}/{inner.get('objective') if isinstance(inner, Mapping) else None}"
        raise StoreError(
            f"a stored evaluation of {name} cannot be read: {exc!r}", key="error.store.unreadable", name=name
        ) from exc
