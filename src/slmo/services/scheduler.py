"""Recurring work: lease the jobs that are due, run them, and release them for their next run.

Any number of workers may call :meth:`SchedulerService.run_due` at once: a job is leased by
one of them at a time (``JobRepository.lease``), and a worker that dies mid-job only delays
it until its lease expires, when another worker takes it over.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from slmo.core.model.job import ALL, EVALUATE, Job
from slmo.core.ports import Clock, UnitOfWorkFactory
from slmo.services.evaluate import EvaluationService

logger = logging.getLogger(__name__)

# How often every objective is evaluated, by default.
EVALUATE_EVERY_SECONDS = 60
# How long a worker holds a job before another may take it over; longer than any job runs.
LEASE_SECONDS = 300


@dataclass(frozen=True)
class JobRun:
    """What running one leased job gave: ``completed`` is ``False`` when it failed (``error``)
    or when the worker no longer held its lease at the end."""

    job: Job
    completed: bool
    error: str | None = None


class SchedulerService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        evaluation: EvaluationService,
        clock: Clock,
        *,
        lease_seconds: int = LEASE_SECONDS,
    ) -> None:
        self._uow = uow
        self._evaluation = evaluation
        self._clock = clock
        self.lease_seconds = lease_seconds

    def ensure_defaults(self) -> list[Job]:
        """Create the jobs every installation runs (evaluating every objective), if absent."""
        with self._uow() as uow:
            jobs = [uow.jobs.ensure(EVALUATE, ALL, EVALUATE_EVERY_SECONDS, self._clock.now())]
            uow.commit()
        return jobs

    def jobs(self) -> list[Job]:
        with self._uow() as uow:
            return uow.jobs.list()

    def lease(self, owner: str, limit: int) -> list[Job]:
        """Lease up to ``limit`` due jobs to ``owner``, committed at once."""
        with self._uow() as uow:
            leased = uow.jobs.lease(owner, self._clock.now(), self.lease_seconds, limit)
            uow.commit()
        return leased

    def run_due(self, owner: str, *, limit: int = 10, stop: Callable[[], bool] | None = None) -> list[JobRun]:
        """Lease up to ``limit`` due jobs, run each and release it (complete or failed).

        When ``stop`` says so between two jobs, the jobs not yet run are released unrun
        (due at once for another worker) and the method returns.
        """
        runs: list[JobRun] = []
        leased = self.lease(owner, limit)
        for index, job in enumerate(leased):
            if stop is not None and stop():
                self._give_back(leased[index:], owner)
                break
            runs.append(self.run(job, owner))
        return runs

    def run(self, job: Job, owner: str) -> JobRun:
        """Run one job ``owner`` has leased, then complete or fail it."""
        error: str | None = None
        try:
            self._execute(job)
        except Exception as exc:  # a failing job must not stop the worker
            logger.warning("job %d (%s %s) failed", job.id, job.kind, job.key, exc_info=True)
            error = f"{type(exc).__name__}: {exc}"
        with self._uow() as uow:
            now = self._clock.now()
            held = uow.jobs.complete(job.id, owner, now) if error is None else uow.jobs.fail(job.id, owner, now, error)
            uow.commit()
        if not held:
            logger.warning("job %d (%s %s): %s's lease was lost before the end", job.id, job.kind, job.key, owner)
        return JobRun(job=job, completed=held and error is None, error=error)

    def _execute(self, job: Job) -> None:
        if job.kind == EVALUATE:
            self._evaluation.evaluate(self._clock.now(), None if job.key == ALL else job.key)
        else:
            raise ValueError(f"unknown job kind {job.kind!r}")

    def _give_back(self, jobs: list[Job], owner: str) -> None:
        """Release leased jobs that were not run, so another worker takes them now."""
        with self._uow() as uow:
            for job in jobs:
                uow.jobs.release(job.id, owner)
            uow.commit()
