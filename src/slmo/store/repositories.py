"""The catalogue and the audit log over an SQLAlchemy session.

Repositories never commit: the unit of work that owns the session does. They flush
after each catalogue write so that a collision (same kind and name inserted by another
transaction, or a row changed since it was read) is reported at the call that caused
it, as a ``ConflictError``, rather than later at commit.

Optimistic locking: the catalogue repository holds every row it has read until the unit
of work commits or rolls back. SQLAlchemy's identity map holds rows only weakly, and a
row dropped from it would be read again (newer) before a write, hiding that someone else
changed the object since this unit of work read it; held, the row keeps the revision it
was read at, and the UPDATE or DELETE that names that revision finds nothing.
"""

from __future__ import annotations

import builtins
import datetime as dt
import functools
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import URL, func, select
from sqlalchemy.orm import Session

from slmo.core.model.audit import AuditEntry
from slmo.core.model.chain import AUDIT_CHAIN, ChainHead, ChainLink, audit_content
from slmo.core.model.kinds import CatalogueObject, kind_of
from slmo.store.chains import append_link, read_head
from slmo.store.convert import (
    audit_entry_from,
    audit_row_from,
    new_catalogue_row,
    object_from_row,
    update_catalogue_row,
)
from slmo.store.documents import sort_key, utc_now
from slmo.store.failures import session_url, translated
from slmo.store.schema import AuditRow, CatalogueRow

Now = Callable[[], dt.datetime]


class SqlCatalogueRepository:
    """Catalogue objects, one row each, kept as their plain documents."""

    def __init__(self, session: Session, *, now: Now = utc_now) -> None:
        self._session = session
        self._now = now
        self._held: dict[tuple[str, str], CatalogueRow] = {}

    @property
    def _url(self) -> URL:
        return session_url(self._session)

    def get(self, kind: str, name: str) -> CatalogueObject | None:
        with translated(self._url, f"reading {kind}/{name}"):
            row = self._row(kind, name)
            return None if row is None else object_from_row(row)

    def list(self, kind: str | None = None) -> builtins.list[CatalogueObject]:
        statement = select(CatalogueRow)
        if kind is not None:
            statement = statement.where(CatalogueRow.kind == kind)
        with translated(self._url, f"listing {kind or 'the catalogue'}"):
            rows = sorted(self._session.scalars(statement).all(), key=lambda r: sort_key(r.kind, r.name))
        for row in rows:
            self._held[row.kind, row.name] = row
        return [object_from_row(row) for row in rows]

    def put(self, obj: CatalogueObject) -> None:
        kind = kind_of(obj)
        with translated(self._url, f"storing {kind}/{obj.name}"):
            row = self._row(kind, obj.name)
            now = self._now()
            if row is None:
                row = new_catalogue_row(obj, now=now)
                self._session.add(row)
                self._held[kind, obj.name] = row
            elif not update_catalogue_row(row, obj, now=now):
                return
            self._session.flush()

    def delete(self, kind: str, name: str) -> None:
        """Remove the object; removing one that is absent changes nothing."""
        with translated(self._url, f"deleting {kind}/{name}"):
            row = self._row(kind, name)
            if row is None:
                return
            self._session.delete(row)
            self._session.flush()
            del self._held[kind, name]

    def revision(self, kind: str, name: str) -> int | None:
        statement = select(CatalogueRow.revision).where(CatalogueRow.kind == kind, CatalogueRow.name == name)
        with translated(self._url, f"reading the revision of {kind}/{name}"):
            return self._session.scalars(statement).one_or_none()

    def fingerprint(self) -> tuple[int, ...]:
        # A creation adds a row (a new id), a change adds one to a revision and moves
        # updated_at, a deletion removes a row: one of the four always moves.
        row = CatalogueRow
        statement = select(func.count(), func.max(row.id), func.sum(row.revision), func.max(row.updated_at))
        with translated(self._url, "reading the catalogue's fingerprint"):
            count, last, revisions, updated = self._session.execute(statement).one()
        stamp = 0 if updated is None else round(updated.timestamp() * 1_000_000)
        return (int(count), int(last or 0), int(revisions or 0), stamp)

    def release(self) -> None:
        """Let go of the rows read; the unit of work calls this when its transaction ends."""
        self._held.clear()

    def _row(self, kind: str, name: str) -> CatalogueRow | None:
        """The row as it stands now; a row read before comes back as it was read then."""
        statement = select(CatalogueRow).where(CatalogueRow.kind == kind, CatalogueRow.name == name)
        row = self._session.scalars(statement).one_or_none()
        if row is not None:
            self._held[kind, name] = row
        return row


def _content_of(row: AuditRow, seq: int) -> dict[str, Any]:
    return audit_content(audit_entry_from(row), seq)


class SqlAuditLog:
    """The audit trail: entries are only ever added, each chained to the one before it
    (``store.chains``) in the transaction that records it.

    Entries are held until the unit of work commits (``seal``), and chained then: the chain's
    lock is taken last, after every other row the transaction writes, and held only until the
    commit. Taken at the first entry instead, it would be held while the transaction goes on
    to lock other rows, and two transactions could each wait for the other's (a catalogue
    change of A then B, beside one of B alone). A read of the log in the same unit of work
    seals first, so that it sees its own entries.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._pending: builtins.list[AuditEntry] = []

    def last_id(self) -> int:
        self.seal()
        with translated(session_url(self._session), "reading the audit log"):
            found = self._session.execute(select(func.max(AuditRow.id))).scalar()
        return int(found or 0)

    def record(self, entry: AuditEntry) -> None:
        # Checked now (a value JSON cannot hold is the caller's mistake, at the call), chained
        # and written at commit.
        audit_row_from(entry)
        self._pending.append(entry)

    def seal(self) -> None:
        """Chain and write the entries recorded since the last seal (the unit of work calls this
        right before it commits)."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        with translated(session_url(self._session), "chaining the audit log"):
            for entry in pending:
                row = audit_row_from(entry)
                row.seq, row.prev_hash, row.hash = append_link(
                    self._session, AUDIT_CHAIN, functools.partial(_content_of, row)
                )
                self._session.add(row)
            self._session.flush()

    def discard(self) -> None:
        """Forget the entries not sealed (the unit of work rolled back)."""
        self._pending.clear()

    def chain(self) -> Iterator[ChainLink]:
        """Every entry in order of position, with its stored link, read a thousand at a time."""
        statement = select(AuditRow).order_by(AuditRow.seq).execution_options(yield_per=1000)
        with translated(session_url(self._session), "reading the audit log's chain"):
            rows = self._session.scalars(statement)
            try:
                for row in rows:
                    content = audit_content(audit_entry_from(row), row.seq)
                    yield ChainLink(row.seq, row.id, content, row.prev_hash, row.hash)
            finally:
                # A walk stopped at the first bad record leaves the cursor open (a server-side
                # one on PostgreSQL): close it while the transaction is still there.
                rows.close()

    def chain_head(self) -> ChainHead:
        with translated(session_url(self._session), "reading the audit log's chain"):
            return read_head(self._session, AUDIT_CHAIN)

    def list(
        self, *, kind: str | None = None, name: str | None = None, limit: int | None = None, offset: int = 0
    ) -> builtins.list[AuditEntry]:
        """Entries oldest first; with ``limit``, the latest ``limit`` of them past the newest
        ``offset`` (still oldest first)."""
        if (limit is not None and limit < 0) or offset < 0:
            raise ValueError(f"limit and offset must not be negative: {limit}, {offset}")
        self.seal()
        statement = select(AuditRow)
        if kind is not None:
            statement = statement.where(AuditRow.kind == kind)
        if name is not None:
            statement = statement.where(AuditRow.name == name)
        if limit is not None:
            statement = statement.order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit).offset(offset)
        else:
            statement = statement.order_by(AuditRow.at, AuditRow.id)
        with translated(session_url(self._session), "reading the audit log"):
            rows = self._session.scalars(statement).all()
        entries = [audit_entry_from(row) for row in rows]
        return entries[::-1] if limit is not None else entries
