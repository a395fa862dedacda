"""Web users and their sessions in memory: the ``UserRepository`` and ``WebSessionRepository``
fakes, with the SQL store's commit semantics (nothing is seen by others before ``commit``,
``rollback`` forgets) and its constraints (a user's name is unique; a session belongs to a
user that exists, as the foreign key makes it)."""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt
import threading
from dataclasses import dataclass, field

from slmo.core.model.auth import User, WebSession
from slmo.errors import ConflictError


@dataclass
class StoredAuth:
    """The in-memory store's committed users and sessions."""

    users: dict[str, User] = field(default_factory=dict)
    sessions: dict[str, WebSession] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class MemoryUserRepository:
    def __init__(self, stored: StoredAuth) -> None:
        self._stored = stored
        self.pending: dict[str, User] = {}
        self._added: set[str] = set()

    def _all(self) -> dict[str, User]:
        with self._stored.lock:
            merged = dict(self._stored.users)
        merged.update(self.pending)
        return merged

    def add(self, user: User) -> None:
        if user.name in self._all():
            raise ConflictError(f"storing user {user.name!r}: it exists already", key="error.store.integrity")
        self.pending[user.name] = user
        self._added.add(user.name)

    def replace(self, user: User) -> None:
        if user.name not in self._all():
            raise KeyError(user.name)
        self.pending[user.name] = user

    def get(self, name: str) -> User | None:
        return self._all().get(name)

    def list(self) -> builtins.list[User]:
        return sorted(self._all().values(), key=lambda u: u.name)

    def check(self) -> None:
        """Refuse the commit of a user someone else created meanwhile (the primary key);
        called by the unit of work before it applies anything."""
        with self._stored.lock:
            taken = sorted(self._added & set(self._stored.users))
        if taken:
            raise ConflictError(f"storing user {taken[0]!r}: it exists already", key="error.store.integrity")

    def commit(self) -> None:
        with self._stored.lock:
            self._stored.users.update(self.pending)
        self.rollback()

    def rollback(self) -> None:
        self.pending.clear()
        self._added.clear()


class MemoryWebSessionRepository:
    def __init__(self, stored: StoredAuth, users: MemoryUserRepository) -> None:
        self._stored = stored
        self._users = users
        # id_hash -> the session, or None where this unit of work deleted it.
        self.pending: dict[str, WebSession | None] = {}
        self._added: set[str] = set()

    def _all(self) -> dict[str, WebSession]:
        with self._stored.lock:
            merged: dict[str, WebSession | None] = dict(self._stored.sessions)
        merged.update(self.pending)
        return {key: value for key, value in merged.items() if value is not None}

    def add(self, session: WebSession) -> None:
        if self._users.get(session.user) is None:
            raise ConflictError(f"storing a web session: no user {session.user!r}", key="error.store.integrity")
        if session.id_hash in self._all():
            raise ConflictError("storing a web session: its id exists already", key="error.store.integrity")
        self.pending[session.id_hash] = session
        self._added.add(session.id_hash)

    def find(self, id_hash: str) -> WebSession | None:
        return self._all().get(id_hash)

    def touch(self, id_hash: str, at: dt.datetime) -> None:
        found = self._all().get(id_hash)
        if found is not None:
            self.pending[id_hash] = dataclasses.replace(found, last_seen_at=at)

    def delete(self, id_hash: str) -> None:
        if id_hash in self._all():
            self.pending[id_hash] = None

    def delete_for(self, user: str) -> int:
        gone = [key for key, session in self._all().items() if session.user == user]
        for key in gone:
            self.pending[key] = None
        return len(gone)

    def delete_stale(self, before: dt.datetime, last_seen_before: dt.datetime) -> int:
        gone = [
            key
            for key, session in self._all().items()
            if session.expires_at <= before or session.last_seen_at < last_seen_before
        ]
        for key in gone:
            self.pending[key] = None
        return len(gone)

    def commit(self) -> None:
        """Called after the users' commit (the foreign key's order)."""
        with self._stored.lock:
            for key, session in self.pending.items():
                if session is None:
                    self._stored.sessions.pop(key, None)
                # A touch of a session that another unit of work ended meanwhile does not
                # bring it back, as the SQL UPDATE then matches no row.
                elif key in self._added or key in self._stored.sessions:
                    self._stored.sessions[key] = session
        self.rollback()

    def rollback(self) -> None:
        self.pending.clear()
        self._added.clear()
