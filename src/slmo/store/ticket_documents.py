"""Tickets as the plain documents the store keeps, and the merge of a ticket sent again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from slmo.core.model.ticket import StatusChange, Ticket


def _at(t: dt.datetime | None) -> str | None:
    return None if t is None else t.astimezone(dt.UTC).isoformat()


def _time(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def document_of(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.id,
        "service": ticket.service,
        "priority": ticket.priority,
        "category": ticket.category,
        "opened": _at(ticket.opened),
        "acknowledged": _at(ticket.acknowledged),
        "resolved": _at(ticket.resolved),
        "closed": _at(ticket.closed),
        "source": ticket.source,
        "history": [[c.sequence, _at(c.at), c.status, c.priority] for c in ticket.history],
    }


def ticket_of(doc: dict[str, Any]) -> Ticket:
    opened = _time(doc["opened"])
    assert opened is not None
    return Ticket(
        id=doc["id"],
        service=doc["service"],
        priority=doc["priority"],
        category=doc["category"],
        opened=opened,
        acknowledged=_time(doc["acknowledged"]),
        resolved=_time(doc["resolved"]),
        closed=_time(doc["closed"]),
        source=doc["source"],
        history=tuple(
            StatusChange(sequence=s, at=_time(at) or opened, status=status, priority=priority)
            for s, at, status, priority in doc["history"]
        ),
    )


def merged(old: Ticket | None, new: Ticket) -> Ticket:
    """The new ticket's fields, with the updates of both by sequence (the new one wins)."""
    if old is None:
        return new
    by_sequence = {c.sequence: c for c in old.history}
    by_sequence.update({c.sequence: c for c in new.history})
    history = tuple(by_sequence[s] for s in sorted(by_sequence))
    return Ticket(
        id=new.id,
        service=new.service,
        priority=new.priority,
        category=new.category,
        opened=new.opened,
        acknowledged=new.acknowledged,
        resolved=new.resolved,
        closed=new.closed,
        history=history,
        source=new.source,
    )
