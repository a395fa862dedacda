"""What the status board asks of every store (the in-memory fakes, SQLite and PostgreSQL): each
objective's newest record in one query, the marks that tell what is new, and the catalogue's
fingerprint; and ``GET /status`` from the stored records on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from slmo.cli.evaluation import as_json
from slmo.core.model import LocalizedText, Party, PartyType
from slmo.core.model.audit import AuditAction, AuditEntry
from slmo.core.ports import StoredEvaluation, UnitOfWork
from tests.api_support import api_over
from tests.integration.test_store_evaluations import NOON, record

UowFactory = Callable[[], UnitOfWork]
MINUTE = dt.timedelta(minutes=1)


def _newest(found: list[StoredEvaluation]) -> dict[str, dt.datetime]:
    return {s.record.key: s.record.evaluation.at for s in found}


def test_latest_gives_each_objectives_newest_record_in_range(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        assert uow.evaluations.last_id() == 0
        assert uow.evaluations.latest(start=NOON - MINUTE, end=NOON + MINUTE) == []
        # Stored out of order: the newest is the greatest instant, not the last stored.
        uow.evaluations.add([record("availability", NOON + m * MINUTE) for m in (3, 1, 2)])
        uow.evaluations.add([record("latency", NOON), record("availability", NOON + 9 * MINUTE, agreement="ola")])
        uow.commit()
    with uow_factory() as uow:
        latest = uow.evaluations.latest
        found = latest(start=NOON, end=NOON + 5 * MINUTE)
        assert _newest(found) == {"payments-sla/availability": NOON + 3 * MINUTE, "payments-sla/latency": NOON}
        assert all(s.id > 0 for s in found)
        assert found[0].record == record(found[0].record.evaluation.objective, found[0].record.evaluation.at)
        # The range bounds the instants read: start included, end excluded.
        assert _newest(latest(start=NOON + MINUTE, end=NOON + 3 * MINUTE)) == {
            "payments-sla/availability": NOON + 2 * MINUTE
        }
        assert _newest(latest(start=NOON, end=NOON + 10 * MINUTE))["ola/availability"] == NOON + 9 * MINUTE


def test_latest_after_a_mark_reads_only_what_is_new(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.evaluations.add([record("availability", NOON), record("latency", NOON)])
        uow.commit()
    with uow_factory() as uow:
        mark = uow.evaluations.last_id()
    assert mark > 0
    with uow_factory() as uow:
        uow.evaluations.add([record("availability", NOON + MINUTE)])
        uow.commit()
    with uow_factory() as uow:
        last = uow.evaluations.last_id()
        assert last > mark
        start, end = NOON - MINUTE, NOON + 2 * MINUTE
        new = uow.evaluations.latest(start=start, end=end, after=mark, upto=last)
        assert _newest(new) == {"payments-sla/availability": NOON + MINUTE}
        assert new[0].id == last
        assert _newest(uow.evaluations.latest(start=start, end=end, upto=mark)) == {
            "payments-sla/availability": NOON,
            "payments-sla/latency": NOON,
        }
        assert uow.evaluations.latest(start=start, end=end, after=last) == []


def _entry(name: str) -> AuditEntry:
    return AuditEntry(
        at=NOON,
        actor="tests",
        interface="python",
        action=AuditAction.CREATE,
        kind="Party",
        name=name,
        before=None,
        after={},
    )


def test_every_catalogue_write_moves_the_fingerprint_and_the_audit_mark(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        empty, no_audit = uow.catalogue.fingerprint(), uow.audit.last_id()
    assert no_audit == 0
    seen = {empty}

    def write(change: Callable[[UnitOfWork], None]) -> None:
        with uow_factory() as uow:
            before = uow.audit.last_id()
            change(uow)
            uow.commit()
        with uow_factory() as uow:
            now = uow.catalogue.fingerprint()
            assert now not in seen
            seen.add(now)
            assert uow.audit.last_id() > before

    def create(uow: UnitOfWork) -> None:
        uow.catalogue.put(Party(name="ministry", display_name=LocalizedText(en="Ministry"), type=PartyType.CUSTOMER))
        uow.catalogue.put(Party(name="bank", display_name=LocalizedText(en="Bank"), type=PartyType.CUSTOMER))
        uow.audit.record(_entry("ministry"))

    def change(uow: UnitOfWork) -> None:
        uow.catalogue.put(Party(name="bank", display_name=LocalizedText(en="Bank"), type=PartyType.INTERNAL))
        uow.audit.record(_entry("bank"))

    def delete(uow: UnitOfWork) -> None:
        uow.catalogue.delete("Party", "ministry")
        uow.audit.record(_entry("ministry"))

    write(create)
    write(change)
    write(delete)
    with uow_factory() as uow:
        # Reading changes nothing.
        assert uow.catalogue.fingerprint() == uow.catalogue.fingerprint()
        assert uow.catalogue.fingerprint() in seen


def test_status_from_stored_evaluations_on_each_database(db_url: str) -> None:
    """The status board over a real store: the stored records as they are, a write seen at once."""
    with api_over(db_url) as api:
        admin = api.token("admin")
        stored = api.slmo.evaluation.evaluate()
        at = api.clock.at
        api.clock.at = at + dt.timedelta(seconds=30)
        first = api.request("GET", "/api/v1/status", token=admin)
        assert first.json() == [as_json(r) for r in stored]
        assert (
            api.request(
                "GET", "/api/v1/status", token=admin, headers={"If-None-Match": first.headers["etag"]}
            ).status_code
            == 304
        )
        again = api.slmo.evaluation.evaluate(api.clock.at, "portal-sla/success")
        rows = {r["agreement"]: r for r in api.request("GET", "/api/v1/status", token=admin).json()}
        assert rows["portal-sla"] == as_json(again[0])
        assert rows["payments-sla"]["at"] == at.isoformat()
