"""`slmo worker`: runs the jobs that are due and stores what they computed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from slmo.bootstrap import connect
from slmo.settings import Settings
from tests.conftest import EXAMPLES
from tests.e2e.conftest import SLMO, Cli


def test_worker_once_evaluates_every_objective_and_stores_the_results(cli: Cli, tmp_path: Path) -> None:
    cli("apply", "-f", str(EXAMPLES))
    cli("worker", "--once")
    with connect(Settings(database_url=f"sqlite:///{tmp_path / 'slmo.db'}")) as slmo:
        jobs = [j for j in slmo.scheduler.jobs() if j.kind == "evaluate"]
        pulls = [j for j in slmo.scheduler.jobs() if j.kind == "pull"]
        stored = slmo.evaluation.evaluations()
    assert len(jobs) == len(stored) == 9  # one job per objective, each run once
    # The examples' Prometheus is not running here: its pull jobs failed, said why, and wait.
    assert sorted(j.key for j in pulls) == ["eportal-latency", "eportal-requests"]
    assert all(j.last_error and "cannot be reached" in j.last_error for j in pulls)
    assert {(j.kind, j.lease_owner, j.last_error) for j in jobs} == {("evaluate", None, None)}
    assert sorted(j.key for j in jobs) == sorted(f"{e.agreement}/{e.evaluation.objective}" for e in stored)
    assert all(j.last_run_at is not None for j in jobs)
    listed = [j for j in json.loads(cli("jobs", "--json", "--runs", "5").stdout) if j["kind"] == "evaluate"]
    assert sorted(j["key"] for j in listed) == sorted(j.key for j in jobs)
    for row in listed:
        (run,) = row["runs"]
        assert (run["outcome"], run["attempt"], run["error"]) == ("done", 1, None)
        assert row["lease_owner"] is None and row["every_seconds"] in (60, 300)
    table = cli("jobs", "--runs", "1").stdout
    assert "eportal-sla/availability" in table and "done" in table
    cli("worker", "--once")  # nothing due yet: returns at once, runs nothing
    with connect(Settings(database_url=f"sqlite:///{tmp_path / 'slmo.db'}")) as slmo:
        assert len(slmo.evaluation.evaluations()) == 9


def test_worker_runs_until_sigterm_then_exits_cleanly(cli: Cli, tmp_path: Path) -> None:
    cli("apply", "-f", str(EXAMPLES))
    process = subprocess.Popen(
        [*SLMO, "worker", "--interval", "0.2"],
        env={**os.environ, **cli.env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        ran = False
        while not ran and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
            with connect(Settings(database_url=f"sqlite:///{tmp_path / 'slmo.db'}")) as slmo:
                ran = any(job.last_run_at is not None for job in slmo.scheduler.jobs())
        assert ran, "the worker ran no job"
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, output.decode(errors="replace")
    with connect(Settings(database_url=f"sqlite:///{tmp_path / 'slmo.db'}")) as slmo:
        jobs = slmo.scheduler.jobs()
    assert {job.lease_owner for job in jobs} == {None}
    assert {job.last_error for job in jobs if job.kind == "evaluate"} == {None}
