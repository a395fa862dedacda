"""The credits ledger and service costs in memory: ledger lines as ``memory_revisions`` keeps
rows (the SQL store's rules; a line is unique per agreement, period, basis and clause), costs by
service and month, seen by other units of work once committed."""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from slmo.core.model.ledger import CreditAmount, CreditEntry, ServiceCost
from slmo.store.documents import utc_now
from slmo.store.ledger_documents import normalised, normalised_cost
from slmo.store.memory_revisions import Naming, RevisedRows, StoredRows


@dataclass
class StoredLedger(StoredRows[CreditEntry]):
    """The committed lines (by id, with their revision) and costs (by service and month)."""

    costs: dict[tuple[str, str], ServiceCost] = field(default_factory=dict)


LINES: Naming[CreditEntry] = Naming(
    taken=lambda e: f"storing the credit of {e.agreement} for {e.period}: there is one already",
    meanwhile=lambda e: (
        f"storing the credit of {e.agreement} for {e.period}: it was computed by someone else meanwhile"
    ),
    stale=lambda i: f"storing credit {i}: it was changed or deleted by someone else meanwhile; read it again and retry",
)


class MemoryCreditLedger(RevisedRows[CreditEntry]):
    def __init__(self, stored: StoredLedger) -> None:
        super().__init__(stored, LINES, normalised)

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
