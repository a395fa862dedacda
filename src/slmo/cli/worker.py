"""`slmo worker`: lease due jobs from the database, run them, sleep, again, until SIGTERM."""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import threading
from types import FrameType
from typing import Annotated

import typer

from slmo.cli.context import context

logger = logging.getLogger(__name__)


def worker_name() -> str:
    """A name no other worker has, shown in the jobs' lease owner: host, process and a nonce."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def worker(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Run the jobs due now, then exit.")] = False,
    interval: Annotated[float, typer.Option("--interval", min=0.05, help="Seconds to sleep when no job is due.")] = 5.0,
) -> None:
    """Run scheduled jobs (evaluations, ...) until SIGTERM or Ctrl-C; any number may run at once."""
    c = context(ctx)
    scheduler = c.slmo.scheduler
    owner = worker_name()
    scheduler.ensure_defaults()
    stopping = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("worker %s: signal %d, stopping after the current job", owner, signum)
        stopping.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    logger.info("worker %s started", owner)
    try:
        while not stopping.is_set():
            # One job at a time, so that a stop waits for one job only and the others stay
            # free for the other workers.
            runs = scheduler.run_due(owner, limit=1, stop=stopping.is_set)
            for run in runs:
                logger.info(
                    "worker %s: job %d (%s %s) %s",
                    owner,
                    run.job.id,
                    run.job.kind,
                    run.job.key,
                    "done" if run.completed else f"failed: {run.error}",
                )
            if runs:
                continue
            if once:
                break
            stopping.wait(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    logger.info("worker %s stopped", owner)
