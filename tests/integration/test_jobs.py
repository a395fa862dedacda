"""Jobs and their leases on every store, and the scheduler running them on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from slmo.bootstrap import connect
from slmo.core.model.job import ALL, EVALUATE, Job
from slmo.core.ports import UnitOfWork
from slmo.settings import Settings
from slmo.store.unit_of_work import unit_of_work_factory
from tests.conftest import EXAMPLES

NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
LEASE = 30


def _ensure(uow_factory: Callable[[], UnitOfWork], *keys: str, interval: int = 60) -> list[Job]:
    with uow_factory() as uow:
        jobs = [uow.jobs.ensure(EVALUATE, key, interval, NOW) for key in keys]
        uow.commit()
    return jobs


def _lease(uow_factory: Callable[[], UnitOfWork], owner: str, now: dt.datetime, limit: int = 10) -> list[Job]:
    with uow_factory() as uow:
        leased = uow.jobs.lease(owner, now, LEASE, limit)
        uow.commit()
    return leased


def test_ensure_is_idempotent(uow_factory: Callable[[], UnitOfWork]) -> None:
    first = _ensure(uow_factory, ALL)[0]
    again = _ensure(uow_factory, ALL)[0]
    assert again == first
    assert _ensure(uow_factory, ALL, interval=120)[0].interval_seconds == 120
    with uow_factory() as uow:
        assert [(j.kind, j.key) for j in uow.jobs.list()] == [(EVALUATE, ALL)]


def test_a_leased_job_is_nobody_elses_until_its_lease_expires(uow_factory: Callable[[], UnitOfWork]) -> None:
    (job,) = _ensure(uow_factory, ALL)
    assert _lease(uow_factory, "a", NOW - dt.timedelta(seconds=1)) == []  # not due yet
    (leased,) = _lease(uow_factory, "a", NOW)
    assert (leased.id, leased.lease_owner, leased.attempts) == (job.id, "a", 1)
    assert leased.lease_until == NOW + dt.timedelta(seconds=LEASE)
    assert _lease(uow_factory, "b", NOW + dt.timedelta(seconds=LEASE - 1)) == []
    (taken,) = _lease(uow_factory, "b", NOW + dt.timedelta(seconds=LEASE))
    assert (taken.lease_owner, taken.attempts) == ("b", 2)


def test_only_the_lease_owner_completes(uow_factory: Callable[[], UnitOfWork]) -> None:
    (job,) = _ensure(uow_factory, ALL)
    _lease(uow_factory, "a", NOW)
    later = NOW + dt.timedelta(seconds=LEASE)
    _lease(uow_factory, "b", later)  # a's lease expired: b took the job over
    with uow_factory() as uow:
        assert not uow.jobs.complete(job.id, "a", later)
        assert not uow.jobs.fail(job.id, "a", later, "boom")
        assert uow.jobs.complete(job.id, "b", later)
        assert not uow.jobs.complete(job.id, "b", later)  # released already
        uow.commit()
    with uow_factory() as uow:
        done = uow.jobs.get(job.id)
    assert done is not None
    assert (done.lease_owner, done.lease_until, done.attempts) == (None, None, 0)
    assert (done.last_run_at, done.due_at) == (later, later + dt.timedelta(seconds=60))
    assert _lease(uow_factory, "c", later) == []  # not due again before its interval


def test_a_failed_job_keeps_its_error_and_is_due_again(uow_factory: Callable[[], UnitOfWork]) -> None:
    (job,) = _ensure(uow_factory, ALL)
    _lease(uow_factory, "a", NOW)
    with uow_factory() as uow:
        assert uow.jobs.fail(job.id, "a", NOW, "ValueError: boom")
        uow.commit()
    with uow_factory() as uow:
        failed = uow.jobs.get(job.id)
    assert failed is not None
    assert (failed.last_error, failed.attempts, failed.lease_owner) == ("ValueError: boom", 1, None)
    (again,) = _lease(uow_factory, "b", NOW + dt.timedelta(seconds=60))
    assert again.attempts == 2


def test_a_released_job_is_due_at_once_for_others(uow_factory: Callable[[], UnitOfWork]) -> None:
    (job,) = _ensure(uow_factory, ALL)
    _lease(uow_factory, "a", NOW)
    with uow_factory() as uow:
        assert not uow.jobs.release(job.id, "b")
        assert uow.jobs.release(job.id, "a")
        uow.commit()
    (again,) = _lease(uow_factory, "b", NOW)
    assert (again.lease_owner, again.attempts) == ("b", 1)


def test_owners_leasing_at_once_never_get_the_same_job(engine: Engine) -> None:
    factory = unit_of_work_factory(engine)
    _ensure(factory, *(f"objective-{i}" for i in range(40)))
    got: dict[str, list[int]] = {}
    start = threading.Barrier(4)
    failures: list[BaseException] = []

    def lease_all(owner: str) -> None:
        try:
            start.wait()
            mine: list[int] = []
            while leased := _lease(factory, owner, NOW, limit=3):
                mine.extend(job.id for job in leased)
            got[owner] = mine
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=lease_all, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    counts = Counter(job_id for ids in got.values() for job_id in ids)
    assert len(counts) == 40
    assert set(counts.values()) == {1}
    with factory() as uow:
        assert {job.lease_owner for job in uow.jobs.list()} <= set(got)


class FixedClock:
    def __init__(self, now: dt.datetime) -> None:
        self.at = now

    def now(self) -> dt.datetime:
        return self.at


def test_a_worker_run_evaluates_and_stores_evaluations(engine: Engine) -> None:
    clock = FixedClock(NOW)
    with connect(Settings(database_url=engine.url.render_as_string(hide_password=False)), clock=clock) as slmo:
        factory = unit_of_work_factory(engine)
        with factory() as uow:
            for loaded in slmo.codec.load_paths([str(EXAMPLES)]):
                uow.catalogue.put(loaded.obj)
            uow.commit()
        (job,) = slmo.scheduler.ensure_defaults()
        assert slmo.scheduler.ensure_defaults() == [job]
        (run,) = slmo.scheduler.run_due("w1")
        assert run.completed, run.error
        stored = slmo.evaluation.evaluations()
        assert stored
        assert {e.evaluation.at for e in stored} == {NOW}
        assert slmo.scheduler.run_due("w1") == []  # not due again for a minute
        clock.at = NOW + dt.timedelta(seconds=60)
        (again,) = slmo.scheduler.run_due("w2")
        assert again.completed
        assert len(slmo.evaluation.evaluations()) == 2 * len(stored)
        (done,) = slmo.scheduler.jobs()
        assert (done.last_run_at, done.lease_owner, done.last_error) == (clock.at, None, None)


@pytest.mark.parametrize("kind", ["unknown"])
def test_a_failing_job_is_recorded_and_the_worker_goes_on(engine: Engine, kind: str) -> None:
    factory = unit_of_work_factory(engine)
    with factory() as uow:
        uow.jobs.ensure(kind, ALL, 60, NOW)
        uow.commit()
    with connect(
        Settings(database_url=engine.url.render_as_string(hide_password=False)), clock=FixedClock(NOW)
    ) as slmo:
        (run,) = slmo.scheduler.run_due("w1")
        assert not run.completed
        assert run.error is not None and "unknown job kind" in run.error
        (job,) = slmo.scheduler.jobs()
        assert job.last_error == run.error
        assert job.lease_owner is None
