"""Recurring jobs: the ``JobRepository`` port over SQLAlchemy, and its in-memory fake.

Leasing is one transaction: the due rows nobody holds are selected and locked, then leased.
On PostgreSQL the select is ``FOR UPDATE SKIP LOCKED``, so workers leasing at once take
different rows without waiting for each other. On SQLite the transaction begins with
``BEGIN IMMEDIATE``, which takes the database's write lock before the select, so leases are
taken one after another (the busy timeout makes the others wait) and never overlap.
The row class lives here, registered on ``Base.metadata`` (the migrations' ``env.py``
imports this module for it).
"""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt
import threading
from collections.abc import Collection
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from slmo.core.model.job import Job, JobRun, RunOutcome
from slmo.store.columns import UtcDateTime
from slmo.store.documents import as_utc
from slmo.store.failures import session_url, translated
from slmo.store.schema import NAME_LENGTH, Base

# Errors are kept for people to read, not whole tracebacks.
ERROR_LENGTH = 2000
# A failed job is tried again after this, doubled at each failure in a row, at most its interval.
RETRY_SECONDS = 10


def retry_delay(interval_seconds: int, attempts: int) -> int:
    """Seconds before a job that failed ``attempts`` times in a row is tried again."""
    return min(interval_seconds, RETRY_SECONDS << max(min(attempts, 20) - 1, 0))


class JobRow(Base):
    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(NAME_LENGTH))
    due_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    interval_seconds: Mapped[int] = mapped_column(Integer)
    lease_owner: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)

    def __repr__(self) -> str:
        return f"JobRow({self.id} {self.kind}/{self.key} due {self.due_at})"


class JobRunRow(Base):
    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job_id", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[int] = mapped_column(Integer, ForeignKey("jobs.id", ondelete="CASCADE"))
    due_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    owner: Mapped[str] = mapped_column(String(NAME_LENGTH))
    attempt: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    outcome: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


def _run(row: JobRunRow) -> JobRun:
    return JobRun(
        job_id=row.job_id,
        due_at=row.due_at,
        owner=row.owner,
        attempt=row.attempt,
        started_at=row.started_at,
        finished_at=row.finished_at,
        outcome=RunOutcome(row.outcome),
        error=row.error,
    )


def _job(row: JobRow) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        key=row.key,
        due_at=row.due_at,
        interval_seconds=row.interval_seconds,
        lease_owner=row.lease_owner,
        lease_until=row.lease_until,
        attempts=row.attempts,
        last_run_at=row.last_run_at,
        last_error=row.last_error,
    )


class SqlJobRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _dialect(self) -> str:
        return self._session.get_bind().dialect.name

    def ensure(self, kind: str, key: str, interval_seconds: int, now: dt.datetime) -> Job:
        values: dict[str, Any] = {
            "kind": kind,
            "key": key,
            "due_at": as_utc(now),
            "interval_seconds": interval_seconds,
            "attempts": 0,
        }
        insert = postgresql.insert if self._dialect() == "postgresql" else sqlite.insert
        with translated(session_url(self._session), "storing a job"):
            # Two processes starting together may both ensure the same job: the unique key decides.
            self._session.execute(insert(JobRow).values(**values).on_conflict_do_nothing())
            self._session.execute(
                update(JobRow)
                .where(JobRow.kind == kind, JobRow.key == key, JobRow.interval_seconds != interval_seconds)
                .values(interval_seconds=interval_seconds)
            )
            row = self._session.scalars(
                select(JobRow).where(JobRow.kind == kind, JobRow.key == key).execution_options(populate_existing=True)
            ).one()
        return _job(row)

    def lease(self, owner: str, now: dt.datetime, lease_seconds: int, limit: int) -> builtins.list[Job]:
        at = as_utc(now)
        with translated(session_url(self._session), "leasing jobs"):
            query = (
                select(JobRow)
                .where(JobRow.due_at <= at, or_(JobRow.lease_until.is_(None), JobRow.lease_until <= at))
                .order_by(JobRow.due_at, JobRow.id)
                .limit(limit)
                .execution_options(populate_existing=True)
            )
            if self._dialect() == "postgresql":
                query = query.with_for_update(skip_locked=True)
            else:
                self._begin_immediate()
            rows = self._session.scalars(query).all()
            until = at + dt.timedelta(seconds=lease_seconds)
            for row in rows:
                row.lease_owner = owner
                row.lease_until = until
                row.attempts = row.attempts + 1
            self._session.flush()
        return [_job(row) for row in rows]

    def _begin_immediate(self) -> None:
        """Take SQLite's write lock now, unless this transaction already wrote (and holds it)."""
        raw = self._session.connection().connection.dbapi_connection
        if raw is not None and not getattr(raw, "in_transaction", True):
            self._session.connection().exec_driver_sql("BEGIN IMMEDIATE")

    def _held(self, job: Job, owner: str) -> JobRow | None:
        """The job's row, locked, when ``owner`` still holds the occurrence leased as ``job``."""
        row = self._session.scalars(
            select(JobRow)
            .where(JobRow.id == job.id, JobRow.lease_owner == owner, JobRow.due_at == as_utc(job.due_at))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
        return row

    def renew(self, job: Job, owner: str, now: dt.datetime, lease_seconds: int) -> bool:
        with translated(session_url(self._session), "renewing a lease"):
            result = self._session.execute(
                update(JobRow)
                .where(JobRow.id == job.id, JobRow.lease_owner == owner, JobRow.due_at == as_utc(job.due_at))
                .values(lease_until=as_utc(now) + dt.timedelta(seconds=lease_seconds))
                .execution_options(synchronize_session=False)
            )
        return bool(getattr(result, "rowcount", 0))

    def _finish(self, job: Job, owner: str, started_at: dt.datetime, now: dt.datetime, error: str | None) -> bool:
        at = as_utc(now)
        with translated(session_url(self._session), "finishing a job"):
            row = self._held(job, owner)
            if row is None:
                return False
            self._session.add(
                JobRunRow(
                    job_id=row.id,
                    due_at=row.due_at,
                    owner=owner,
                    attempt=row.attempts,
                    started_at=as_utc(started_at),
                    finished_at=at,
                    outcome=(RunOutcome.DONE if error is None else RunOutcome.FAILED).value,
                    error=None if error is None else error[:ERROR_LENGTH],
                )
            )
            row.lease_owner = None
            row.lease_until = None
            row.last_run_at = at
            if error is None:
                row.due_at = at + dt.timedelta(seconds=row.interval_seconds)
                row.attempts = 0
                row.last_error = None
            else:
                row.due_at = at + dt.timedelta(seconds=retry_delay(row.interval_seconds, row.attempts))
                row.last_error = error[:ERROR_LENGTH]
            self._session.flush()
        return True

    def complete(self, job: Job, owner: str, started_at: dt.datetime, now: dt.datetime) -> bool:
        return self._finish(job, owner, started_at, now, None)

    def fail(self, job: Job, owner: str, started_at: dt.datetime, now: dt.datetime, error: str) -> bool:
        return self._finish(job, owner, started_at, now, error)

    def release(self, job_id: int, owner: str) -> bool:
        with translated(session_url(self._session), "releasing a job"):
            result = self._session.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.lease_owner == owner)
                .values(lease_owner=None, lease_until=None, attempts=JobRow.attempts - 1)
                .execution_options(synchronize_session=False)
            )
        return bool(getattr(result, "rowcount", 0))

    def get(self, job_id: int) -> Job | None:
        with translated(session_url(self._session), "reading a job"):
            row = self._session.get(JobRow, job_id, populate_existing=True)
        return None if row is None else _job(row)

    def find(self, kind: str, key: str) -> Job | None:
        with translated(session_url(self._session), "reading a job"):
            row = self._session.scalars(
                select(JobRow).where(JobRow.kind == kind, JobRow.key == key).execution_options(populate_existing=True)
            ).first()
        return None if row is None else _job(row)

    def list(self) -> builtins.list[Job]:
        with translated(session_url(self._session), "reading jobs"):
            rows = self._session.scalars(
                select(JobRow).order_by(JobRow.id).execution_options(populate_existing=True)
            ).all()
        return [_job(row) for row in rows]

    def retire(self, kind: str, keep: Collection[str]) -> int:
        kept = set(keep)
        with translated(session_url(self._session), "retiring jobs"):
            gone = [
                job_id
                for job_id, key in self._session.execute(select(JobRow.id, JobRow.key).where(JobRow.kind == kind))
                if key not in kept
            ]
            if gone:
                # Runs first: SQLite enforces the foreign key only when asked to, PostgreSQL always.
                self._session.execute(delete(JobRunRow).where(JobRunRow.job_id.in_(gone)))
                self._session.execute(
                    delete(JobRow).where(JobRow.id.in_(gone)).execution_options(synchronize_session=False)
                )
        return len(gone)

    def runs(self, job_id: int | None = None) -> builtins.list[JobRun]:
        query = select(JobRunRow).order_by(JobRunRow.id)
        if job_id is not None:
            query = query.where(JobRunRow.job_id == job_id)
        with translated(session_url(self._session), "reading job runs"):
            return [_run(row) for row in self._session.scalars(query).all()]


class StoredJobs:
    """The in-memory store's jobs and runs. Leases, renewals and releases take effect at once,
    under the lock (the SQL store's callers commit each of them at once); a finished run waits
    for its unit of work's commit, like the job's work it is committed with."""

    def __init__(self) -> None:
        self.jobs: dict[int, Job] = {}
        self.runs: list[JobRun] = []
        self.last_id = 0
        self.lock = threading.Lock()


class MemoryJobRepository:
    def __init__(self, stored: StoredJobs) -> None:
        self._stored = stored
        self.pending: list[tuple[Job, str, dt.datetime, dt.datetime, str | None]] = []

    def ensure(self, kind: str, key: str, interval_seconds: int, now: dt.datetime) -> Job:
        with self._stored.lock:
            for held in self._stored.jobs.values():
                if (held.kind, held.key) == (kind, key):
                    if held.interval_seconds != interval_seconds:
                        held = dataclasses.replace(held, interval_seconds=interval_seconds)  # noqa: PLW2901 - returned at once
                        self._stored.jobs[held.id] = held
                    return held
            self._stored.last_id += 1
            job = Job(
                id=self._stored.last_id, kind=kind, key=key, due_at=as_utc(now), interval_seconds=interval_seconds
            )
            self._stored.jobs[job.id] = job
            return job

    def retire(self, kind: str, keep: Collection[str]) -> int:
        kept = set(keep)
        with self._stored.lock:
            gone = {i for i, j in self._stored.jobs.items() if j.kind == kind and j.key not in kept}
            for job_id in gone:
                del self._stored.jobs[job_id]
            self._stored.runs = [r for r in self._stored.runs if r.job_id not in gone]
        return len(gone)

    def lease(self, owner: str, now: dt.datetime, lease_seconds: int, limit: int) -> builtins.list[Job]:
        at = as_utc(now)
        until = at + dt.timedelta(seconds=lease_seconds)
        with self._stored.lock:
            due = sorted(
                (
                    j
                    for j in self._stored.jobs.values()
                    if j.due_at <= at and (j.lease_until is None or j.lease_until <= at)
                ),
                key=lambda j: (j.due_at, j.id),
            )[: max(limit, 0)]
            leased = [
                dataclasses.replace(j, lease_owner=owner, lease_until=until, attempts=j.attempts + 1) for j in due
            ]
            for job in leased:
                self._stored.jobs[job.id] = job
        return leased

    def _held(self, job: Job, owner: str) -> Job | None:
        held = self._stored.jobs.get(job.id)
        if held is None or held.lease_owner != owner or held.due_at != as_utc(job.due_at):
            return None
        return held

    def renew(self, job: Job, owner: str, now: dt.datetime, lease_seconds: int) -> bool:
        with self._stored.lock:
            held = self._held(job, owner)
            if held is None:
                return False
            until = as_utc(now) + dt.timedelta(seconds=lease_seconds)
            self._stored.jobs[job.id] = dataclasses.replace(held, lease_until=until)
        return True

    def _finish(self, job: Job, owner: str, started_at: dt.datetime, now: dt.datetime, error: str | None) -> bool:
        with self._stored.lock:
            if self._held(job, owner) is None:
                return False
        self.pending.append((job, owner, as_utc(started_at), as_utc(now), error))
        return True

    def complete(self, job: Job, owner: str, started_at: dt.datetime, now: dt.datetime) -> bool:
        return self._finish(job, owner, started_at, now, None)

    def fail(self, job: Job, owner: str, started_at: dt.datetime, now: dt.datetime, error: str) -> bool:
        return self._finish(job, owner, started_at, now, error)

    def commit(self) -> None:
        """Apply the finished runs. A run whose lease was
        lost since is dropped, as the SQL store's row lock would have kept it from committing."""
        with self._stored.lock:
            for job, owner, started_at, at, error in self.pending:
                held = self._held(job, owner)
                if held is None:
                    continue
                self._stored.runs.append(
                    JobRun(
                        job_id=held.id,
                        due_at=held.due_at,
                        owner=owner,
                        attempt=held.attempts,
                        started_at=started_at,
                        finished_at=at,
                        outcome=RunOutcome.DONE if error is None else RunOutcome.FAILED,
                        error=None if error is None else error[:ERROR_LENGTH],
                    )
                )
                delay = held.interval_seconds if error is None else retry_delay(held.interval_seconds, held.attempts)
                self._stored.jobs[held.id] = dataclasses.replace(
                    held,
                    lease_owner=None,
                    lease_until=None,
                    last_run_at=at,
                    due_at=at + dt.timedelta(seconds=delay),
                    attempts=0 if error is None else held.attempts,
                    last_error=None if error is None else error[:ERROR_LENGTH],
                )
        self.pending.clear()

    def rollback(self) -> None:
        self.pending.clear()

    def release(self, job_id: int, owner: str) -> bool:
        with self._stored.lock:
            job = self._stored.jobs.get(job_id)
            if job is None or job.lease_owner != owner:
                return False
            self._stored.jobs[job_id] = dataclasses.replace(
                job, lease_owner=None, lease_until=None, attempts=max(job.attempts - 1, 0)
            )
        return True

    def get(self, job_id: int) -> Job | None:
        with self._stored.lock:
            return self._stored.jobs.get(job_id)

    def find(self, kind: str, key: str) -> Job | None:
        with self._stored.lock:
            return next((j for j in self._stored.jobs.values() if (j.kind, j.key) == (kind, key)), None)

    def list(self) -> builtins.list[Job]:
        with self._stored.lock:
            return [self._stored.jobs[i] for i in sorted(self._stored.jobs)]

    def runs(self, job_id: int | None = None) -> builtins.list[JobRun]:
        with self._stored.lock:
            return [r for r in self._stored.runs if job_id is None or r.job_id == job_id]
