"""Scheduled jobs and their recorded runs: the keys of ``slmo jobs --json`` (``every_seconds``
for the interval), instants as ``isoformat()`` text to the second."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from slmo.core.model.job import Job, JobRun


def _iso(at: dt.datetime | None) -> str | None:
    return None if at is None else at.isoformat(timespec="seconds")


class JobPublic(BaseModel):
    id: int
    kind: str = Field(description="What the job does: `evaluate` one objective.")
    key: str = Field(description="What it does it to: AGREEMENT/OBJECTIVE for `evaluate`.")
    due_at: str | None
    every_seconds: int
    lease_owner: str | None = Field(description="The worker holding the job now (host:pid:nonce).")
    lease_until: str | None
    attempts: int = Field(description="Leases since the last success.")
    last_run_at: str | None
    last_error: str | None


class JobPage(BaseModel):
    items: list[JobPublic]
    total: int
    limit: int
    offset: int


def job_public(job: Job) -> JobPublic:
    return JobPublic(
        id=job.id,
        kind=job.kind,
        key=job.key,
        due_at=_iso(job.due_at),
        every_seconds=job.interval_seconds,
        lease_owner=job.lease_owner,
        lease_until=_iso(job.lease_until),
        attempts=job.attempts,
        last_run_at=_iso(job.last_run_at),
        last_error=job.last_error,
    )


class JobRunPublic(BaseModel):
    job_id: int
    due_at: str | None = Field(description="The occurrence: the due time the job was leased at.")
    owner: str
    attempt: int
    started_at: str | None
    finished_at: str | None
    outcome: str = Field(description="done or failed")
    error: str | None


class JobRunPage(BaseModel):
    items: list[JobRunPublic]
    total: int
    limit: int
    offset: int


def run_public(run: JobRun) -> JobRunPublic:
    return JobRunPublic(
        job_id=run.job_id,
        due_at=_iso(run.due_at),
        owner=run.owner,
        attempt=run.attempt,
        started_at=_iso(run.started_at),
        finished_at=_iso(run.finished_at),
        outcome=run.outcome.value,
        error=run.error,
    )
