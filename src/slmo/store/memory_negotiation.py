"""The negotiation record in memory, with the SQL store's rules: steps are appended with growing
ids, seen by other units of work only once committed, and never changed; steps numbered per
agreement, so that a unit of work that took a step on an agreement on which another committed
one meanwhile is refused at commit (``ConflictError``), as the unique key makes it."""

from __future__ import annotations

import builtins
import dataclasses
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from slmo.core.model.negotiation import NegotiationStep
from slmo.errors import ConflictError
from slmo.store.documents import as_utc


@dataclass
class StoredNegotiation:
    """The committed steps, in the order taken, and the last number of each agreement's."""

    steps: builtins.list[NegotiationStep] = field(default_factory=builtins.list)
    seq: dict[str, int] = field(default_factory=dict)
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
        # The last committed number of each agreement's steps when this unit of work first read
        # them (or added to them): the base its own steps are numbered from.
        self.based_on: dict[str, int] = {}

    def add(self, steps: Sequence[NegotiationStep]) -> builtins.list[NegotiationStep]:
        # Ids as a database sequence gives them: taken at the insert, not given back on rollback;
        # instants in UTC, as the database hands them back.
        with self._stored.lock:
            for step in steps:
                self.based_on.setdefault(step.agreement, self._stored.seq.get(step.agreement, 0))
        added = [dataclasses.replace(s, id=self._stored.next_id(), at=as_utc(s.at)) for s in steps]
        self.pending.extend(added)
        return added

    def list(self, agreement: str | None = None, version: int | None = None) -> builtins.list[NegotiationStep]:
        with self._stored.lock:
            everything = [*self._stored.steps, *self.pending]
            if agreement is not None:
                self.based_on.setdefault(agreement, self._stored.seq.get(agreement, 0))
        return sorted(
            (
                s
                for s in everything
                if (agreement is None or s.agreement == agreement) and (version is None or s.version == version)
            ),
            key=lambda s: s.id or 0,
        )

    def check(self) -> None:
        """Refuse the commit when another unit of work committed a step on one of the same
        agreements since this one added its own (the caller holds the store's lock)."""
        with self._stored.lock:
            for agreement, seq in self.based_on.items():
                if self._stored.seq.get(agreement, 0) != seq:
                    raise ConflictError(
                        f"storing negotiation steps of {agreement}: someone else took a step meanwhile; retry",
                        key="error.store.integrity",
                    )

    def commit(self) -> None:
        with self._stored.lock:
            self._stored.steps.extend(self.pending)
            for step in self.pending:
                self._stored.seq[step.agreement] = self._stored.seq.get(step.agreement, 0) + 1
        self.rollback()

    def rollback(self) -> None:
        self.pending.clear()
        self.based_on.clear()
