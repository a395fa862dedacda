"""Tickets in the store: one row per ticket, its status history kept whole as a document.

A ticket is always read with its whole history, and histories are short, so the history is
stored with the ticket rather than in a table of its own. Writing merges by ticket id and
update sequence (``ticket_documents.merged``): an input sent twice changes nothing, and a
later export of the same ticket adds its new updates and replaces the ticket's fields.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from slmo.core.model.ticket import Ticket
from slmo.store.columns import json_document
from slmo.store.schema import NAME_LENGTH, Base
from slmo.store.ticket_documents import document_of, merged, ticket_of


class TicketRow(Base):
    __tablename__ = "tickets"
    __table_args__ = (Index(None, "service", "opened"),)

    id: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    service: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    opened: Mapped[int] = mapped_column(BigInteger)
    document: Mapped[dict[str, Any]] = mapped_column(json_document())


class SqlTicketRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, tickets: Sequence[Ticket]) -> int:
        """Store tickets merged with what is held; the number of tickets that changed."""
        changed = 0
        ids = [t.id for t in tickets]
        held: dict[str, TicketRow] = {}
        for k in range(0, len(ids), 500):
            for row in self._session.scalars(select(TicketRow).where(TicketRow.id.in_(ids[k : k + 500]))):
                held[row.id] = row
        for ticket in tickets:
            found = held.get(ticket.id)
            new = merged(None if found is None else ticket_of(found.document), ticket)
            document = document_of(new)
            if found is None:
                row = TicketRow(id=new.id, service=new.service, opened=int(new.opened.timestamp()), document=document)
                self._session.add(row)
                held[new.id] = row
                changed += 1
            elif found.document != document:
                found.service, found.opened, found.document = new.service, int(new.opened.timestamp()), document
                changed += 1
        self._session.flush()
        return changed

    def get(self, ticket_id: str) -> Ticket | None:
        row = self._session.get(TicketRow, ticket_id)
        return None if row is None else ticket_of(row.document)

    def list(self, *, service: str | None = None, opened_before: dt.datetime | None = None) -> builtins.list[Ticket]:
        query = select(TicketRow.document).order_by(TicketRow.opened, TicketRow.id)
        if service is not None:
            query = query.where(TicketRow.service == service)
        if opened_before is not None:
            query = query.where(TicketRow.opened < int(opened_before.timestamp()))
        return [ticket_of(doc) for doc in self._session.scalars(query)]
