"""Issue 5's proof that no job is lost or done twice: `slmo serve` (with its scheduler) and two
`slmo worker` processes share the jobs of a PostgreSQL database; one worker is killed with
SIGKILL while it holds a job. Its lease expires, another process does the job, and every
occurrence of every job completes exactly once: one run recorded, one evaluation stored."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from slmo.bootstrap import connect
from slmo.core.model.audit import Actor
from slmo.core.model.job import EVALUATE, RunOutcome
from slmo.core.model.measurement import BucketBatch
from slmo.settings import Settings
from tests.e2e.conftest import SLMO
from tests.integration.conftest import database

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("workers-sigkill")]

OBJECTIVES = 60
DAYS = 7
LEASE = 3
ACTOR = Actor(name="test", interface="test")


def _catalogue() -> str:
    docs = [
        "apiVersion: slmo/v1\nkind: Party\nmetadata: {name: customer}\nspec: {type: customer}\n",
        "apiVersion: slmo/v1\nkind: Party\nmetadata: {name: ops}\nspec: {type: internal}\n",
    ]
    for i in range(OBJECTIVES):
        docs.append(f"apiVersion: slmo/v1\nkind: Service\nmetadata: {{name: svc-{i:03d}}}\nspec: {{owner: ops}}\n")
        docs.append(
            f"apiVersion: slmo/v1\nkind: Indicator\nmetadata: {{name: ind-{i:03d}}}\n"
            f"spec: {{service: svc-{i:03d}, kind: ratio}}\n"
        )
        docs.append(
            f"apiVersion: slmo/v1\nkind: Agreement\nmetadata: {{name: sla-{i:03d}}}\nspec:\n  type: sla\n"
            f"  parties: [{{party: customer, role: customer}}]\n  services: [svc-{i:03d}]\n"
            f"  versions:\n    - version: 1\n      state: active\n      objectives:\n"
            f"        - {{name: success, indicator: ind-{i:03d}, target: 0.999, window: {{rolling: {DAYS}d}}}}\n"
        )
    return "---\n".join(docs)


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    with database("postgres", tmp_path) as url:
        yield url


def _load(url: str) -> None:
    count = DAYS * 1440
    end = int(time.time()) // 60 * 60
    starts = np.arange(end - 60 * count, end, 60, dtype=np.int64)
    rng = np.random.default_rng(5)
    with connect(Settings(database_url=url)) as slmo:
        slmo.catalogue.apply(slmo.codec.load_text(_catalogue(), "catalogue.yaml"), ACTOR)
        batches = []
        for i in range(OBJECTIVES):
            total = rng.integers(50, 150, count).astype(np.int64)
            good = total - rng.binomial(total, 0.0005)
            batches.append(BucketBatch(f"ind-{i:03d}", "test", 60, starts, good, total))
    _write(url, batches)


def _write(url: str, batches: list[BucketBatch]) -> None:
    from slmo.store.engine import make_engine
    from slmo.store.unit_of_work import unit_of_work_factory

    engine = make_engine(url)
    try:
        with unit_of_work_factory(engine)() as uow:
            for batch in batches:
                uow.measurements.write_buckets(batch)
            uow.commit()
    finally:
        engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([*SLMO, *args], env=env, stdout=out, stderr=subprocess.STDOUT)


def _held_by(url: str, pid: int) -> dict[int, dt.datetime]:
    """The jobs whose lease is held by the process ``pid`` (its owner name holds the pid),
    with the end of each lease."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT id, lease_owner, lease_until FROM jobs WHERE lease_owner IS NOT NULL AND kind = 'evaluate'"
                )
            ).all()
    finally:
        engine.dispose()
    return {job_id: until for job_id, owner, until in rows if owner.split(":")[1] == str(pid)}


def test_a_worker_killed_mid_job_loses_nothing_and_no_job_runs_twice(postgres_url: str, tmp_path: Path) -> None:
    _load(postgres_url)
    env = {**os.environ, "SLMO_DATABASE_URL": postgres_url}
    with ExitStack() as stack:
        processes: list[subprocess.Popen[bytes]] = []

        def start(name: str, *args: str) -> subprocess.Popen[bytes]:
            process = _start(list(args), env, tmp_path / f"{name}.log")
            processes.append(process)
            return process

        stack.callback(lambda: [p.kill() for p in processes if p.poll() is None])
        serve = start("serve", "serve", "--port", str(_free_port()), "--lease", str(LEASE))
        survivor = start("worker-b", "worker", "--lease", str(LEASE), "--interval", "0.2")
        victim = start("worker-a", "worker", "--lease", str(LEASE), "--interval", "0.2")

        # Kill the victim at a moment when it holds a job, i.e. in the middle of one.
        deadline = time.monotonic() + 60
        held: dict[int, dt.datetime] = {}
        while not held:
            assert time.monotonic() < deadline, "the victim worker never leased a job"
            assert victim.poll() is None, (tmp_path / "worker-a.log").read_text()
            held = _held_by(postgres_url, victim.pid)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        killed_at = time.monotonic()
        # The lease is still the victim's: it died holding the job, before any completion.
        orphaned = _held_by(postgres_url, victim.pid)
        assert orphaned, "the victim finished its job just before dying; no job was orphaned"

        # Every job's first occurrence completes, the orphaned one after the lease expires.
        with connect(Settings(database_url=postgres_url)) as slmo:
            while True:
                jobs = [j for j in slmo.scheduler.jobs() if j.kind == EVALUATE]
                evaluation_jobs = {j.id for j in jobs}
                runs = [r for r in slmo.scheduler.runs() if r.job_id in evaluation_jobs]
                if len(jobs) == OBJECTIVES and {r.job_id for r in runs} == {j.id for j in jobs}:
                    break
                assert time.monotonic() - killed_at < 60, f"{len({r.job_id for r in runs})} of {len(jobs)} jobs ran"
                time.sleep(0.2)
            taken_over = [r for r in runs if r.job_id in orphaned]
            evaluations = slmo.evaluation.evaluations(limit=100_000)

        for process in (survivor, serve):
            process.send_signal(signal.SIGTERM)
        for process in (survivor, serve):
            assert process.wait(timeout=30) in (0, -signal.SIGTERM)

    assert all(r.outcome is RunOutcome.DONE for r in runs), [r.error for r in runs if r.error]
    # Each occurrence recorded once, and each job's effect (one stored evaluation per run) once.
    assert len({(r.job_id, r.due_at) for r in runs}) == len(runs)
    key_of = {j.id: j.key for j in jobs}
    done_per_objective = Counter(key_of[r.job_id] for r in runs)
    stored_per_objective = Counter(f"{e.agreement}/{e.evaluation.objective}" for e in evaluations)
    assert stored_per_objective == done_per_objective
    # The orphaned jobs were finished by another process, on a second lease taken only once
    # the victim's had expired: never two runs of one job at once.
    victim_name = f":{victim.pid}:"
    assert {r.job_id for r in taken_over} == set(orphaned)
    for run in taken_over:
        assert victim_name not in run.owner
        assert run.attempt == 2
        assert run.started_at >= orphaned[run.job_id]
