"""Buckets, samples and incidents: what every store does, on the in-memory fakes, SQLite and
PostgreSQL alike (the pattern of ``test_store_contract.py``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence

import numpy as np
import pytest

from slmo.core.model.measurement import BucketBatch, Impact, Incident, SampleBatch
from slmo.core.ports import UnitOfWork
from slmo.errors import IngestError, StoreError

UowFactory = Callable[[], UnitOfWork]
RIYADH = dt.timezone(dt.timedelta(hours=3), "AST")
MINUTE = 60
DAY = 86_400
# 2026-03-01 00:00 UTC: a chunk boundary.
MIDNIGHT = int(dt.datetime(2026, 3, 1, tzinfo=dt.UTC).timestamp())


def batch(
    starts: Sequence[int],
    good: Sequence[int],
    total: Sequence[int],
    *,
    indicator: str = "payments-success",
    source: str = "import",
    bucket_seconds: int = MINUTE,
) -> BucketBatch:
    return BucketBatch(
        indicator=indicator,
        source=source,
        bucket_seconds=bucket_seconds,
        starts=np.asarray(starts, dtype=np.int64),
        good=np.asarray(good, dtype=np.int64),
        total=np.asarray(total, dtype=np.int64),
    )


def samples(
    starts: Sequence[int],
    values: Sequence[float],
    *,
    indicator: str = "payments-latency",
    source: str = "import",
    bucket_seconds: int = MINUTE,
) -> SampleBatch:
    return SampleBatch(
        indicator=indicator,
        source=source,
        bucket_seconds=bucket_seconds,
        starts=np.asarray(starts, dtype=np.int64),
        values=np.asarray(values, dtype=np.float64),
    )


def minutes(*offsets: int, base: int = MIDNIGHT) -> list[int]:
    return [base + m * MINUTE for m in offsets]


def write(uow_factory: UowFactory, *batches: BucketBatch | SampleBatch) -> list[int]:
    with uow_factory() as uow:
        written = [
            uow.measurements.write_buckets(b) if isinstance(b, BucketBatch) else uow.measurements.write_samples(b)
            for b in batches
        ]
        uow.commit()
    return written


def read(uow_factory: UowFactory, start: int, end: int, indicator: str = "payments-success", bucket: int = MINUTE):  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        return uow.measurements.read_buckets(indicator, start, end, bucket)


def test_a_batch_round_trips_and_absent_buckets_are_zero_and_not_present(uow_factory: UowFactory) -> None:
    assert write(uow_factory, batch(minutes(1, 2, 4), [9, 0, 5], [10, 0, 5])) == [3]
    series = read(uow_factory, MIDNIGHT, MIDNIGHT + 6 * MINUTE)
    assert (series.start, series.bucket_seconds) == (MIDNIGHT, MINUTE)
    assert series.good.tolist() == [0, 9, 0, 0, 5, 0]
    assert series.total.tolist() == [0, 10, 0, 0, 5, 0]
    # A bucket reported with no traffic is present; one never reported is not.
    assert series.present.tolist() == [False, True, True, False, True, False]
    assert series.good.dtype == np.int64
    assert series.total.dtype == np.int64


def test_nothing_stored_reads_as_an_empty_dense_series(uow_factory: UowFactory) -> None:
    series = read(uow_factory, MIDNIGHT, MIDNIGHT + 3 * MINUTE, indicator="nothing")
    assert series.total.tolist() == [0, 0, 0]
    assert not series.present.any()
    empty = read(uow_factory, MIDNIGHT, MIDNIGHT)
    assert empty.total.shape == (0,)
    with uow_factory() as uow:
        assert uow.measurements.bucket_range("nothing") is None
        assert uow.measurements.write_buckets(batch([], [], [])) == 0


def test_writing_the_same_batch_twice_changes_nothing(uow_factory: UowFactory) -> None:
    same = batch(minutes(0, 1, 2), [1, 2, 3], [4, 5, 6])
    write(uow_factory, same)
    first = read(uow_factory, MIDNIGHT, MIDNIGHT + 3 * MINUTE)
    assert write(uow_factory, same) == [3]
    again = read(uow_factory, MIDNIGHT, MIDNIGHT + 3 * MINUTE)
    assert again.good.tolist() == first.good.tolist() == [1, 2, 3]
    assert again.total.tolist() == first.total.tolist() == [4, 5, 6]


def test_a_later_batch_of_the_same_source_replaces_its_buckets_only(uow_factory: UowFactory) -> None:
    write(uow_factory, batch(minutes(0, 1, 2), [1, 2, 3], [4, 5, 6]))
    write(uow_factory, batch(minutes(1), [7], [7]))  # late data corrects one bucket
    series = read(uow_factory, MIDNIGHT, MIDNIGHT + 3 * MINUTE)
    assert series.good.tolist() == [1, 7, 3]
    assert series.total.tolist() == [4, 7, 6]


def test_a_bucket_repeated_in_one_batch_takes_its_last_value(uow_factory: UowFactory) -> None:
    assert write(uow_factory, batch(minutes(2, 0, 2), [1, 2, 3], [5, 5, 5])) == [2]
    series = read(uow_factory, MIDNIGHT, MIDNIGHT + 3 * MINUTE)
    assert series.good.tolist() == [2, 0, 3]


def test_two_sources_are_summed_and_present_where_either_reported(uow_factory: UowFactory) -> None:
    write(
        uow_factory,
        batch(minutes(0, 1), [1, 2], [2, 3], source="eu"),
        batch(minutes(1, 2), [10, 20], [10, 30], source="us"),
    )
    series = read(uow_factory, MIDNIGHT, MIDNIGHT + 4 * MINUTE)
    assert series.good.tolist() == [1, 12, 20, 0]
    assert series.total.tolist() == [2, 13, 30, 0]
    assert series.present.tolist() == [True, True, True, False]
    # Rewriting one source leaves the other's buckets alone.
    write(uow_factory, batch(minutes(1), [0], [1], source="us"))
    assert read(uow_factory, MIDNIGHT, MIDNIGHT + 4 * MINUTE).total.tolist() == [2, 4, 30, 0]


def test_a_batch_crossing_utc_midnight_spans_two_chunks(uow_factory: UowFactory) -> None:
    starts = minutes(-2, -1, 0, 1)
    write(uow_factory, batch(starts, [1, 2, 3, 4], [5, 6, 7, 8]))
    whole = read(uow_factory, MIDNIGHT - 3 * MINUTE, MIDNIGHT + 3 * MINUTE)
    assert whole.total.tolist() == [0, 5, 6, 7, 8, 0]
    assert whole.present.tolist() == [False, True, True, True, True, False]
    # Reads that start or end inside a chunk take only their part of it.
    assert read(uow_factory, MIDNIGHT - MINUTE, MIDNIGHT + MINUTE).total.tolist() == [6, 7]
    assert read(uow_factory, MIDNIGHT + MINUTE, MIDNIGHT + 2 * MINUTE).total.tolist() == [8]
    with uow_factory() as uow:
        assert uow.measurements.bucket_range("payments-success") == (MIDNIGHT - 2 * MINUTE, MIDNIGHT + 2 * MINUTE)


def test_a_batch_over_many_days_out_of_order(uow_factory: UowFactory) -> None:
    rng = np.random.default_rng(3)
    count = 10 * 1440
    starts = MIDNIGHT + np.arange(count, dtype=np.int64) * MINUTE
    total = rng.integers(0, 1000, count)
    good = total - rng.integers(0, 2, count) * (total > 0)
    order = rng.permutation(count)
    assert write(uow_factory, batch(starts[order], good[order], total[order])) == [count]
    series = read(uow_factory, MIDNIGHT - DAY, MIDNIGHT + 11 * DAY)
    assert series.total[1440 : 1440 + count].tolist() == total.tolist()
    assert series.good[1440 : 1440 + count].tolist() == good.tolist()
    assert int(series.present.sum()) == count


def test_counts_beyond_32_bits_are_kept_exactly(uow_factory: UowFactory) -> None:
    huge = 2**31 + 5
    write(uow_factory, batch(minutes(0, 1), [huge, 1], [huge * 3, 2]))
    write(uow_factory, batch(minutes(0), [huge], [huge * 3], source="other"))
    series = read(uow_factory, MIDNIGHT, MIDNIGHT + 2 * MINUTE)
    assert series.good.tolist() == [2 * huge, 1]
    assert series.total.tolist() == [6 * huge, 2]


def test_a_read_at_a_multiple_of_the_stored_bucket_length_is_aggregated(uow_factory: UowFactory) -> None:
    write(uow_factory, batch(minutes(0, 1, 4, 7), [1, 2, 3, 4], [1, 2, 3, 5]), batch(minutes(6), [9], [9], source="b"))
    series = read(uow_factory, MIDNIGHT, MIDNIGHT + 15 * MINUTE, bucket=5 * MINUTE)
    assert series.bucket_seconds == 5 * MINUTE
    assert series.good.tolist() == [6, 13, 0]
    assert series.total.tolist() == [6, 14, 0]
    assert series.present.tolist() == [True, True, False]
    with uow_factory() as uow, pytest.raises(StoreError, match="bucket length changed"):
        uow.measurements.read_buckets("payments-success", MIDNIGHT, MIDNIGHT + 90, 90)


def test_a_refused_read_leaves_the_unit_of_work_usable(uow_factory: UowFactory) -> None:
    # Enough chunks that PostgreSQL is still sending rows when the refusal is found.
    days = 1000
    starts = MIDNIGHT + np.arange(days, dtype=np.int64) * DAY
    write(uow_factory, batch(starts.tolist(), [1] * days, [1] * days))
    with uow_factory() as uow:
        with pytest.raises(StoreError, match="60-second buckets stored and cannot be read in 90-second"):
            uow.measurements.read_buckets("payments-success", MIDNIGHT, MIDNIGHT + days * DAY, 90)
        assert read_in(uow, MIDNIGHT, MIDNIGHT + MINUTE).total.tolist() == [1]
        uow.measurements.write_buckets(batch(minutes(1), [2], [2]))
        uow.commit()
    assert read(uow_factory, MIDNIGHT, MIDNIGHT + 2 * MINUTE).total.tolist() == [1, 2]


def test_a_batch_at_another_bucket_length_is_refused(uow_factory: UowFactory) -> None:
    write(uow_factory, batch(minutes(0), [1], [1]))
    with uow_factory() as uow, pytest.raises(IngestError, match="60-second buckets stored; these are 300-second"):
        uow.measurements.write_buckets(batch(minutes(0), [1], [1], source="other", bucket_seconds=300))


@pytest.mark.parametrize(
    ("starts", "good", "total", "message"),
    [
        ([MIDNIGHT + 30], [1], [1], r"bucket 2026-03-01T00:00:30Z: does not start at a multiple of 60 seconds"),
        ([MIDNIGHT], [-1], [1], "good is negative"),
        ([MIDNIGHT], [0], [-2], "total is negative"),
        ([MIDNIGHT, MIDNIGHT + 60], [1, 5], [1, 4], r"bucket 2026-03-01T00:01:00Z: good 5 exceeds total 4"),
    ],
)
def test_bad_buckets_are_refused_naming_indicator_and_bucket(
    uow_factory: UowFactory, starts: list[int], good: list[int], total: list[int], message: str
) -> None:
    with uow_factory() as uow, pytest.raises(IngestError, match=message) as caught:
        uow.measurements.write_buckets(batch(starts, good, total))
    assert "indicator payments-success, source import" in str(caught.value)
    assert read(uow_factory, MIDNIGHT, MIDNIGHT + 2 * MINUTE).present.tolist() == [False, False]


def test_samples_are_nan_where_absent_and_the_maximum_over_sources(uow_factory: UowFactory) -> None:
    assert write(
        uow_factory,
        samples(minutes(0, 1), [120.5, 340.0], source="eu"),
        samples(minutes(1, 2), [200.0, -3.5], source="us"),
    ) == [2, 2]
    with uow_factory() as uow:
        series = uow.measurements.read_samples("payments-latency", MIDNIGHT, MIDNIGHT + 4 * MINUTE, MINUTE)
    assert (series.start, series.bucket_seconds) == (MIDNIGHT, MINUTE)
    assert series.values[:3].tolist() == [120.5, 340.0, -3.5]
    assert np.isnan(series.values[3])


def test_samples_are_replaced_per_source_and_bucket_and_cross_midnight(uow_factory: UowFactory) -> None:
    write(uow_factory, samples(minutes(-1, 0, 1), [1.0, 2.0, 3.0]))
    write(uow_factory, samples(minutes(0), [0.25]))
    with uow_factory() as uow:
        series = uow.measurements.read_samples("payments-latency", MIDNIGHT - MINUTE, MIDNIGHT + 2 * MINUTE, MINUTE)
        coarse = uow.measurements.read_samples("payments-latency", MIDNIGHT - 5 * MINUTE, MIDNIGHT + 5 * MINUTE, 300)
        assert uow.measurements.bucket_range("payments-latency") == (MIDNIGHT - MINUTE, MIDNIGHT + 2 * MINUTE)
    assert series.values.tolist() == [1.0, 0.25, 3.0]
    assert coarse.values.tolist() == [1.0, 3.0]  # by maximum, as sources combine


def test_a_sample_that_is_not_a_finite_number_is_refused(uow_factory: UowFactory) -> None:
    with uow_factory() as uow, pytest.raises(IngestError, match="nan is not a finite number"):
        uow.measurements.write_samples(samples(minutes(0, 1), [1.0, float("nan")]))
    with uow_factory() as uow, pytest.raises(IngestError, match="inf is not a finite number"):
        uow.measurements.write_samples(samples(minutes(0), [float("inf")]))


def test_reads_need_aligned_bounds(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        with pytest.raises(ValueError, match="multiples of 60"):
            uow.measurements.read_buckets("x", MIDNIGHT + 1, MIDNIGHT + 60, 60)
        with pytest.raises(ValueError, match="start <= end"):
            uow.measurements.read_samples("x", MIDNIGHT + 60, MIDNIGHT, 60)


def test_read_many_gives_each_indicator_its_series(uow_factory: UowFactory) -> None:
    write(
        uow_factory,
        batch(minutes(0), [1], [2], indicator="a"),
        batch(minutes(1), [3], [4], indicator="b"),
    )
    with uow_factory() as uow:
        many = uow.measurements.read_many(["b", "a", "c"], MIDNIGHT, MIDNIGHT + 2 * MINUTE, MINUTE)  # type: ignore[attr-defined]
        assert list(many) == ["b", "a", "c"]
        assert many["a"].total.tolist() == [2, 0]
        assert many["b"].total.tolist() == [0, 4]
        assert not many["c"].present.any()
        one = uow.measurements.read_buckets("a", MIDNIGHT, MIDNIGHT + 2 * MINUTE, MINUTE)
        assert one.good.tolist() == many["a"].good.tolist()


def test_deleting_an_indicators_measurements_allows_a_new_bucket_length(uow_factory: UowFactory) -> None:
    write(uow_factory, batch(minutes(0), [1], [1]), batch(minutes(0), [1], [1], source="b"))
    with uow_factory() as uow:
        assert uow.measurements.delete_measurements("payments-success", source="b") == 1  # type: ignore[attr-defined]
        assert read_in(uow, MIDNIGHT, MIDNIGHT + MINUTE).total.tolist() == [1]
        assert uow.measurements.delete_measurements("payments-success") == 1  # type: ignore[attr-defined]
        assert uow.measurements.bucket_range("payments-success") is None
        uow.measurements.write_buckets(batch([MIDNIGHT], [3], [4], bucket_seconds=300))
        uow.commit()
    five = read(uow_factory, MIDNIGHT, MIDNIGHT + 600, bucket=300)
    assert five.total.tolist() == [4, 0]


def read_in(uow: UnitOfWork, start: int, end: int):  # type: ignore[no-untyped-def]
    return uow.measurements.read_buckets("payments-success", start, end, MINUTE)


def test_a_unit_of_work_reads_its_own_writes_and_others_only_once_committed(uow_factory: UowFactory) -> None:
    with uow_factory() as writer:
        writer.measurements.write_buckets(batch(minutes(0), [1], [1]))
        writer.measurements.write_buckets(batch(minutes(1), [2], [2]))
        assert read_in(writer, MIDNIGHT, MIDNIGHT + 2 * MINUTE).total.tolist() == [1, 2]
        assert read(uow_factory, MIDNIGHT, MIDNIGHT + 2 * MINUTE).total.tolist() == [0, 0]
        writer.commit()
    assert read(uow_factory, MIDNIGHT, MIDNIGHT + 2 * MINUTE).total.tolist() == [1, 2]


def test_work_not_committed_or_failed_leaves_nothing(uow_factory: UowFactory) -> None:
    incident = Incident(
        id="INC-1", service="payments", start=dt.datetime(2026, 3, 1, tzinfo=dt.UTC), end=None, impact=Impact.OUTAGE
    )
    with uow_factory() as uow:
        uow.measurements.write_buckets(batch(minutes(0), [1], [1]))
        uow.measurements.write_samples(samples(minutes(0), [1.0]))
        uow.measurements.put_incidents([incident])
    with pytest.raises(RuntimeError), uow_factory() as uow:
        uow.measurements.write_buckets(batch(minutes(0), [1], [1]))
        raise RuntimeError("boom")
    with uow_factory() as uow:
        uow.measurements.write_buckets(batch(minutes(0), [1], [1]))
        uow.rollback()
        assert uow.measurements.bucket_range("payments-success") is None
    with uow_factory() as uow:
        assert uow.measurements.bucket_range("payments-success") is None
        assert uow.measurements.bucket_range("payments-latency") is None
        assert uow.measurements.list_incidents() == []


def test_two_writers_of_one_series_keep_each_others_buckets(uow_factory: UowFactory) -> None:
    """The second writer reads the chunk only once the first has committed (it waits for the
    series' lock), so neither undoes the other's merge."""
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with uow_factory() as uow:
                uow.measurements.write_buckets(batch(minutes(1), [2], [2]))
                uow.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with uow_factory() as first:
        first.measurements.write_buckets(batch(minutes(0), [1], [1]))
        worker = threading.Thread(target=second)
        worker.start()
        time.sleep(0.3)  # let the second writer reach the lock (or finish, on the fakes)
        first.commit()
    worker.join(timeout=30)
    assert errors == []
    assert read(uow_factory, MIDNIGHT, MIDNIGHT + 2 * MINUTE).total.tolist() == [1, 2]


# -- incidents ----------------------------------------------------------------------------


def at(hour: int, minute: int = 0, day: int = 1) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=dt.UTC)


def incident(
    key: str,
    start: dt.datetime,
    end: dt.datetime | None,
    *,
    service: str = "payments",
    impact: Impact = Impact.OUTAGE,
    title: str | None = None,
    source: str = "import",
) -> Incident:
    return Incident(id=key, service=service, start=start, end=end, impact=impact, title=title, source=source)


def test_incidents_overlapping_a_span_oldest_first(uow_factory: UowFactory) -> None:
    stored = [
        incident("late", at(14), at(15)),
        incident("early", at(8), at(9), title="DNS", impact=Impact.DEGRADED),
        incident("before", at(6), at(7)),
        incident("touching", at(7), at(8)),  # ends where the span starts: not in it
        incident("open", at(11), None),
        incident("other", at(8), at(9), service="identity"),
    ]
    with uow_factory() as uow:
        assert uow.measurements.put_incidents(stored) == 6
        uow.commit()
    with uow_factory() as uow:
        found = uow.measurements.list_incidents(service="payments", start=at(8), end=at(14))
        assert [i.id for i in found] == ["early", "open"]
        assert found[0] == stored[1]
        assert found[0].start.tzinfo is not None
        assert found[1].end is None
        assert [i.id for i in uow.measurements.list_incidents(start=at(8), end=at(14, 1))] == [
            "early",
            "other",
            "open",
            "late",
        ]
        assert [i.id for i in uow.measurements.list_incidents(service="payments")] == [
            "before",
            "touching",
            "early",
            "open",
            "late",
        ]
        # An open incident reaches to the end of time.
        assert [i.id for i in uow.measurements.list_incidents(service="payments", start=at(0, day=9))] == ["open"]


def test_incidents_are_replaced_by_source_and_id_and_unchanged_ones_do_not_count(uow_factory: UowFactory) -> None:
    first = incident("INC-7", at(8), None)
    with uow_factory() as uow:
        assert uow.measurements.put_incidents([first, incident("INC-7", at(8), None, source="jira")]) == 2
        uow.commit()
    closed = incident("INC-7", dt.datetime(2026, 3, 1, 11, tzinfo=RIYADH), at(10))  # the same start, in Riyadh
    with uow_factory() as uow:
        assert uow.measurements.put_incidents([first]) == 0
        assert uow.measurements.put_incidents([closed, closed]) == 1
        assert uow.measurements.put_incidents([closed]) == 0
        uow.commit()
    with uow_factory() as uow:
        found = uow.measurements.list_incidents(service="payments")
        assert [(i.source, i.end) for i in found] == [("import", at(10)), ("jira", None)]
        assert found[0] == closed
        assert found[0].start.utcoffset() == dt.timedelta(0)


def test_an_incident_keeps_its_cause_and_a_new_cause_replaces_it(uow_factory: UowFactory) -> None:
    caused = Incident(id="INC-9", service="payments", start=at(8), end=at(9), impact=Impact.OUTAGE, cause="network")
    with uow_factory() as uow:
        assert uow.measurements.put_incidents([caused, incident("INC-10", at(10), None)]) == 2
        uow.commit()
    with uow_factory() as uow:
        found = uow.measurements.list_incidents(service="payments")
        assert [(i.id, i.cause) for i in found] == [("INC-9", "network"), ("INC-10", None)]
        assert found[0] == caused
        # The cause is part of what an incident is: another one is a change.
        assert uow.measurements.put_incidents([dataclasses.replace(caused, cause="change")]) == 1
        uow.commit()
    with uow_factory() as uow:
        assert uow.measurements.list_incidents(service="payments")[0].cause == "change"


def test_incidents_need_aware_instants_and_an_end_after_the_start(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        with pytest.raises(ValueError, match="naive"):
            uow.measurements.put_incidents([incident("x", dt.datetime(2026, 3, 1), None)])
        with pytest.raises(IngestError, match="incident x from import ends before it starts"):
            uow.measurements.put_incidents([incident("x", at(9), at(8))])
        assert uow.measurements.put_incidents([]) == 0
