"""The credits ledger and service costs in memory, with the SQL store's rules: nothing is seen
by other units of work until committed; ids are taken like a sequence's; a line is unique per
agreement, period, basis and clause; and changing or deleting a line someone else changed since
this unit of work read it (or creating one whose key someone else took) is a ``ConflictError``
at commit, as the revision check and the unique key make it."""

from __future__ import annotations

import builtins
import dataclasses
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from slmo.core.model.ledger import CreditAmount, CreditEntry, ServiceCost
from slmo.errors import ConflictError
from slmo.store.documents import utc_now
from slmo.store.ledger_documents import normalised, normalised_cost


@dataclass
class StoredLedger:
    """The committed lines (by id, with their revision) and costs (by service and month)."""

    lines: dict[int, tuple[CreditEntry, int]] = field(default_factory=dict)
    costs: dict[tuple[str, str], ServiceCost] = field(default_factory=dict)
    last_id: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next_id(self) -> int:
        with self.lock:
            self.last_id += 1
            return self.last_id


class MemoryCreditLedger:
    def __init__(self, stored: StoredLedger) -> None:
        self._stored = stored
        self.pending: dict[int, CreditEntry | None] = {}  # None: deleted
        self.bases: dict[int, int | None] = {}  # the revision a change was based on (None: new)

    def _committed(self) -> dict[int, tuple[CreditEntry, int]]:
        with self._stored.lock:
            return dict(self._stored.lines)

    def _visible(self) -> dict[int, CreditEntry]:
        found: dict[int, CreditEntry] = {}
        for entry_id, (entry, _) in self._committed().items():
            found[entry_id] = entry
        for entry_id, pending in self.pending.items():
            if pending is None:
                found.pop(entry_id, None)
            else:
                found[entry_id] = pending
        return found

    def _change(self, entry_id: int, base: int, new: CreditEntry | None) -> None:
        self.bases.setdefault(entry_id, base)
        self.pending[entry_id] = new

    def add(self, entry: CreditEntry) -> CreditEntry:
        if any(e.key == entry.key for e in self._visible().values()):
            raise ConflictError(
                f"storing the credit of {entry.agreement} for {entry.period}: there is one already",
                key="error.store.integrity",
            )
        entry_id = self._stored.next_id()
        stored = normalised(dataclasses.replace(entry, id=entry_id, revision=1))
        self.bases[entry_id] = None
        self.pending[entry_id] = stored
        return stored

    def replace(self, entry: CreditEntry) -> CreditEntry:
        held = None if entry.id is None else self._visible().get(entry.id)
        if entry.id is None or held is None or held.revision != entry.revision:
            raise ConflictError(
                f"storing credit {entry.id}: it was changed or deleted by someone else meanwhile; "
                "read it again and retry",
                key="error.store.stale",
            )
        stored = normalised(dataclasses.replace(entry, revision=entry.revision + 1))
        self._change(entry.id, entry.revision, stored)
        return stored

    def get(self, entry_id: int) -> CreditEntry | None:
        return self._visible().get(entry_id)

    def delete(self, entry_id: int) -> None:
        held = self._visible().get(entry_id)
        if held is not None:
            self._change(entry_id, held.revision, None)

    def list(
        self,
        *,
        periods: Collection[str] | None = None,
        agreement: str | None = None,
        agreements: Collection[str] | None = None,
    ) -> builtins.list[CreditEntry]:
        return sorted(
            (
                e
                for e in self._visible().values()
                if (periods is None or e.period in periods)
                and (agreement is None or e.agreement == agreement)
                and (agreements is None or e.agreement in agreements)
            ),
            key=lambda e: (e.period, e.agreement, e.basis.value, e.clause),
        )

    def amounts(self, *, periods: Collection[str] | None = None) -> builtins.list[CreditAmount]:
        return [
            CreditAmount(agreement=e.agreement, period=e.period, amount=e.amount, currency=e.currency, status=e.status)
            for e in self.list(periods=periods)
        ]

    def check(self) -> None:
        """Refuse the commit when a line this unit of work changed was changed by someone else
        since it was read, or a new line's key was taken (the caller holds no lock)."""
        committed = self._committed()
        keys = {entry.key for entry, _ in committed.values()}
        for entry_id, base in self.bases.items():
            pending = self.pending.get(entry_id)
            if base is None:
                if pending is not None and pending.key in keys:
                    raise ConflictError(
                        f"storing the credit of {pending.agreement} for {pending.period}: it was computed by "
                        "someone else meanwhile",
                        key="error.store.integrity",
                    )
                continue
            held = committed.get(entry_id)
            if held is None or held[1] != base:
                raise ConflictError(
                    f"storing credit {entry_id}: it was changed by someone else meanwhile; read it again and retry",
                    key="error.store.stale",
                )

    def commit(self) -> None:
        with self._stored.lock:
            for entry_id, entry in self.pending.items():
                if entry is None:
                    self._stored.lines.pop(entry_id, None)
                else:
                    self._stored.lines[entry_id] = (entry, entry.revision)
        self.rollback()

    def rollback(self) -> None:
        self.pending.clear()
        self.bases.clear()


class MemoryServiceCostRepository:
    def __init__(self, stored: StoredLedger) -> None:
        self._stored = stored
        self.pending: dict[tuple[str, str], ServiceCost] = {}

    def _visible(self) -> dict[tuple[str, str], ServiceCost]:
        with self._stored.lock:
            found = dict(self._stored.costs)
        found.update(self.pending)
        return found

    def put(self, costs: Sequence[ServiceCost]) -> int:
        changed = 0
        for cost in costs:
            key = (cost.service, cost.period)
            held = self._visible().get(key)
            if held is not None and (held.amount, held.currency) == (cost.amount, cost.currency):
                continue
            stamp = cost.updated_at or utc_now()
            self.pending[key] = normalised_cost(dataclasses.replace(cost, updated_at=stamp))
            changed += 1
        return changed

    def list(self, *, periods: Collection[str] | None = None, service: str | None = None) -> builtins.list[ServiceCost]:
        return sorted(
            (
                c
                for c in self._visible().values()
                if (periods is None or c.period in periods) and (service is None or c.service == service)
            ),
            key=lambda c: (c.period, c.service),
        )

    def commit(self) -> None:
        with self._stored.lock:
            self._stored.costs.update(self.pending)
        self.rollback()

    def rollback(self) -> None:
        self.pending.clear()
