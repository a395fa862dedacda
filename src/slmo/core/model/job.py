"""Recurring work as rows: a job is leased by one worker at a time, run, then due again.

Each run of a job is one *occurrence*, named by the job and the ``due_at`` it was leased at.
An occurrence that completes is recorded as a :class:`JobRun` in the same transaction as the
job's own work, so that the work and its record are committed together or not at all.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

# Evaluate one objective (``key`` is ``agreement/objective``) and store the result.
EVALUATE = "evaluate"


class RunOutcome(enum.StrEnum):
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class Job:
    """One recurring job. ``lease_owner`` and ``lease_until`` are set while a worker holds it;
    a lease past ``lease_until`` may be taken over by another worker. ``attempts`` counts the
    leases since the last success."""

    id: int
    kind: str
    key: str
    due_at: dt.datetime
    interval_seconds: int
    lease_owner: str | None = None
    lease_until: dt.datetime | None = None
    attempts: int = 0
    last_run_at: dt.datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class JobRun:
    """One finished occurrence of a job: the ``due_at`` it was leased at (unique per job, so an
    occurrence is never recorded twice), who ran it, on which attempt, and how it ended."""

    job_id: int
    due_at: dt.datetime
    owner: str
    attempt: int
    started_at: dt.datetime
    finished_at: dt.datetime
    outcome: RunOutcome
    error: str | None = None
