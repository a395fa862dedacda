"""Tamper evidence on SQLite and PostgreSQL: the audit log and the closed periods are hash
chains that `slmo audit verify` walks; a row edited, deleted, reordered or added with SQL
behind slmo's back makes it exit 9 naming the first bad record, and an untouched database
verifies. Entries stored before the chain existed are chained by the migration; two writers
appending at once on PostgreSQL never fork the chain."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import pathlib
import threading
from collections.abc import Iterator

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from slmo.cli.main import execute
from slmo.core.model.audit import AuditAction, AuditEntry
from slmo.core.model.chain import CLOSES_CHAIN, FaultKind
from slmo.core.model.period_close import ClosedPeriod
from slmo.core.model.results import BudgetingMethod, Evaluation, EvaluationStatus, ObjectiveEvaluation
from slmo.services.integrity import IntegrityService
from slmo.store.engine import alembic_config, make_engine, upgrade
from slmo.store.unit_of_work import unit_of_work_factory
from tests.integration.conftest import database

AT = dt.datetime(2026, 11, 2, 9, 30, 15, 123456, tzinfo=dt.UTC)


def entry(i: int) -> AuditEntry:
    return AuditEntry(
        at=AT + dt.timedelta(minutes=i),
        actor="nora",
        interface="cli",
        action=AuditAction.CHANGE,
        kind="Party",
        name=f"party-{i}",
        before={"type": "customer", "n": i},
        after={"type": "supplier", "n": i, "share": 0.1 * i, "big": 1e16, "ar": "الوزارة"},
    )


def record(period: str, attainment: float) -> ObjectiveEvaluation:
    start = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    return ObjectiveEvaluation(
        agreement="portal-sla",
        version=1,
        service="portal",
        indicator="portal-requests",
        evaluation=Evaluation(
            objective="success",
            at=dt.datetime(2026, 10, 31, 23, 59, 59, tzinfo=dt.UTC),
            window_start=start,
            window_end=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
            budgeting=BudgetingMethod.OCCURRENCES,
            good=attainment * 1000,
            total=1000.0,
            attainment=attainment,
            target=0.99,
            budget_total=10.0,
            budget_spent=(1 - attainment) * 1000,
            budget_left=1 - (1 - attainment) * 100,
            burn_rates={"1h": float("inf"), "6h": 0.5},
            status=EvaluationStatus.MET,
        ),
    )


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    made = make_engine(db_url)
    try:
        upgrade(made)
        factory = unit_of_work_factory(made)
        with factory() as uow:
            for i in range(1, 6):
                uow.audit.record(entry(i))
            for n, period in enumerate(("2026-08", "2026-09", "2026-10")):
                uow.period_closes.add(
                    ClosedPeriod(
                        agreement="portal-sla",
                        objective="success",
                        period=period,
                        closed_at=AT,
                        record=record(period, 0.995 + n / 1000),
                    )
                )
            uow.commit()
        yield made
    finally:
        made.dispose()


def verify(engine: Engine) -> tuple[int, str, str]:
    """`slmo audit verify` on the engine's database: exit code, standard output and error."""
    url = engine.url.render_as_string(hide_password=False)
    return _run(["--db", url, "audit", "verify"])


def _run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = execute(args)
    # The console wraps long lines: compare words.
    return code, " ".join(out.getvalue().split()), " ".join(err.getvalue().split())


def sql(engine: Engine, statement: str, **params: object) -> None:
    with engine.begin() as connection:
        connection.execute(text(statement), params)


def ids(engine: Engine, table: str) -> list[int]:
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(text(f"SELECT id FROM {table} ORDER BY seq"))]


def test_an_untouched_database_verifies(engine: Engine) -> None:
    code, out, err = verify(engine)
    assert code == 0, err
    assert "audit log: 5 record(s) verified" in out and "closed periods: 3 record(s) verified" in out


def test_an_edited_audit_entry_is_named(engine: Engine) -> None:
    third = ids(engine, "audit_log")[2]
    sql(engine, f"UPDATE audit_log SET actor = 'mallory' WHERE id = {third}")
    code, out, err = verify(engine)
    assert code == 9
    assert f"record {third} (position 3) was changed after it was written" in out
    assert f"the audit chain does not verify: record {third} (position 3)" in err


def test_an_edited_document_inside_an_entry_is_named(engine: Engine) -> None:
    second = ids(engine, "audit_log")[1]
    after = '{"type":"customer","n":2,"share":0.2,"big":1e16,"ar":"الوزارة"}'
    sql(engine, f"UPDATE audit_log SET after = :after WHERE id = {second}", after=after)
    code, out, _ = verify(engine)
    assert code == 9 and f"record {second} (position 2) was changed" in out


def test_a_deleted_audit_entry_is_named_by_its_position(engine: Engine) -> None:
    second, third = ids(engine, "audit_log")[1:3]
    sql(engine, f"DELETE FROM audit_log WHERE id = {second}")
    code, out, _ = verify(engine)
    assert code == 9
    assert f"the record at position 2 is missing (deleted); the next one is record {third} at position 3" in out


def test_deleting_the_newest_entry_is_seen(engine: Engine) -> None:
    last = ids(engine, "audit_log")[-1]
    sql(engine, f"DELETE FROM audit_log WHERE id = {last}")
    code, out, _ = verify(engine)
    assert code == 9 and "records at positions 5 to 5 are missing (deleted)" in out


def test_reordered_entries_are_seen(engine: Engine) -> None:
    second, third = ids(engine, "audit_log")[1:3]
    sql(engine, f"UPDATE audit_log SET seq = -2 WHERE id = {second}")
    sql(engine, f"UPDATE audit_log SET seq = 2 WHERE id = {third}")
    sql(engine, f"UPDATE audit_log SET seq = 3 WHERE id = {second}")
    code, out, _ = verify(engine)
    assert code == 9 and f"record {third} (position 2) does not follow record" in out


def test_an_entry_added_behind_slmos_back_is_seen(engine: Engine) -> None:
    last = ids(engine, "audit_log")[-1]
    sql(
        engine,
        "INSERT INTO audit_log (at, actor, interface, action, kind, name, seq, prev_hash, hash) "
        f"SELECT at, 'mallory', interface, action, kind, name, 6, hash, hash FROM audit_log WHERE id = {last}",
    )
    code, out, _ = verify(engine)
    assert code == 9 and "(position 6) is past the chain's head (5)" in out


def test_an_edited_closed_period_is_named(engine: Engine) -> None:
    second = ids(engine, "period_closes")[1]
    sql(engine, f"UPDATE period_closes SET period = '2026-07' WHERE id = {second}")
    code, out, err = verify(engine)
    assert code == 9
    assert "audit log: 5 record(s) verified" in out
    assert f"closed periods: record {second} (position 2) was changed after it was written" in out
    assert "the periods chain does not verify" in err


def test_a_deleted_closed_period_is_named(engine: Engine) -> None:
    first = ids(engine, "period_closes")[0]
    sql(engine, f"DELETE FROM period_closes WHERE id = {first}")
    reports = IntegrityService(unit_of_work_factory(engine)).verify()
    fault = reports[1].fault
    assert reports[1].chain == CLOSES_CHAIN and fault is not None
    assert (fault.kind, fault.seq) == (FaultKind.MISSING, 1)


def test_json_output_names_the_fault(engine: Engine) -> None:
    first = ids(engine, "audit_log")[0]
    sql(engine, f"UPDATE audit_log SET name = 'other' WHERE id = {first}")
    url = engine.url.render_as_string(hide_password=False)
    code, out, _ = _run(["--db", url, "audit", "verify", "--json"])
    assert code == 9
    audit, periods = json.loads(out)
    assert audit["ok"] is False and audit["fault"]["kind"] == "edited" and audit["fault"]["record"] == first
    assert periods["ok"] is True and periods["records"] == 3


def test_entries_written_before_the_chain_are_chained_at_upgrade(db_url: str) -> None:
    made = make_engine(db_url)
    try:
        script = ScriptDirectory.from_config(alembic_config())
        chained = next(r for r in script.walk_revisions() if r.path.endswith("_hash_chains_reviews_and_actions.py"))
        previous = chained.down_revision
        assert isinstance(previous, str)
        upgrade(made, previous)
        with made.begin() as connection:
            for i in range(1, 4):
                connection.execute(
                    text(
                        "INSERT INTO audit_log (at, actor, interface, action, kind, name, before, after) "
                        "VALUES (:at, 'nora', 'cli', 'create', 'Party', :name, NULL, :after)"
                    ),
                    {
                        "at": (AT + dt.timedelta(seconds=i)).replace(tzinfo=None)
                        if made.dialect.name == "sqlite"
                        else AT + dt.timedelta(seconds=i),
                        "name": f"p{i}",
                        "after": '{"type": "customer", "ratio": 0.25, "whole": 2.0}',
                    },
                )
        upgrade(made)
        factory = unit_of_work_factory(made)
        with factory() as uow:
            uow.audit.record(entry(9))
            uow.commit()
        audit, _ = IntegrityService(factory).verify()
        assert audit.ok and audit.records == 4 and audit.head.seq == 4
    finally:
        made.dispose()


@pytest.mark.postgres
def test_two_writers_at_once_never_fork_the_chain(tmp_path: pathlib.Path) -> None:
    with database("postgres", tmp_path) as url:
        made = make_engine(url)
        try:
            upgrade(made)
            factory = unit_of_work_factory(made)
            start = threading.Barrier(4)
            failures: list[BaseException] = []

            def writer(base: int) -> None:
                try:
                    start.wait()
                    for i in range(15):
                        with factory() as uow:
                            uow.audit.record(entry(base + i))
                            uow.audit.record(entry(base + 100 + i))
                            uow.commit()
                except BaseException as exc:  # pragma: no cover - reported below
                    failures.append(exc)

            threads = [threading.Thread(target=writer, args=(n * 1000,)) for n in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert failures == []
            with made.connect() as connection:
                seqs = [row[0] for row in connection.execute(text("SELECT seq FROM audit_log ORDER BY seq"))]
            assert seqs == list(range(1, 121))
            audit, _ = IntegrityService(factory).verify()
            assert audit.ok and audit.records == 120
        finally:
            made.dispose()
