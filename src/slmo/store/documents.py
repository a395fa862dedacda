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
from collections.abc import Mapping
from typing import Any

from slmo.core.model.audit import AuditAction, AuditEntry
from slmo.core.model.kinds import KIND_CLASSES, KIND_ORDER, CatalogueObject, kind_of
from slmo.core.model.plain import from_plain, to_plain
from slmo.errors import StoreError

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
