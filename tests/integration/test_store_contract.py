"""What every store does, run on the in-memory fakes, SQLite and PostgreSQL alike.

The fakes stand in for the database in the use cases' unit tests; these tests are what
makes that honest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from slmo.core.model import KIND_ORDER, CatalogueObject, LocalizedText, Party, PartyType, Service, kind_of
from slmo.core.model.audit import AuditAction, AuditEntry
from slmo.core.ports import UnitOfWork
from slmo.errors import ConflictError, StoreError

UowFactory = Callable[[], UnitOfWork]
RIYADH = dt.timezone(dt.timedelta(hours=3), "AST")


def text(en: str) -> LocalizedText:
    return LocalizedText(en=en)


def in_order(objects: list[CatalogueObject]) -> list[CatalogueObject]:
    return sorted(objects, key=lambda o: (KIND_ORDER.index(kind_of(o)), o.name))


def entry(at: dt.datetime, name: str = "acme", action: AuditAction = AuditAction.CHANGE) -> AuditEntry:
    return AuditEntry(
        at=at,
        actor="nora",
        interface="cli",
        action=action,
        kind="Party",
        name=name,
        before=None if action == AuditAction.CREATE else {"name": name, "type": "customer"},
        after=None if action == AuditAction.DELETE else {"name": name, "type": "supplier", "tags": ["a", "b"]},
    )


def test_every_kind_round_trips(uow_factory: UowFactory, catalogue_objects: list[CatalogueObject]) -> None:
    objects = catalogue_objects
    assert {kind_of(o) for o in objects} == set(KIND_ORDER)
    with uow_factory() as uow:
        for obj in reversed(objects):
            uow.catalogue.put(obj)
        uow.commit()

    with uow_factory() as uow:
        for obj in objects:
            got = uow.catalogue.get(kind_of(obj), obj.name)
            assert got == obj
            assert got is not obj
        assert uow.catalogue.list() == in_order(objects)
        for kind in KIND_ORDER:
            assert uow.catalogue.list(kind) == in_order([o for o in objects if kind_of(o) == kind])

    with uow_factory() as uow:
        for obj in objects:
            uow.catalogue.delete(kind_of(obj), obj.name)
        uow.commit()
    with uow_factory() as uow:
        assert uow.catalogue.list() == []
        assert uow.catalogue.get("Agreement", "payments-sla") is None


def test_list_is_in_kind_order_then_name_by_code_point(uow_factory: UowFactory) -> None:
    names = ["b", "B", "a-2", "a", "ä"]
    with uow_factory() as uow:
        for name in names:
            uow.catalogue.put(Service(name=name, display_name=text(name)))
            uow.catalogue.put(Party(name=name, display_name=text(name), type=PartyType.INTERNAL))
        uow.commit()
        listed = [(kind_of(o), o.name) for o in uow.catalogue.list()]
    expected = sorted(names)  # "B" < "a" < "a-2" < "b" < "ä", whatever the database's collation
    assert listed == [("Party", n) for n in expected] + [("Service", n) for n in expected]


def test_put_replaces_and_unknown_names_are_absent(uow_factory: UowFactory) -> None:
    first = Party(name="acme", display_name=text("Acme"), type=PartyType.CUSTOMER)
    second = Party(name="acme", display_name=text("Acme Bank"), type=PartyType.CUSTOMER, labels={"x": 1})
    with uow_factory() as uow:
        uow.catalogue.put(first)
        uow.catalogue.put(second)
        assert uow.catalogue.get("Party", "acme") == second
        uow.commit()
    with uow_factory() as uow:
        assert uow.catalogue.list() == [second]
        assert uow.catalogue.get("Service", "acme") is None
        assert uow.catalogue.get("NoSuchKind", "acme") is None
        assert uow.catalogue.list("NoSuchKind") == []
        uow.catalogue.delete("Party", "nobody")  # absent: nothing happens
        with pytest.raises(TypeError):
            uow.catalogue.put("acme")  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [{"a", "b"}, float("nan"), dt.date(2026, 1, 1)], ids=["set", "nan", "date"])
def test_a_value_json_cannot_hold_is_refused_everywhere_alike(uow_factory: UowFactory, value: object) -> None:
    strange = Party(name="acme", display_name=text("Acme"), type=PartyType.CUSTOMER, labels={"x": value})
    with uow_factory() as uow:
        if isinstance(value, dt.date):
            # to_plain writes dates as text, so they are stored, and come back as text.
            uow.catalogue.put(strange)
            got = uow.catalogue.get("Party", "acme")
            assert got is not None
            assert got.labels == {"x": "2026-01-01"}
            return
        with pytest.raises(StoreError, match="Party/acme cannot be stored"):
            uow.catalogue.put(strange)
        with pytest.raises(StoreError, match="audit entry of Party/acme cannot be stored"):
            uow.audit.record(
                AuditEntry(
                    at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
                    actor="a",
                    interface="cli",
                    action=AuditAction.CREATE,
                    kind="Party",
                    name="acme",
                    before=None,
                    after={"labels": {"x": value}},
                )
            )


def test_revision_grows_with_every_change(uow_factory: UowFactory) -> None:
    def party(label: str) -> Party:
        return Party(name="acme", display_name=text("Acme"), type=PartyType.CUSTOMER, labels={"v": label})

    with uow_factory() as uow:
        assert uow.catalogue.revision("Party", "acme") is None
        uow.catalogue.put(party("1"))
        assert uow.catalogue.revision("Party", "acme") == 1
        uow.catalogue.put(party("1"))  # unchanged: not a change
        assert uow.catalogue.revision("Party", "acme") == 1
        uow.catalogue.put(party("2"))
        assert uow.catalogue.revision("Party", "acme") == 2
        uow.commit()
    with uow_factory() as uow:
        uow.catalogue.put(party("3"))
        uow.commit()
        assert uow.catalogue.revision("Party", "acme") == 3
    with uow_factory() as uow:
        uow.catalogue.put(party("4"))
        # not committed
    with uow_factory() as uow:
        assert uow.catalogue.revision("Party", "acme") == 3
        uow.catalogue.delete("Party", "acme")
        assert uow.catalogue.revision("Party", "acme") is None
        uow.commit()


def test_audit_entries_round_trip_with_aware_utc_instants(uow_factory: UowFactory) -> None:
    start = dt.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=RIYADH)
    entries = [
        entry(start, action=AuditAction.CREATE),
        entry(start + dt.timedelta(minutes=1)),
        entry(start + dt.timedelta(minutes=2), name="telco"),
        entry(start + dt.timedelta(minutes=3), action=AuditAction.DELETE),
    ]
    with uow_factory() as uow:
        for e in entries:
            uow.audit.record(e)
        uow.commit()

    with uow_factory() as uow:
        got = uow.audit.list()
        assert [g.id for g in got] == sorted({g.id for g in got if g.id is not None})
        assert len(got) == len(entries)
        for original, stored in zip(entries, got, strict=True):
            assert stored.at == original.at
            assert stored.at.utcoffset() == dt.timedelta(0)
            assert stored == AuditEntry(**{**vars(original), "at": stored.at, "id": stored.id})
        assert got[0].before is None
        assert got[-1].after is None
        assert [g.at for g in uow.audit.list(kind="Party", name="acme")] == [e.at for e in entries if e.name == "acme"]
        assert uow.audit.list(kind="Service") == []
        assert [g.at for g in uow.audit.list(limit=2)] == [e.at for e in entries[-2:]]
        assert [g.at for g in uow.audit.list(limit=2, offset=1)] == [e.at for e in entries[-3:-1]]
        assert uow.audit.list(limit=0) == []
        with pytest.raises(ValueError, match="negative"):
            uow.audit.list(limit=-1)


def test_audit_is_ordered_by_instant_not_by_recording(uow_factory: UowFactory) -> None:
    late = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    early = dt.datetime(2026, 3, 1, 14, 0, tzinfo=RIYADH)  # 11:00 UTC
    with uow_factory() as uow:
        uow.audit.record(entry(late, name="late"))
        uow.audit.record(entry(early, name="early"))
        uow.commit()
        assert [e.name for e in uow.audit.list()] == ["early", "late"]


def test_audit_refuses_a_naive_instant(uow_factory: UowFactory) -> None:
    with uow_factory() as uow, pytest.raises(ValueError, match="naive"):
        uow.audit.record(entry(dt.datetime(2026, 3, 1, 9, 30)))


def test_work_not_committed_leaves_nothing(uow_factory: UowFactory) -> None:
    acme = Party(name="acme", display_name=text("Acme"), type=PartyType.CUSTOMER)
    with uow_factory() as uow:
        uow.catalogue.put(acme)
        uow.audit.record(entry(dt.datetime(2026, 3, 1, tzinfo=dt.UTC), action=AuditAction.CREATE))
        assert uow.catalogue.get("Party", "acme") == acme
        assert len(uow.audit.list()) == 1
    with uow_factory() as uow:
        assert uow.catalogue.list() == []
        assert uow.audit.list() == []


def test_an_exception_inside_the_block_rolls_back_everything(uow_factory: UowFactory) -> None:
    before = Party(name="acme", display_name=text("Acme"), type=PartyType.CUSTOMER)
    with uow_factory() as uow:
        uow.catalogue.put(before)
        uow.commit()

    class BoomError(Exception):
        pass

    with pytest.raises(BoomError), uow_factory() as uow:
        uow.catalogue.put(Party(name="acme", display_name=text("Changed"), type=PartyType.CUSTOMER))
        uow.catalogue.put(Service(name="payments", display_name=text("Payments")))
        uow.catalogue.delete("Party", "acme")
        uow.audit.record(entry(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)))
        raise BoomError

    with uow_factory() as uow:
        assert uow.catalogue.list() == [before]
        assert uow.catalogue.revision("Party", "acme") == 1
        assert uow.audit.list() == []


def test_rollback_discards_and_the_unit_of_work_goes_on(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.catalogue.put(Service(name="discarded", display_name=text("x")))
        uow.rollback()
        assert uow.catalogue.get("Service", "discarded") is None
        uow.catalogue.put(Service(name="kept", display_name=text("x")))
        uow.commit()
        uow.catalogue.put(Service(name="second-commit", display_name=text("x")))
        uow.commit()
    with uow_factory() as uow:
        assert [o.name for o in uow.catalogue.list()] == ["kept", "second-commit"]


def test_others_see_changes_only_once_committed(uow_factory: UowFactory) -> None:
    acme = Party(name="acme", display_name=text("Acme"), type=PartyType.CUSTOMER)
    with uow_factory() as writer:
        writer.catalogue.put(acme)
        with uow_factory() as reader:
            assert reader.catalogue.get("Party", "acme") is None
            assert reader.catalogue.revision("Party", "acme") is None
        writer.commit()
        with uow_factory() as reader:
            assert reader.catalogue.get("Party", "acme") == acme


def test_changing_what_someone_else_changed_meanwhile_is_a_conflict(uow_factory: UowFactory) -> None:
    def party(label: str) -> Party:
        return Party(name="acme", display_name=text(label), type=PartyType.CUSTOMER)

    with uow_factory() as uow:
        uow.catalogue.put(party("original"))
        uow.commit()

    with uow_factory() as slow:
        assert slow.catalogue.get("Party", "acme") == party("original")
        with uow_factory() as fast:
            fast.catalogue.put(party("fast"))
            fast.commit()
        # What was read stays as read until commit or rollback, as an identity map keeps it.
        assert slow.catalogue.get("Party", "acme") == party("original")
        with pytest.raises(ConflictError):
            slow.catalogue.put(party("slow"))

    with uow_factory() as slow:
        slow.catalogue.get("Party", "acme")
        with uow_factory() as fast:
            fast.catalogue.put(party("fast again"))
            fast.commit()
        with pytest.raises(ConflictError):
            slow.catalogue.delete("Party", "acme")

    with uow_factory() as uow:
        assert uow.catalogue.get("Party", "acme") == party("fast again")
        assert uow.catalogue.revision("Party", "acme") == 3


def test_after_commit_a_unit_of_work_reads_afresh(uow_factory: UowFactory) -> None:
    def party(label: str) -> Party:
        return Party(name="acme", display_name=text(label), type=PartyType.CUSTOMER)

    with uow_factory() as uow:
        uow.catalogue.put(party("one"))
        uow.commit()
        with uow_factory() as other:
            other.catalogue.put(party("two"))
            other.commit()
        assert uow.catalogue.get("Party", "acme") == party("two")
        uow.catalogue.put(party("three"))
        uow.commit()
        assert uow.catalogue.revision("Party", "acme") == 3
