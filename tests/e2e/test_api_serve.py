"""`slmo serve` as a real process: it answers, and stops cleanly on SIGTERM; `slmo token
create` prints the token alone on the last line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

from slmo.bootstrap import connect
from slmo.settings import Settings
from tests.conftest import EXAMPLES
from tests.e2e.conftest import SLMO, Cli


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_token_create_prints_the_token_alone_on_the_last_line(cli: Cli) -> None:
    cli("apply", "-f", str(Path(__file__).resolve().parents[2] / "examples" / "parties.yaml"))
    done = cli("token", "create", "--role", "customer", "--party", "ministry", "--name", "ministry-portal")
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("slmo_") and " " not in last
    listed = cli("token", "list").stdout
    assert "ministry-portal" in listed and last not in listed
    assert cli("token", "create", "--role", "root", code=2).returncode == 2


def test_serve_answers_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "SLMO_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    process = subprocess.Popen(
        [*SLMO, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "slmo serve did not start"
                time.sleep(0.2)
        assert answer.json() == {"status": "ready"}
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/services", timeout=5).status_code == 401
        process.send_signal(signal.SIGTERM)
        # uvicorn finishes the requests in flight and the app's shutdown, then re-raises the
        # signal so a supervisor sees the process end by SIGTERM, as it asked.
        assert process.wait(timeout=20) in (0, -signal.SIGTERM)
        assert process.stdout is not None
        log = process.stdout.read().decode()
        assert "Waiting for application shutdown" in log and "Finished server process" in log, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def test_serve_runs_the_scheduler_in_process_on_sqlite(cli: Cli, tmp_path: Path) -> None:
    """One `slmo serve` on SQLite is the whole installation: its scheduler evaluates every
    objective, with no worker, and the API answers meanwhile."""
    database = tmp_path / "serve.db"
    team = cli.on(database)
    team("apply", "-f", str(EXAMPLES))
    secret = team("token", "create", "--role", "viewer").stdout.strip().splitlines()[-1]
    port = _free_port()
    env = {**os.environ, "SLMO_DATABASE_URL": f"sqlite:///{database}"}
    process = subprocess.Popen(
        [*SLMO, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        stored: list[dict[str, object]] = []
        while len({(r["agreement"], r["objective"]) for r in stored}) < 9:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            assert time.monotonic() < deadline, f"the scheduler stored {len(stored)} evaluations"
            time.sleep(0.3)
            try:
                answer = httpx.get(
                    f"http://127.0.0.1:{port}/api/v1/evaluations?limit=1000",
                    headers={"Authorization": f"Bearer {secret}"},
                    timeout=5,
                )
            except httpx.TransportError:
                continue
            stored = answer.json()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()
    with connect(Settings(database_url=f"sqlite:///{database}")) as slmo:
        jobs = slmo.scheduler.jobs()
    assert len([j for j in jobs if j.kind == "evaluate"]) == 9
    assert {j.lease_owner for j in jobs} == {None}  # stopped cleanly, no lease left behind
