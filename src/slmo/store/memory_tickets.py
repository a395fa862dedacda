"""Tickets in memory: the ``TicketRepository`` fake, with the SQL store's commit semantics."""

from __future__ import annotations

import builtins
import datetime as dt
import threading
from collections.abc import Iterable, Sequence

from slmo.core.model.ticket import Ticket
from slmo.store.ticket_documents import document_of, merged


class StoredTickets:
    """The in-memory store's committed tickets."""

    def __init__(self) -> None:
        self.tickets: dict[str, Ticket] = {}
        self.lock = threading.Lock()


class MemoryTicketRepository:
    """Tickets in memory, with the SQL store's commit semantics."""

    def __init__(self, stored: StoredTickets) -> None:
        self._stored = stored
        self._pending: dict[str, Ticket] = {}

    def _read(self, ticket_id: str) -> Ticket | None:
        if ticket_id in self._pending:
            return self._pending[ticket_id]
        with self._stored.lock:
            return self._stored.tickets.get(ticket_id)

    def put(self, tickets: Sequence[Ticket]) -> int:
        changed = 0
        for ticket in tickets:
            old = self._read(ticket.id)
            new = merged(old, ticket)
            if old is None or document_of(old) != document_of(new):
                self._pending[ticket.id] = new
                changed += 1
        return changed

    def get(self, ticket_id: str) -> Ticket | None:
        return self._read(ticket_id)

    def list(self, *, service: str | None = None, opened_before: dt.datetime | None = None) -> builtins.list[Ticket]:
        with self._stored.lock:
            everything = dict(self._stored.tickets)
        everything.update(self._pending)
        found: Iterable[Ticket] = everything.values()
        return sorted(
            (
                t
                for t in found
                if (service is None or t.service == service) and (opened_before is None or t.opened < opened_before)
            ),
            key=lambda t: (t.opened, t.id),
        )

    def commit(self) -> None:
        with self._stored.lock:
            self._stored.tickets.update(self._pending)
        self._pending.clear()

    def rollback(self) -> None:
        self._pending.clear()
