"""Rows with an id, a unique key and a revision, in memory, with the SQL store's rules: nothing is
seen by other units of work until committed; ids are taken like a sequence's; a key is unique;
and changing or deleting a row someone else changed since this unit of work read it (or creating
one whose key someone else took) is a ``ConflictError`` at commit, as the revision check and the
unique key make it. The credits ledger, the claims on suppliers and the proposals for change are
kept so (``memory_ledger``, ``memory_claims``, ``memory_proposals``); each says how its rows are
named in messages and normalised as the SQL store gives them back."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from slmo.errors import ConflictError


class Revised(Protocol):
    @property
    def id(self) -> int | None: ...

    @property
    def revision(self) -> int: ...

    @property
    def key(self) -> Hashable: ...


R = TypeVar("R", bound=Revised)


@dataclass
class StoredRows(Generic[R]):
    """The committed rows, by id, with their revision."""

    rows: dict[int, tuple[R, int]] = field(default_factory=dict)
    last_id: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next_id(self) -> int:
        with self.lock:
            self.last_id += 1
            return self.last_id


@dataclass(frozen=True)
class Naming(Generic[R]):
    """How a kind of row is named in conflicts: ``taken`` for a key there already (at ``add``) or
    made by someone else meanwhile (at commit, with ``meanwhile``), ``stale`` for a revision
    someone else moved."""

    taken: Callable[[R], str]
    meanwhile: Callable[[R], str]
    stale: Callable[[int | None], str]


class RevisedRows(Generic[R]):
    """One unit of work's view of ``StoredRows``: its pending changes over the committed rows."""

    def __init__(self, stored: StoredRows[R], naming: Naming[R], normalise: Callable[[R], R]) -> None:
        self._stored = stored
        self._naming = naming
        self._normalise = normalise
        self.pending: dict[int, R | None] = {}  # None: deleted
        self.bases: dict[int, int | None] = {}  # the revision a change was based on (None: new)

    def _committed(self) -> dict[int, tuple[R, int]]:
        with self._stored.lock:
            return dict(self._stored.rows)

    def _visible(self) -> dict[int, R]:
        found = {row_id: row for row_id, (row, _) in self._committed().items()}
        for row_id, pending in self.pending.items():
            if pending is None:
                found.pop(row_id, None)
            else:
                found[row_id] = pending
        return found

    def add(self, row: R) -> R:
        if any(r.key == row.key for r in self._visible().values()):
            raise ConflictError(self._naming.taken(row), key="error.store.integrity")
        row_id = self._stored.next_id()
        stored = self._normalise(_replaced(row, id=row_id, revision=1))
        self.bases[row_id] = None
        self.pending[row_id] = stored
        return stored

    def replace(self, row: R) -> R:
        held = None if row.id is None else self._visible().get(row.id)
        if row.id is None or held is None or held.revision != row.revision:
            raise ConflictError(self._naming.stale(row.id), key="error.store.stale")
        stored = self._normalise(_replaced(row, revision=row.revision + 1))
        self.bases.setdefault(row.id, row.revision)
        self.pending[row.id] = stored
        return stored

    def get(self, row_id: int) -> R | None:
        return self._visible().get(row_id)

    def delete(self, row_id: int) -> None:
        held = self._visible().get(row_id)
        if held is not None:
            self.bases.setdefault(row_id, held.revision)
            self.pending[row_id] = None

    def check(self) -> None:
        """Refuse the commit when a row this unit of work changed was changed by someone else
        since it was read, or a new row's key was taken (the caller holds no lock)."""
        committed = self._committed()
        keys = {row.key for row, _ in committed.values()}
        for row_id, base in self.bases.items():
            pending = self.pending.get(row_id)
            if base is None:
                if pending is not None and pending.key in keys:
                    raise ConflictError(self._naming.meanwhile(pending), key="error.store.integrity")
                continue
            held = committed.get(row_id)
            if held is None or held[1] != base:
                raise ConflictError(self._naming.stale(row_id), key="error.store.stale")

    def commit(self) -> None:
        with self._stored.lock:
            for row_id, row in self.pending.items():
                if row is None:
                    self._stored.rows.pop(row_id, None)
                else:
                    self._stored.rows[row_id] = (row, row.revision)
        self.rollback()

    def rollback(self) -> None:
        self.pending.clear()
        self.bases.clear()


def _replaced(row: R, **changes: Any) -> R:
    replaced: R = dataclasses.replace(row, **changes)  # type: ignore[type-var]
    return replaced
