"""Tickets in the store, on memory, SQLite and PostgreSQL alike: merged by id and update
sequence, so an input sent twice changes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from slmo.core.model.ticket import StatusChange, Ticket
from slmo.core.ports import UnitOfWork

T0 = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


def ticket(*statuses: str, ticket_id: str = "INC1", service: str = "desk") -> Ticket:
    return Ticket(
        id=ticket_id,
        service=service,
        priority="P2",
        opened=T0,
        history=tuple(
            StatusChange(sequence=k, at=T0 + dt.timedelta(hours=k), status=s, priority="P2")
            for k, s in enumerate(statuses)
        ),
    )


def test_tickets_merge_by_sequence_and_repeat_idempotently(uow_factory: Callable[[], UnitOfWork]) -> None:
    with uow_factory() as uow:
        assert uow.tickets.put([ticket("New", "Active"), ticket("New", ticket_id="INC2", service="other")]) == 2
        uow.commit()
    with uow_factory() as uow:
        assert uow.tickets.put([ticket("New", "Active")]) == 0
        later = ticket("New", "Active", "Resolved")
        assert uow.tickets.put([dataclasses.replace(later, history=later.history[2:], resolved=T0)]) == 1
        uow.commit()
    with uow_factory() as uow:
        found = uow.tickets.get("INC1")
        assert found is not None
        assert [c.status for c in found.history] == ["New", "Active", "Resolved"]
        assert found.resolved == T0
        assert [t.id for t in uow.tickets.list(service="desk")] == ["INC1"]
        assert len(uow.tickets.list(opened_before=T0)) == 0
        assert uow.tickets.get("nope") is None


def test_uncommitted_tickets_are_not_kept(uow_factory: Callable[[], UnitOfWork]) -> None:
    with uow_factory() as uow:
        uow.tickets.put([ticket("New")])
    with uow_factory() as uow:
        assert uow.tickets.list() == []
