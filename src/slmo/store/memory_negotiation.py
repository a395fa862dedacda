"""The negotiation record in memory, with the SQL store's rules: steps are appended with growing
ids, seen by other units of work only once committed, and never changed."""

from __future__ import annotations

import builtins
import dataclasses
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from slmo.core.model.negotiation import NegotiationStep
from slmo.store.documents import as_utc


@dataclass
class StoredNegotiation:
    """The committed steps, in the order taken."""

    steps: builtins.list[NegotiationStep] = field(default_factory=builtins.list)
    last_id: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next_id(self) -> int:
        with self.lock:
            self.last_id += 1
            return self.last_id


class MemoryNegotiationLog:
    def __init__(self, stored: StoredNegotiation) -> None:
        self._stored = stored
        self.pending: builtins.list[NegotiationStep] = []

    def add(self, steps: Sequence[NegotiationStep]) -> builtins.list[NegotiationStep]:
        # Ids as a database sequence gives them: taken at the insert, not given back on rollback;
        # instants in UTC, as the database hands them back.
        added = [dataclasses.replace(s, id=self._stored.next_id(), at=as_utc(s.at)) for s in steps]
        self.pending.extend(added)
        return added

    def list(self, agreement: str | None = None, version: int | None = None) -> builtins.list[NegotiationStep]:
        with self._stored.lock:
            everything = [*self._stored.steps, *self.pending]
        return sorted(
            (
                s
                for s in everything
                if (agreement is None or s.agreement == agreement) and (version is None or s.version == version)
            ),
            key=lambda s: s.id or 0,
        )

    def commit(self) -> None:
        with self._stored.lock:
            self._stored.steps.extend(self.pending)
        self.pending.clear()

    def rollback(self) -> None:
        self.pending.clear()
