"""`slmo worker`: lease due jobs from the database, run them, sleep, again, until SIGTERM."""

from __future__ import annotations

import datetime as dt
import json
import logging
import signal
import threading
from types import FrameType
from typing import Annotated

import typer
from rich.table import Table

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


def jobs(
    ctx: typer.Context,
    runs: Annotated[int, typer.Option("--runs", min=0, help="Also show each job's last N recorded runs.")] = 0,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """The scheduled jobs: when each is due, who holds it, its last run and error."""
    c = context(ctx)
    scheduler = c.slmo.scheduler
    found = scheduler.jobs()
    recorded = scheduler.runs() if runs or json_output else []

    def iso(at: dt.datetime | None) -> str | None:
        return None if at is None else at.isoformat(timespec="seconds")

    if json_output:
        rows = [
            {
                "id": j.id,
                "kind": j.kind,
                "key": j.key,
                "due_at": iso(j.due_at),
                "every_seconds": j.interval_seconds,
                "lease_owner": j.lease_owner,
                "lease_until": iso(j.lease_until),
                "attempts": j.attempts,
                "last_run_at": iso(j.last_run_at),
                "last_error": j.last_error,
                "runs": [
                    {
                        "due_at": iso(r.due_at),
                        "owner": r.owner,
                        "attempt": r.attempt,
                        "started_at": iso(r.started_at),
                        "finished_at": iso(r.finished_at),
                        "outcome": r.outcome.value,
                        "error": r.error,
                    }
                    for r in recorded
                    if r.job_id == j.id
                ][-runs:]
                if runs
                else [],
            }
            for j in found
        ]
        c.console.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(header_style="bold")
    for header in ("id", "kind", "key", "due", "every", "lease", "last_run", "error"):
        table.add_column(c.t(f"column.job_{header}"))
    for j in found:
        table.add_row(
            str(j.id),
            j.kind,
            j.key,
            iso(j.due_at) or "",
            f"{j.interval_seconds} s",
            "" if j.lease_owner is None else f"{j.lease_owner} ({iso(j.lease_until)})",
            iso(j.last_run_at) or "",
            j.last_error or "",
        )
    c.console.print(table)
    if runs:
        history = Table(header_style="bold")
        for header in ("id", "due", "owner", "attempt", "started", "finished", "outcome"):
            history.add_column(c.t(f"column.run_{header}"))
        for j in found:
            for r in [r for r in recorded if r.job_id == j.id][-runs:]:
                history.add_row(
                    str(j.id),
                    iso(r.due_at) or "",
                    r.owner,
                    str(r.attempt),
                    iso(r.started_at) or "",
                    iso(r.finished_at) or "",
                    c.t(f"job.outcome_{r.outcome.value}"),
                )
        c.console.print(history)
