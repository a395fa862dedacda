"""The in-memory fakes, in the unit tier: no database, milliseconds.

The behaviour the fakes share with the SQL store (round trips, ordering, revisions,
commit and rollback, conflicts) is tested once for all stores in
``tests/integration/test_store_contract.py``, which runs on the fakes too. This module
covers what a use case's unit test leans on most, plus what only the fakes have.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from slmo.core.model import LocalizedText, Party, PartyType, Service
from slmo.core.model.audit import AuditAction, AuditEntry
from slmo.core.ports import UnitOfWork, UnitOfWorkFactory
from slmo.errors import ConflictError
from slmo.store.memory import MemoryStore, MemoryUnitOfWork


def party(name: str, label: str = "1") -> Party:
    return Party(name=name, display_name=LocalizedText(en=name), type=PartyType.CUSTOMER, labels={"v": label})


def entry(name: str, minute: int) -> AuditEntry:
    return AuditEntry(
        at=dt.datetime(2026, 3, 1, 9, minute, tzinfo=dt.timezone(dt.timedelta(hours=3))),
        actor="nora",
        interface="api",
        action=AuditAction.CREATE,
        kind="Party",
        name=name,
        before=None,
        after={"name": name, "contacts": ({"name": "x"},)},
    )


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


def test_a_unit_of_work_is_what_the_ports_ask_for(store: MemoryStore) -> None:
    factory: UnitOfWorkFactory = store.unit_of_work
    uow: UnitOfWork = factory()
    assert isinstance(uow, MemoryUnitOfWork)
    assert MemoryUnitOfWork().store is not store  # alone, a unit of work gets a store of its own


def test_committed_objects_round_trip_as_new_equal_instances(store: MemoryStore) -> None:
    acme = party("acme")
    with store.unit_of_work() as uow:
        uow.catalogue.put(acme)
        uow.catalogue.put(Service(name="payments", display_name=LocalizedText(en="Payments")))
        uow.commit()
    with store.unit_of_work() as uow:
        got = uow.catalogue.get("Party", "acme")
        assert got == acme
        assert got is not acme
        assert [type(o).__name__ for o in uow.catalogue.list()] == ["Party", "Service"]


def test_uncommitted_and_failed_work_vanish(store: MemoryStore) -> None:
    with store.unit_of_work() as uow:
        uow.catalogue.put(party("forgotten"))
        uow.audit.record(entry("forgotten", 0))
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        uow.catalogue.put(party("failed"))
        raise RuntimeError("boom")
    assert store.objects == {}
    assert store.audit == []


def test_stores_do_not_share_state() -> None:
    first, second = MemoryStore(), MemoryStore()
    with first.unit_of_work() as uow:
        uow.catalogue.put(party("acme"))
        uow.commit()
    with second.unit_of_work() as uow:
        assert uow.catalogue.list() == []


def test_commit_is_all_or_nothing_when_one_write_conflicts(store: MemoryStore) -> None:
    with store.unit_of_work() as slow, store.unit_of_work() as fast:
        slow.catalogue.put(party("acme"))
        slow.catalogue.put(party("telco"))
        fast.catalogue.put(party("telco", "fast"))
        fast.commit()
        with pytest.raises(ConflictError, match="telco"):
            slow.commit()
    with store.unit_of_work() as uow:
        assert [p.name for p in uow.catalogue.list()] == ["telco"]
        assert uow.catalogue.get("Party", "telco") == party("telco", "fast")


def test_deleting_then_creating_again_starts_a_new_object(store: MemoryStore) -> None:
    with store.unit_of_work() as uow:
        uow.catalogue.put(party("acme", "1"))
        uow.catalogue.put(party("acme", "2"))
        uow.commit()
        assert uow.catalogue.revision("Party", "acme") == 2
        uow.catalogue.delete("Party", "acme")
        uow.catalogue.put(party("acme", "3"))
        uow.commit()
        assert uow.catalogue.revision("Party", "acme") == 1


def test_audit_entries_get_growing_ids_utc_instants_and_plain_documents(store: MemoryStore) -> None:
    with store.unit_of_work() as uow:
        uow.audit.record(entry("a", 0))
        uow.audit.record(entry("b", 1))
        uow.commit()
        got = uow.audit.list()
    ids = [e.id for e in got]
    assert ids == sorted(ids)
    assert None not in ids
    assert got[0].at == entry("a", 0).at
    assert got[0].at.tzinfo is dt.UTC
    assert got[0].after == {"name": "a", "contacts": [{"name": "x"}]}  # tuples come back as lists, as from JSON


def test_commits_from_many_threads_are_all_kept(store: MemoryStore) -> None:
    def work(i: int) -> None:
        with store.unit_of_work() as uow:
            uow.catalogue.put(party(f"p{i:03d}"))
            uow.audit.record(entry(f"p{i:03d}", i % 60))
            uow.commit()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with store.unit_of_work() as uow:
        assert len(uow.catalogue.list()) == 50
        assert len(uow.audit.list()) == 50
        assert len({e.id for e in uow.audit.list()}) == 50
