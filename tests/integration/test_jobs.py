"""Jobs and their leases on every store, and the scheduler running them on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from slmo.bootstrap import Slmo, connect
from slmo.core.model.job import EVALUATE, Job, RunOutcome
from slmo.core.ports import UnitOfWork
from slmo.settings import Settings
from slmo.store.unit_of_work import unit_of_work_factory
from tests.api_support import FixedClock
from tests.conftest import EXAMPLES

NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
LEASE = 30
KEY = "portal-sla/availability"


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
    first = _ensure(uow_factory, KEY)[0]
    again = _ensure(uow_factory, KEY)[0]
    assert again == first
    assert _ensure(uow_factory, KEY, interval=120)[0].interval_seconds == 120
    with uow_factory() as uow:
        assert [(j.kind, j.key) for j in uow.jobs.list()] == [(EVALUATE, KEY)]


def test_a_leased_job_is_nobody_elses_until_its_lease_expires(uow_factory: Callable[[], UnitOfWork]) -> None:
    (job,) = _ensure(uow_factory, KEY)
    assert _lease(uow_factory, "a", NOW - dt.timedelta(seconds=1)) == []  # not due yet
    (leased,) = _lease(uow_factory, "a", NOW)
    assert (leased.id, leased.lease_owner, leased.attempts) == (job.id, "a", 1)
    assert leased.lease_until == NOW + dt.timedelta(seconds=LEASE)
    assert _lease(uow_factory, "b", NOW + dt.timedelta(seconds=LEASE - 1)) == []
    (taken,) = _lease(uow_factory, "b", NOW + dt.timedelta(seconds=LEASE))
    assert (taken.lease_owner, taken.attempts) == ("b", 2)


def test_only_the_lease_owner_completes_and_each_occurrence_is_recorded_once(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    _ensure(uow_factory, KEY)
    (held_by_a,) = _lease(uow_factory, "a", NOW)
    later = NOW + dt.timedelta(seconds=LEASE)
    (held_by_b,) = _lease(uow_factory, "b", later)  # a's lease expired: b took the job over
    with uow_factory() as uow:
        assert not uow.jobs.complete(held_by_a, "a", NOW, later)
        assert not uow.jobs.fail(held_by_a, "a", NOW, later, "boom")
        assert not uow.jobs.renew(held_by_a, "a", later, LEASE)
        assert uow.jobs.complete(held_by_b, "b", later, later)
        uow.commit()
    with uow_factory() as uow:
        assert not uow.jobs.complete(held_by_b, "b", later, later)  # released already
        done = uow.jobs.get(held_by_b.id)
        (run,) = uow.jobs.runs(held_by_b.id)
    assert done is not None
    assert (done.lease_owner, done.lease_until, done.attempts) == (None, None, 0)
    assert (done.last_run_at, done.due_at) == (later, later + dt.timedelta(seconds=60))
    assert (run.due_at, run.owner, run.attempt, run.outcome, run.error) == (NOW, "b", 2, RunOutcome.DONE, None)
    assert _lease(uow_factory, "c", later) == []  # not due again before its interval


def test_a_completion_rolled_back_leaves_the_occurrence_to_do(uow_factory: Callable[[], UnitOfWork]) -> None:
    """The worker died (or failed) before committing: nothing of the run is kept."""
    _ensure(uow_factory, KEY)
    (leased,) = _lease(uow_factory, "a", NOW)
    with uow_factory() as uow:
        assert uow.jobs.complete(leased, "a", NOW, NOW)
        uow.rollback()
    later = NOW + dt.timedelta(seconds=LEASE)
    (again,) = _lease(uow_factory, "b", later)
    assert (again.due_at, again.attempts) == (NOW, 2)
    with uow_factory() as uow:
        assert uow.jobs.runs() == []


def test_a_renewed_lease_is_not_taken_over(uow_factory: Callable[[], UnitOfWork]) -> None:
    _ensure(uow_factory, KEY)
    (leased,) = _lease(uow_factory, "a", NOW)
    with uow_factory() as uow:
        assert uow.jobs.renew(leased, "a", NOW + dt.timedelta(seconds=20), LEASE)
        uow.commit()
    assert _lease(uow_factory, "b", NOW + dt.timedelta(seconds=LEASE)) == []
    (taken,) = _lease(uow_factory, "b", NOW + dt.timedelta(seconds=20 + LEASE))
    assert taken.lease_owner == "b"


def test_a_failed_job_keeps_its_error_and_is_retried_after_a_back_off(uow_factory: Callable[[], UnitOfWork]) -> None:
    (job,) = _ensure(uow_factory, KEY)
    (leased,) = _lease(uow_factory, "a", NOW)
    with uow_factory() as uow:
        assert uow.jobs.fail(leased, "a", NOW, NOW, "ValueError: boom")
        uow.commit()
    with uow_factory() as uow:
        failed = uow.jobs.get(job.id)
        (run,) = uow.jobs.runs()
    assert failed is not None
    assert (failed.last_error, failed.attempts, failed.lease_owner) == ("ValueError: boom", 1, None)
    assert failed.due_at == NOW + dt.timedelta(seconds=10)  # first retry after 10 s
    assert (run.outcome, run.error) == (RunOutcome.FAILED, "ValueError: boom")
    (again,) = _lease(uow_factory, "b", NOW + dt.timedelta(seconds=10))
    assert again.attempts == 2
    with uow_factory() as uow:
        assert uow.jobs.fail(again, "b", NOW, NOW + dt.timedelta(seconds=10), "ValueError: boom")
        uow.commit()
        twice = uow.jobs.get(job.id)
    assert twice is not None
    assert twice.due_at == NOW + dt.timedelta(seconds=10 + 20)  # doubled


def test_retire_removes_jobs_no_longer_wanted(uow_factory: Callable[[], UnitOfWork]) -> None:
    _ensure(uow_factory, "a/x", "b/y", "c/z")
    (leased, *_) = _lease(uow_factory, "w", NOW, limit=1)
    with uow_factory() as uow:
        assert uow.jobs.complete(leased, "w", NOW, NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.jobs.retire(EVALUATE, {"b/y"}) == 2
        uow.commit()
    with uow_factory() as uow:
        assert [j.key for j in uow.jobs.list()] == ["b/y"]
        assert uow.jobs.runs() == []


def test_a_released_job_is_due_at_once_for_others(uow_factory: Callable[[], UnitOfWork]) -> None:
    (job,) = _ensure(uow_factory, KEY)
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


def _examples_without_prometheus(engine: Engine, slmo: Slmo) -> None:
    """The example catalogue, less its DataSource: every job is then an evaluation (the pull
    jobs are tested against a real Prometheus in test_prometheus_pull.py)."""
    factory = unit_of_work_factory(engine)
    with factory() as uow:
        for loaded in slmo.codec.load_paths([str(EXAMPLES)]):
            if loaded.obj.__class__.__name__ != "DataSource":
                uow.catalogue.put(loaded.obj)
        uow.commit()


def test_a_worker_run_evaluates_and_stores_evaluations(engine: Engine) -> None:
    clock = FixedClock(NOW)
    with connect(Settings(database_url=engine.url.render_as_string(hide_password=False)), clock=clock) as slmo:
        _examples_without_prometheus(engine, slmo)
        everything = slmo.scheduler.sync()
        assert slmo.scheduler.sync() == everything
        # Besides the evaluations, the notification outbox's job (nothing to send here), the
        # daily review notices, the hourly closing of periods and the credits of closed periods.
        assert {j.kind for j in everything} == {EVALUATE, "notify", "review", "close", "credits"}
        jobs = [j for j in everything if j.kind == EVALUATE]
        keys = sorted(t.key for t in slmo.evaluation.status(NOW))
        assert sorted(j.key for j in jobs) == keys  # one job per objective in force
        runs = slmo.scheduler.run_due("w1", limit=100)
        assert all(r.completed for r in runs), [r.error for r in runs]
        assert len(runs) == len(everything)
        stored = slmo.evaluation.evaluations()
        assert sorted(f"{e.agreement}/{e.evaluation.objective}" for e in stored) == keys
        assert {e.evaluation.at for e in stored} == {NOW}
        assert slmo.scheduler.run_due("w1") == []  # not due again before its cadence
        assert {j.interval_seconds for j in jobs} == {60, 300}  # each indicator's bucket
        clock.at = NOW + dt.timedelta(seconds=60)
        every_minute = sum(j.interval_seconds == 60 for j in jobs)
        assert len([r for r in slmo.scheduler.run_due("w2", limit=100) if r.job.kind == EVALUATE]) == every_minute
        clock.at = NOW + dt.timedelta(seconds=300)
        again = [r for r in slmo.scheduler.run_due("w2", limit=100) if r.job.kind == EVALUATE]
        assert len(again) == len(keys)
        assert all(r.completed for r in again)
        evaluated = len(slmo.evaluation.evaluations())
        assert evaluated == 2 * len(stored) + sum(j.interval_seconds == 60 for j in jobs)
        assert {(j.last_run_at, j.lease_owner, j.last_error) for j in slmo.scheduler.jobs() if j.kind == EVALUATE} == {
            (clock.at, None, None)
        }
        evaluation_jobs = {j.id for j in jobs}
        done = [r for r in slmo.scheduler.runs() if r.job_id in evaluation_jobs]
        assert len(done) == evaluated
        assert len({(r.job_id, r.due_at) for r in done}) == len(done)


def test_a_job_whose_lease_was_taken_over_rolls_its_work_back(engine: Engine) -> None:
    clock = FixedClock(NOW)
    with connect(Settings(database_url=engine.url.render_as_string(hide_password=False)), clock=clock) as slmo:
        _examples_without_prometheus(engine, slmo)
        slmo.scheduler.sync()
        (slow,) = slmo.scheduler.lease("slow", 1)
        clock.at = NOW + dt.timedelta(seconds=slmo.scheduler.lease_seconds)
        (taken,) = slmo.scheduler.lease("fast", 1)  # the lease of "slow" expired
        assert taken.id == slow.id
        late = slmo.scheduler.run(slow, "slow")
        assert (late.completed, late.error) == (False, "lease lost")
        assert slmo.evaluation.evaluations() == []  # rolled back
        assert slmo.scheduler.run(taken, "fast").completed
        assert len(slmo.evaluation.evaluations()) == 1
        (run,) = slmo.scheduler.runs(slow.id)
        assert (run.owner, run.attempt) == ("fast", 2)


@pytest.mark.parametrize("kind", ["unknown"])
def test_a_failing_job_is_recorded_and_the_worker_goes_on(engine: Engine, kind: str) -> None:
    factory = unit_of_work_factory(engine)
    with factory() as uow:
        uow.jobs.ensure(kind, KEY, 60, NOW)
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
