"""Recurring work: keep one job per piece of recurring work, lease the due ones, run them.

Any number of workers may call :meth:`SchedulerService.run_due` at once: a job is leased by
one of them at a time (``JobRepository.lease``), and a worker that dies mid-job only delays
it until its lease expires, when another worker takes it over.

Exactly once: a job's work and the record of its completion are written in one unit of
work, committed together. A worker killed before that commit leaves nothing behind (the
database rolls the transaction back), so the next worker does the whole occurrence again; a
worker whose lease was taken over finds ``complete`` refused and rolls its work back. A
heartbeat renews the lease while the job runs, so a slow job is not taken over while its
worker is alive, and no occurrence runs twice at once.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from slmo.core.model.job import EVALUATE, Job, JobRun
from slmo.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from slmo.errors import SlmoError
from slmo.services.alerts import AlertService
from slmo.services.closes import CLOSE, CLOSE_KEY, CLOSE_SECONDS, PeriodCloseService
from slmo.services.credits import CREDITS, CREDITS_KEY, CREDITS_SECONDS, CreditService
from slmo.services.delivery import NOTIFY, NOTIFY_KEY, NOTIFY_SECONDS, DeliveryService
from slmo.services.evaluate import EvaluationService, Target
from slmo.services.probes import PROBE, ProbeService, probed
from slmo.services.pull import PULL, PullReport, PullService, pullable
from slmo.services.reviews import REVIEW, REVIEW_KEY, REVIEW_SECONDS, ReviewService

logger = logging.getLogger(__name__)

# The shortest cadence of an evaluation: an objective is evaluated each bucket of its
# indicator, but never more often than this.
MIN_EVALUATE_SECONDS = 60
# How long a worker holds a job before another may take it over, unless renewed; the
# heartbeat renews it every third of this while the job runs.
LEASE_SECONDS = 60
# How often a worker brings the jobs in line with the catalogue (new and retired objectives).
SYNC_SECONDS = 30


def worker_name() -> str:
    """A name no other worker has, shown in the jobs' lease owner: host, process and a nonce."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def cadence(target: Target) -> int:
    """Seconds between two evaluations of an objective: its indicator's bucket, at least a minute."""
    return max(MIN_EVALUATE_SECONDS, target.indicator.bucket_seconds)


@dataclass(frozen=True)
class Outcome:
    """What running one leased job gave: ``completed`` is ``False`` when it failed (``error``)
    or when the worker no longer held its lease at the end (its work was rolled back)."""

    job: Job
    completed: bool
    error: str | None = None


class LeaseLostError(Exception):
    """The worker no longer holds the job: another worker took it over, so this one's work is
    rolled back (internal to the scheduler, never shown to users)."""


class _Heartbeat:
    """Renews a lease every ``every`` seconds in a thread of its own until stopped."""

    def __init__(self, renew: Callable[[], bool], every: float) -> None:
        self._renew = renew
        self._every = every
        self._stop = threading.Event()
        self.lost = False
        self._thread = threading.Thread(target=self._run, name="slmo-lease-heartbeat", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                if not self._renew():
                    self.lost = True
                    return
            except Exception:  # a database hiccup: the next beat tries again
                logger.warning("renewing a lease failed", exc_info=True)


class SchedulerService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        evaluation: EvaluationService,
        clock: Clock,
        *,
        pull: PullService | None = None,
        probes: ProbeService | None = None,
        alerts: AlertService | None = None,
        delivery: DeliveryService | None = None,
        reviews: ReviewService | None = None,
        closes: PeriodCloseService | None = None,
        credits: CreditService | None = None,
        lease_seconds: int = LEASE_SECONDS,
    ) -> None:
        self._uow = uow
        self._evaluation = evaluation
        self._pull = pull
        self._probes = probes
        self._alerts = alerts
        self._delivery = delivery
        self._reviews = reviews
        self._closes = closes
        self._credits = credits
        self._clock = clock
        self.lease_seconds = lease_seconds

    # -- which jobs ----------------------------------------------------------------------

    def sync(self) -> list[Job]:
        """Bring the jobs in line with the catalogue: one evaluation job per objective in force,
        one pull job per indicator fed from a Prometheus-compatible source, and one probe job
        per indicator with a probe (every ``probe.every``), each on its cadence, and the
        ``notify`` job that delivers the outbox once there is someone to tell; the jobs of
        what is gone are retired.
        Idempotent, and safe when several workers sync at once."""
        now = self._clock.now()
        with self._uow() as uow:
            wanted = {
                EVALUATE: {t.key: cadence(t) for t in self._evaluation.targets(uow, now)},
                PULL: {
                    p.indicator.name: max(MIN_EVALUATE_SECONDS, p.indicator.bucket_seconds)
                    for p in (pullable(uow) if self._pull is not None else [])
                },
                PROBE: {
                    p.indicator.name: p.probe.every_seconds for p in (probed(uow) if self._probes is not None else [])
                },
                NOTIFY: {NOTIFY_KEY: NOTIFY_SECONDS}
                if self._delivery is not None and self._delivery.needed(uow)
                else {},
                REVIEW: {REVIEW_KEY: REVIEW_SECONDS} if self._reviews is not None and self._reviews.needed(uow) else {},
                CLOSE: {CLOSE_KEY: CLOSE_SECONDS} if self._closes is not None and self._closes.needed(uow) else {},
                CREDITS: {CREDITS_KEY: CREDITS_SECONDS}
                if self._credits is not None and self._credits.needed(uow)
                else {},
            }
            retired = 0
            for kind, keys in wanted.items():
                for key, every in sorted(keys.items()):
                    uow.jobs.ensure(kind, key, every, now)
                retired += uow.jobs.retire(kind, keys)
            uow.commit()
            jobs = uow.jobs.list()
        if retired:
            logger.info("retired %d jobs of objectives or indicators that are gone", retired)
        return jobs

    def jobs(self) -> list[Job]:
        with self._uow() as uow:
            return uow.jobs.list()

    def runs(self, job_id: int | None = None) -> list[JobRun]:
        with self._uow() as uow:
            return uow.jobs.runs(job_id)

    def pull_now(self, indicator: str) -> PullReport:
        """Pull one indicator's new buckets at once, outside the schedule (``slmo pull``)."""
        if self._pull is None:
            raise ValueError("no metric source is wired")
        with self._uow() as uow:
            report = self._pull.pull_in(uow, indicator, int(self._clock.now().timestamp()))
            uow.commit()
        return report

    # -- running them --------------------------------------------------------------------

    def lease(self, owner: str, limit: int) -> list[Job]:
        """Lease up to ``limit`` due jobs to ``owner``, committed at once."""
        with self._uow() as uow:
            leased = uow.jobs.lease(owner, self._clock.now(), self.lease_seconds, limit)
            uow.commit()
        return leased

    def renew(self, job: Job, owner: str) -> bool:
        with self._uow() as uow:
            held = uow.jobs.renew(job, owner, self._clock.now(), self.lease_seconds)
            uow.commit()
        return held

    def run_due(self, owner: str, *, limit: int = 10, stop: Callable[[], bool] | None = None) -> list[Outcome]:
        """Lease up to ``limit`` due jobs, run each and release it (complete or failed).

        When ``stop`` says so between two jobs, the jobs not yet run are released unrun
        (due at once for another worker) and the method returns.
        """
        outcomes: list[Outcome] = []
        leased = self.lease(owner, limit)
        for index, job in enumerate(leased):
            if stop is not None and stop():
                self._give_back(leased[index:], owner)
                break
            outcomes.append(self.run(job, owner))
        return outcomes

    def run(self, job: Job, owner: str) -> Outcome:
        """Run one job ``owner`` has leased: its work and its completion in one transaction."""
        started = self._clock.now()
        try:
            with _Heartbeat(lambda: self.renew(job, owner), self.lease_seconds / 3), self._uow() as uow:
                self._execute(uow, job)
                if not uow.jobs.complete(job, owner, started, self._clock.now()):
                    raise LeaseLostError
                uow.commit()
        except LeaseLostError:
            logger.warning(
                "job %d (%s %s): %s lost its lease; its work is rolled back", job.id, job.kind, job.key, owner
            )
            return Outcome(job=job, completed=False, error="lease lost")
        except Exception as exc:  # a failing job must not stop the worker
            # An error slmo raises on purpose (a source down, a bad query) says all in its
            # message; anything else is a bug, worth its traceback.
            expected = isinstance(exc, SlmoError)
            # The first failure in a row is a warning; its repeats while it lasts are news to nobody.
            level = logging.WARNING if job.attempts <= 1 or not expected else logging.INFO
            logger.log(level, "job %d (%s %s) failed: %s", job.id, job.kind, job.key, exc, exc_info=not expected)
            error = f"{type(exc).__name__}: {exc}"
            with self._uow() as uow:
                held = uow.jobs.fail(job, owner, started, self._clock.now(), error)
                uow.commit()
            if not held:
                logger.warning("job %d (%s %s): %s lost its lease before the end", job.id, job.kind, job.key, owner)
            return Outcome(job=job, completed=False, error=error)
        return Outcome(job=job, completed=True)

    def _execute(self, uow: UnitOfWork, job: Job) -> None:
        if job.kind == EVALUATE:
            now = self._clock.now()
            found = self._evaluation.evaluate_in(uow, now, job.key)
            if self._alerts is not None:
                # In the job's unit of work: its alerts and their notifications are
                # committed with its evaluations and its completion, exactly once.
                self._alerts.decide_in(uow, now, job.key, forecasts={r.key: r.forecast for r in found})
        elif job.kind == NOTIFY and self._delivery is not None:
            self._delivery.deliver_due()
        elif job.kind == PULL and self._pull is not None:
            self._pull.pull_in(uow, job.key, int(self._clock.now().timestamp()))
        elif job.kind == PROBE and self._probes is not None:
            self._probes.probe_in(uow, job.key)
        elif job.kind == REVIEW and self._reviews is not None:
            # In the job's unit of work: the notices are queued exactly once, with its completion.
            self._reviews.notify_in(uow, self._clock.now())
        elif job.kind == CLOSE and self._closes is not None:
            self._closes.close_in(uow, self._clock.now())
        elif job.kind == CREDITS and self._credits is not None:
            # The lines of each period that closed, with the job's completion: exactly once.
            self._credits.compute_closed_in(uow, self._clock.now())
        else:
            raise ValueError(f"unknown job kind {job.kind!r}")

    def _give_back(self, jobs: list[Job], owner: str) -> None:
        """Release leased jobs that were not run, so another worker takes them now."""
        with self._uow() as uow:
            for job in jobs:
                uow.jobs.release(job.id, owner)
            uow.commit()

    # -- the loop of a worker ------------------------------------------------------------

    def work(
        self,
        owner: str,
        stopping: threading.Event,
        *,
        interval: float = 5.0,
        pause: float = 0.0,
        once: bool = False,
        report: Callable[[Outcome], None] | None = None,
    ) -> None:
        """Run due jobs one at a time until ``stopping`` is set (or, with ``once``, until none
        is due). One at a time, so that a stop waits for one job only and the others stay free
        for the other workers; ``pause`` seconds between two jobs. The jobs are synced with the catalogue every ``SYNC_SECONDS``."""
        synced_at: float | None = None
        while not stopping.is_set():
            now = self._clock.now().timestamp()
            if synced_at is None or now - synced_at >= SYNC_SECONDS:
                try:
                    self.sync()
                except Exception:  # the database may be away for a moment: try again later
                    logger.warning("syncing jobs failed", exc_info=True)
                synced_at = now
            try:
                outcomes = self.run_due(owner, limit=1, stop=stopping.is_set)
            except Exception:
                logger.warning("leasing jobs failed", exc_info=True)
                outcomes = []
            for outcome in outcomes:
                if report is not None:
                    report(outcome)
            if outcomes:
                if pause:
                    # Sharing a process with requests: leave them the interpreter between jobs.
                    stopping.wait(pause)
                continue
            if once:
                break
            stopping.wait(interval)
