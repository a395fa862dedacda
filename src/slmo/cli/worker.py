"""`slmo worker`: lease due jobs from the database, run them, sleep, again, until SIGTERM."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from slmo.cli.context import context
from slmo.services.scheduler import LEASE_SECONDS, Outcome, worker_name

logger = logging.getLogger(__name__)

LeaseOption = Annotated[
    int,
    typer.Option(
        "--lease",
        min=3,
        help="Seconds a job stays leased to a worker that stopped answering before another takes it over.",
    ),
]


def log_outcome(owner: str, outcome: Outcome) -> None:
    job = outcome.job
    state = "done" if outcome.completed else f"failed: {outcome.error}"
    logger.info("worker %s: job %d (%s %s) %s", owner, job.id, job.kind, job.key, state)


def worker(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Run the jobs due now, then exit.")] = False,
    interval: Annotated[float, typer.Option("--interval", min=0.05, help="Seconds to sleep when no job is due.")] = 5.0,
    lease: LeaseOption = LEASE_SECONDS,
) -> None:
    """Run scheduled jobs (evaluations, ...) until SIGTERM or Ctrl-C; any number may run at once."""
    c = context(ctx)
    scheduler = c.slmo.scheduler
    scheduler.lease_seconds = lease
    owner = worker_name()
    stopping = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("worker %s: signal %d, stopping after the current job", owner, signum)
        stopping.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    logger.info("worker %s started", owner)
    try:
        scheduler.work(owner, stopping, interval=interval, once=once, report=lambda o: log_outcome(owner, o))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    logger.info("worker %s stopped", owner)
