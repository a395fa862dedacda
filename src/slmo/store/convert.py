"""The only place where rows meet domain objects.

The document side of the mapping (``to_plain``/``from_plain``, kind checks, ordering)
lives in ``documents`` so the in-memory fakes share it; this module adds the rows.
"""

from __future__ import annotations

import datetime as dt

from slmo.core.model.audit import AuditAction, AuditEntry
from slmo.core.model.kinds import CatalogueObject
from slmo.store.documents import as_utc, document_of, object_from, plain_mapping
from slmo.store.schema import AuditRow, CatalogueRow


def object_from_row(row: CatalogueRow) -> CatalogueObject:
    return object_from(row.kind, row.name, row.document)


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
