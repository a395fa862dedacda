"""What only the SQL store has: rows, constraints, column types, packed chunks and error
translation."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session

from slmo.core.model import LocalizedText, Party, PartyType
from slmo.core.model.audit import AuditAction, AuditEntry
from slmo.core.model.measurement import BucketBatch, SampleBatch
from slmo.core.model.objective import BudgetingMethod
from slmo.core.model.plain import to_plain
from slmo.core.model.results import Evaluation, EvaluationStatus, ObjectiveEvaluation
from slmo.errors import ConflictError, StoreError
from slmo.store import measurements
from slmo.store.engine import make_engine
from slmo.store.failures import translated
from slmo.store.schema import AuditRow, BucketChunkRow, CatalogueRow, EvaluationRow, SampleChunkRow
from slmo.store.unit_of_work import unit_of_work_factory

START = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)


def acme(label: str = "1") -> Party:
    return Party(name="acme", display_name=LocalizedText(en="Acme"), type=PartyType.CUSTOMER, labels={"v": label})


def ticking() -> Iterator[dt.datetime]:
    """A clock that moves one minute per reading, from START."""
    return (START + dt.timedelta(minutes=i) for i in itertools.count())


def test_kind_and_name_are_unique_in_the_database(engine: Engine) -> None:
    def row() -> CatalogueRow:
        return CatalogueRow(kind="Party", name="acme", document={}, created_at=START, updated_at=START)

    with Session(engine) as session:
        session.add_all([row(), row()])
        with pytest.raises(ConflictError, match="refused the write"), translated(engine.url, "storing Party/acme"):
            session.flush()
        session.rollback()
        session.add_all(
            [row(), CatalogueRow(kind="Service", name="acme", document={}, created_at=START, updated_at=START)]
        )
        session.commit()


def test_rows_hold_the_plain_document_revision_and_aware_times(engine: Engine) -> None:
    clock = ticking()
    factory = unit_of_work_factory(engine, now=lambda: next(clock))
    with factory() as uow:
        uow.catalogue.put(acme("1"))
        uow.commit()
    with factory() as uow:
        uow.catalogue.put(acme("1"))  # unchanged: no new revision, no new time
        uow.catalogue.put(acme("2"))
        uow.commit()

    with Session(engine) as session:
        row = session.scalars(select(CatalogueRow)).one()
        assert (row.kind, row.name, row.revision) == ("Party", "acme", 2)
        assert row.document == to_plain(acme("2"))
        assert row.created_at == START
        assert row.updated_at == START + dt.timedelta(minutes=2)
        assert row.created_at.tzinfo is dt.UTC
        assert row.updated_at.tzinfo is dt.UTC


def test_audit_documents_that_are_absent_are_sql_null(engine: Engine) -> None:
    with unit_of_work_factory(engine)() as uow:
        uow.audit.record(
            AuditEntry(
                at=START,
                actor="nora",
                interface="api",
                action=AuditAction.CREATE,
                kind="Party",
                name="acme",
                before=None,
                after=to_plain(acme()),
            )
        )
        uow.commit()
    with engine.connect() as connection:
        nulls = connection.execute(select(func.count()).where(AuditRow.before.is_(None))).scalar_one()
        present = connection.execute(select(func.count()).where(AuditRow.after.is_not(None))).scalar_one()
    assert (nulls, present) == (1, 1)


def test_instants_are_stored_and_read_in_utc(engine: Engine) -> None:
    riyadh = dt.timezone(dt.timedelta(hours=3))
    with Session(engine) as session:
        session.add(
            AuditRow(
                at=dt.datetime(2026, 3, 1, 12, 0, tzinfo=riyadh),
                actor="a",
                interface="cli",
                action="create",
                kind="Party",
                name="x",
                seq=1,
                prev_hash="0" * 64,
                hash="0" * 64,
            )
        )
        session.commit()
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            # The server answers in the session's time zone; the column type must not care.
            connection.execute(text("SET TIME ZONE 'America/New_York'"))
        else:
            # SQLite keeps text: it must be the UTC wall time, so that text order is time order.
            raw = connection.execute(text("SELECT at FROM audit_log")).scalar_one()
            assert raw.startswith("2026-03-01 09:00:00")
        with Session(bind=connection) as session:
            at = session.scalars(select(AuditRow.at)).one()
        connection.rollback()
    assert at == dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    assert at.tzinfo is dt.UTC


def test_a_document_that_no_longer_reads_is_a_store_error(engine: Engine) -> None:
    factory = unit_of_work_factory(engine)
    with factory() as uow:
        uow.catalogue.put(acme())
        uow.commit()
    with engine.begin() as connection:
        connection.execute(update(CatalogueRow).values(document={"name": "acme"}))
    with factory() as uow, pytest.raises(StoreError, match="Party/acme cannot be read"):
        uow.catalogue.get("Party", "acme")

    with engine.begin() as connection:
        connection.execute(update(CatalogueRow).values(kind="Widget"))
    with factory() as uow, pytest.raises(StoreError, match="Widget/acme has a kind this slmo does not know"):
        uow.catalogue.list()


def test_a_lost_table_is_a_store_error_naming_the_database(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE audit_log"))
    with unit_of_work_factory(engine)() as uow, pytest.raises(StoreError, match="reading the audit log") as caught:
        uow.audit.list()
    assert engine.url.render_as_string(hide_password=True) in str(caught.value)


@pytest.mark.postgres
def test_two_workers_creating_the_same_object_one_gets_a_conflict(postgres_engine: Engine) -> None:
    # Named connections, so the wait below is this test's and no parallel test's.
    name = f"slmo-test-{secrets.token_hex(4)}"
    workers = make_engine(postgres_engine.url.update_query_dict({"application_name": name}))
    try:
        _race(workers, name)
    finally:
        workers.dispose()


def _race(engine: Engine, application_name: str) -> None:
    factory = unit_of_work_factory(engine)
    outcome: list[BaseException | None] = []

    def second_worker() -> None:
        with factory() as uow:
            try:
                uow.catalogue.put(acme("second"))  # waits for the first worker's row lock
                uow.commit()
                outcome.append(None)
            except BaseException as exc:
                outcome.append(exc)

    with factory() as first:
        first.catalogue.put(acme("first"))  # inserted and flushed, not committed
        worker = threading.Thread(target=second_worker)
        worker.start()
        _wait_until_one_waits_for_a_lock(engine, application_name)
        first.commit()
        worker.join(timeout=30)

    assert len(outcome) == 1
    assert isinstance(outcome[0], ConflictError)
    with factory() as uow:
        assert uow.catalogue.get("Party", "acme") == acme("first")


def _wait_until_one_waits_for_a_lock(engine: Engine, application_name: str) -> None:
    waiting = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND wait_event_type = 'Lock'")
    deadline = time.monotonic() + 10
    with engine.connect() as connection:
        while time.monotonic() < deadline:
            if connection.execute(waiting, {"name": application_name}).scalar_one():
                return
            connection.rollback()
            time.sleep(0.02)
    pytest.fail("the second worker never waited for the first one's lock")


# -- measurements in chunks ---------------------------------------------------------------

MIDNIGHT = int(dt.datetime(2026, 3, 1, tzinfo=dt.UTC).timestamp())


def buckets(starts: list[int], good: list[int], total: list[int], source: str = "import") -> BucketBatch:
    return BucketBatch(
        indicator="payments-success",
        source=source,
        bucket_seconds=60,
        starts=np.asarray(starts, dtype=np.int64),
        good=np.asarray(good, dtype=np.int64),
        total=np.asarray(total, dtype=np.int64),
    )


def test_buckets_are_one_row_per_indicator_source_and_utc_day_packed_as_int32(engine: Engine) -> None:
    factory = unit_of_work_factory(engine)
    with factory() as uow:
        uow.measurements.write_buckets(buckets([MIDNIGHT - 60, MIDNIGHT, MIDNIGHT + 60], [1, 2, 3], [4, 5, 6]))
        uow.measurements.write_buckets(buckets([MIDNIGHT], [2**31], [2**32], source="big"))
        uow.commit()
    with Session(engine) as session:
        rows = session.scalars(select(BucketChunkRow).order_by(BucketChunkRow.chunk_start, BucketChunkRow.source))
        found = [(r.source, r.chunk_start, r.bucket_seconds, len(r.good), len(r.total)) for r in rows]
        assert found == [
            ("import", MIDNIGHT - 86_400, 60, 1440 * 4, 1440 * 4),
            ("big", MIDNIGHT, 60, 1440 * 8, 1440 * 8),  # a count beyond 32 bits widens its chunk only
            ("import", MIDNIGHT, 60, 1440 * 4, 1440 * 4),
        ]
        today = session.get(BucketChunkRow, ("payments-success", MIDNIGHT, "import"))
        assert today is not None
        total = np.frombuffer(today.total, "<i4")
        assert total[:3].tolist() == [5, 6, -1]  # -1: not reported
        assert np.frombuffer(today.good, "<i4")[:3].tolist() == [2, 3, 0]


def test_samples_are_packed_float64_with_nan_where_absent(engine: Engine) -> None:
    with unit_of_work_factory(engine)() as uow:
        uow.measurements.write_samples(
            SampleBatch(
                indicator="payments-latency",
                source="import",
                bucket_seconds=300,
                starts=np.asarray([MIDNIGHT + 300], dtype=np.int64),
                values=np.asarray([212.5]),
            )
        )
        uow.commit()
    with Session(engine) as session:
        row = session.scalars(select(SampleChunkRow)).one()
        values = np.frombuffer(row.sample_values, "<f8")
        assert (row.chunk_start, row.bucket_seconds, values.shape) == (MIDNIGHT, 300, (288,))
        assert values[1] == 212.5
        assert int(np.isnan(values).sum()) == 287


def test_a_damaged_chunk_is_a_store_error(engine: Engine) -> None:
    factory = unit_of_work_factory(engine)
    with factory() as uow:
        uow.measurements.write_buckets(buckets([MIDNIGHT], [1], [1]))
        uow.commit()
    with engine.begin() as connection:
        connection.execute(update(BucketChunkRow).values(total=b"\x00" * 7))
    with factory() as uow, pytest.raises(StoreError, match=r"chunk of buckets at 2026-03-01T00:00:00Z is damaged"):
        uow.measurements.read_buckets("payments-success", MIDNIGHT, MIDNIGHT + 60, 60)


def test_a_lost_measurements_table_is_a_store_error_naming_the_database(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE bucket_chunks"))
    factory = unit_of_work_factory(engine)
    with factory() as uow, pytest.raises(StoreError, match="reading buckets of payments-success") as caught:
        uow.measurements.read_buckets("payments-success", MIDNIGHT, MIDNIGHT + 60, 60)
    assert engine.url.render_as_string(hide_password=True) in str(caught.value)
    with factory() as uow, pytest.raises(StoreError, match="storing buckets of payments-success from import"):
        uow.measurements.write_buckets(buckets([MIDNIGHT], [1], [1]))


def test_an_evaluation_row_holds_its_document_and_query_columns(engine: Engine) -> None:
    evaluation = Evaluation(
        objective="availability",
        at=dt.datetime(2026, 3, 1, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=3))),
        window_start=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
        window_end=dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC),
        budgeting=BudgetingMethod.OCCURRENCES,
        good=0.0,
        total=0.0,
        attainment=None,
        target=1.0,
        budget_total=0.0,
        budget_spent=0.0,
        budget_left=1.0,
        burn_rates={"1h": float("inf")},
        status=EvaluationStatus.NO_DATA,
    )
    record = ObjectiveEvaluation(
        agreement="payments-sla", version=2, service=None, indicator="payments-success", evaluation=evaluation
    )
    with unit_of_work_factory(engine)() as uow:
        uow.evaluations.add([record])
        uow.commit()
    with Session(engine) as session:
        row = session.scalars(select(EvaluationRow)).one()
    assert (row.agreement, row.objective, row.version, row.service, row.status) == (
        "payments-sla",
        "availability",
        2,
        None,
        "no_data",
    )
    assert row.at == dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    assert (row.attainment, row.budget_left) == (None, 1.0)
    assert row.document["evaluation"]["burn_rates"] == {"1h": {"$float": "inf"}}


def test_many_indicators_and_chunks_are_read_and_merged_in_several_queries(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(measurements, "_PER_QUERY", 2)
    factory = unit_of_work_factory(engine)
    days = [MIDNIGHT + d * 86_400 for d in range(5)]
    with factory() as uow:
        for i in range(5):
            uow.measurements.write_buckets(
                BucketBatch(f"i{i}", "s", 60, np.asarray(days), np.full(5, i), np.full(5, 10 + i))
            )
        uow.commit()
    with factory() as uow:  # merging into five stored chunks reads them in three queries
        uow.measurements.write_buckets(BucketBatch("i0", "s", 60, np.asarray(days), np.full(5, 1), np.full(5, 1)))
        uow.commit()
    with factory() as uow:
        many = uow.measurements.read_many([f"i{i}" for i in range(5)], MIDNIGHT, MIDNIGHT + 5 * 86_400, 86_400)  # type: ignore[attr-defined]
    assert [many[f"i{i}"].total.tolist() for i in range(5)] == [[1] * 5] + [[10 + i] * 5 for i in range(1, 5)]
