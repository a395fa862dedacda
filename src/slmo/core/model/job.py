"""Recurring work as rows: a job is leased by one worker at a time, run, then due again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# The one kind so far: evaluate an objective (``key`` its name) or every objective (``"all"``).
EVALUATE = "evaluate"
ALL = "all"


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
