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
from typing import Any

from sqlalchemy import Integer, String, Text, UniqueConstraint, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from slmo.core.model.job import Job
from slmo.store.columns import UtcDateTime
from slmo.store.documents import as_utc
from slmo.store.failures import session_url, translated
from slmo.store.schema import NAME_LENGTH, Base

# Errors are kept for people to read, not whole tracebacks.
ERROR_LENGTH = 2000


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

    def _release(self, job_id: int, owner: str, now: dt.datetime, error: str | None) -> bool:
        at = as_utc(now)
        with translated(session_url(self._session), "releasing a job"):
            row = self._session.scalars(
                select(JobRow)
                .where(JobRow.id == job_id, JobRow.lease_owner == owner)
                .with_for_update()
                .execution_options(populate_existing=True)
            ).first()
            if row is None:
                return False
            row.lease_owner = None
            row.lease_until = None
            row.last_run_at = at
            row.due_at = at + dt.timedelta(seconds=row.interval_seconds)
            if error is None:
                row.attempts = 0
                row.last_error = None
            else:
                row.last_error = error[:ERROR_LENGTH]
            self._session.flush()
        return True

    def complete(self, job_id: int, owner: str, now: dt.datetime) -> bool:
        return self._release(job_id, owner, now, None)

    def fail(self, job_id: int, owner: str, now: dt.datetime, error: str) -> bool:
        return self._release(job_id, owner, now, error)

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

    def list(self) -> builtins.list[Job]:
        with translated(session_url(self._session), "reading jobs"):
            rows = self._session.scalars(
                select(JobRow).order_by(JobRow.id).execution_options(populate_existing=True)
            ).all()
        return [_job(row) for row in rows]


class StoredJobs:
    """The in-memory store's jobs. Every change takes effect at once, under the lock (the SQL
    store's job changes are each committed at once by their callers)."""

    def __init__(self) -> None:
        self.jobs: dict[int, Job] = {}
        self.last_id = 0
        self.lock = threading.Lock()


class MemoryJobRepository:
    def __init__(self, stored: StoredJobs) -> None:
        self._stored = stored

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

    def _release(self, job_id: int, owner: str, now: dt.datetime, error: str | None) -> bool:
        at = as_utc(now)
        with self._stored.lock:
            job = self._stored.jobs.get(job_id)
            if job is None or job.lease_owner != owner:
                return False
            self._stored.jobs[job_id] = dataclasses.replace(
                job,
                lease_owner=None,
                lease_until=None,
                last_run_at=at,
                due_at=at + dt.timedelta(seconds=job.interval_seconds),
                attempts=0 if error is None else job.attempts,
                last_error=None if error is None else error[:ERROR_LENGTH],
            )
        return True

    def complete(self, job_id: int, owner: str, now: dt.datetime) -> bool:
        return self._release(job_id, owner, now, None)

    def fail(self, job_id: int, owner: str, now: dt.datetime, error: str) -> bool:
        return self._release(job_id, owner, now, error)

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

    def list(self) -> builtins.list[Job]:
        with self._stored.lock:
            return [self._stored.jobs[i] for i in sorted(self._stored.jobs)]
