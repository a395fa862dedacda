#!/usr/bin/env python3
"""The two commands of the README, with nothing but Python 3.11+ and pip:

    python3 tasks.py start    set up, apply the example catalogue with real data, show it, then
                              run `slmo serve` on it (SQLite) and print the address and sign-ins
    python3 tasks.py test     set up, then lint, type-check, check the layers and run every test

Both create a virtual environment in .venv and install slmo into it, and install the system
packages slmo needs when they are missing and it may (Debian, root): Pango and fonts with
Arabic for the PDF reports; `test` adds what the integration tests run for real (Debian's
prometheus and chromium) and starts the local PostgreSQL server when it is stopped. Elsewhere
it says what is missing; those tests skip with the reason, and fail in CI.
"""

from __future__ import annotations

import csv
import ctypes.util
import datetime as dt
import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def say(text: str) -> None:
    print(f"\033[1m==> {text}\033[0m" if sys.stdout.isatty() else f"==> {text}", flush=True)


def run(*args: str | Path, check: bool = True, env: dict[str, str] | None = None) -> int:
    completed = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=False)
    if check and completed.returncode != 0:
        sys.exit(completed.returncode)
    return completed.returncode


def setup(extras: str = "") -> None:
    """Create .venv and install slmo into it, again only when pyproject.toml changed."""
    if sys.version_info < (3, 11):
        sys.exit(f"slmo needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        say("creating the virtual environment .venv")
        venv.create(VENV, with_pip=True)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / ".slmo-installed"
    if stamp.exists() and stamp.read_text() == digest:
        return
    say(f"installing slmo{extras} into .venv")
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f".{extras}")
    stamp.write_text(digest)


def slmo(*args: str) -> None:
    run(BIN / "slmo", *args)


# The example series (examples/data) is real CPU of one cloud instance in April 2014; its
# objective is judged at the end of the series.
EXAMPLE_SERIES = "examples/data/ec2_cpu_utilization_825cc2.csv"
EXAMPLE_END = "2014-04-24T00:10:00Z"
DEMO_PORT = int(os.environ.get("SLMO_DEMO_PORT", "8000"))


def replayed(series: Path, folder: Path, now: dt.datetime) -> Path:
    """A copy of a ``timestamp,value`` series moved forward by whole weeks so that it ends
    within the last week before ``now``: the same real values on the same weekdays and hours,
    so that the live overview has something to show."""
    with series.open(newline="") as source:
        rows = list(csv.reader(source))
    header, body = rows[0], rows[1:]
    last = dt.datetime.fromisoformat(body[-1][0]).replace(tzinfo=dt.UTC)
    weeks = (now - last) // dt.timedelta(weeks=1)
    shift = dt.timedelta(weeks=weeks)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{series.stem}-replayed.csv"
    with target.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for stamp, *rest in body:
            moved = dt.datetime.fromisoformat(stamp).replace(tzinfo=dt.UTC) + shift
            writer.writerow([moved.strftime("%Y-%m-%dT%H:%M:%SZ"), *rest])
    return target


def demo_user(name: str, role: str, *extra: str) -> str:
    """A web UI user with a fresh random password, created or (when it exists) reset."""
    password = secrets.token_urlsafe(12)

    def user(*args: str) -> int:
        done = subprocess.run(
            [str(BIN / "slmo"), "user", *args, "--password-stdin"],
            cwd=ROOT,
            input=password + "\n",
            text=True,
            capture_output=True,
            check=False,
        )
        return done.returncode

    created = user("create", name, "--role", role, *extra)
    if created == 5 and user("password", name) == 0:  # 5: the user exists already
        return password
    if created != 0:
        sys.exit(f"could not create the demo user {name}")
    return password


def start() -> None:
    setup()
    ensure_system_packages(RUNTIME_PACKAGES)
    say("applying the example catalogue (examples/) to the default SQLite database")
    slmo("apply", "-f", "examples/")
    say("the agreements")
    slmo("get", "agreements")
    say("ingesting two weeks of real CPU samples (the same file twice changes nothing)")
    slmo("ingest", "samples", "--indicator", "report-engine-cpu", "--tz", "UTC", EXAMPLE_SERIES)
    say(f"where the objectives stood at the end of the series, {EXAMPLE_END}")
    slmo("status", "--at", EXAMPLE_END)
    say("the same real series replayed as if it ended this week, for the live overview")
    copy = replayed(ROOT / EXAMPLE_SERIES, VENV / "demo", dt.datetime.now(dt.UTC))
    slmo("ingest", "samples", "--indicator", "report-engine-cpu", "--source", "replay", "--tz", "UTC", str(copy))
    admin = demo_user("demo", "admin")
    customer = demo_user("ministry", "customer", "--party", "ministry")
    say("slmo serve: the API, the web UI and the scheduler (Ctrl-C stops it)")
    print(
        f"\n  open  http://127.0.0.1:{DEMO_PORT}/ui/\n"
        f"  sign in as  demo / {admin}      (admin: everything)\n"
        f"          or  ministry / {customer}  (a customer: its own agreements only)\n",
        flush=True,
    )
    # The server takes the terminal: Ctrl-C (or SIGTERM) stops it cleanly.
    os.execv(str(BIN / "slmo"), [str(BIN / "slmo"), "serve", "--port", str(DEMO_PORT)])


def postgres_up(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def ensure_postgres() -> None:
    """Start the machine's PostgreSQL cluster if it is installed and down. The tests themselves
    decide what a missing server means: a skip on a user's machine, a failure in CI."""
    if postgres_up():
        return
    ctl = shutil.which("pg_ctlcluster")
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    if ctl and versions:
        say(f"starting PostgreSQL {versions[-1].name}")
        run(ctl, "--skip-systemctl-redirect", versions[-1].name, "main", "start", check=False)
    if not postgres_up():
        print("PostgreSQL is not reachable on 127.0.0.1:5432", file=sys.stderr)


# System packages, by what shows they are there: a command on PATH, a file (a path), or a shared
# library ("lib:" and its name). The PDF reports need Pango and fonts with Arabic at run time;
# the integration tests also run Prometheus and the web UI's browser for real.
RUNTIME_PACKAGES = {
    "lib:pango-1.0": "libpango-1.0-0",
    "lib:pangoft2-1.0": "libpangoft2-1.0-0",
    # WeasyPrint subsets the fonts it embeds with it (and warns, which the tests refuse, without).
    "lib:harfbuzz-subset": "libharfbuzz-subset0",
    "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf": "fonts-noto-core",
}
TEST_PACKAGES = {
    **RUNTIME_PACKAGES,
    "prometheus": "prometheus",
    "promtool": "prometheus",
    "chromium": "chromium",
}


def _present(what: str) -> bool:
    if what.startswith("lib:"):
        return ctypes.util.find_library(what[4:]) is not None
    return Path(what).exists() if what.startswith("/") else shutil.which(what) is not None


def ensure_system_packages(packages: dict[str, str]) -> None:
    """Install the missing ones with apt-get when this is Debian and we may (root); else say
    which are missing: their features (PDF reports) or tests (skipped, failed in CI) say why."""
    missing = sorted({package for what, package in packages.items() if not _present(what)})
    if not missing:
        return
    apt = shutil.which("apt-get")
    if apt is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        print(f"system packages not installed: {', '.join(missing)}", file=sys.stderr)
        return
    say(f"installing {', '.join(missing)} (Debian packages)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if run(apt, "install", "-y", "--no-install-recommends", *missing, check=False, env=env) != 0:
        run(apt, "update", check=False, env=env)
        run(apt, "install", "-y", "--no-install-recommends", *missing, check=False, env=env)


def test(pytest_args: list[str]) -> None:
    setup("[test]")
    ensure_postgres()
    ensure_system_packages(TEST_PACKAGES)
    say("ruff")
    run(BIN / "ruff", "check", "src", "tests", "bench", "tasks.py")
    run(BIN / "ruff", "format", "--check", "src", "tests", "bench", "tasks.py")
    say("mypy --strict")
    run(BIN / "mypy", "src/slmo")
    say("import-linter: the layers")
    run(BIN / "lint-imports")
    say("pytest")
    # The slowest tests are named at the end, so that the suite's 10 minutes stay watched.
    code = run(BIN / "pytest", "-n", "2", "--dist", "loadgroup", "--durations=15", *pytest_args, check=False)
    if code == 5:
        print("pytest collected no tests", file=sys.stderr)
    sys.exit(code)


def main() -> None:
    command, *rest = sys.argv[1:] or ["help"]
    if command == "start":
        start()
    elif command == "test":
        test(rest)
    elif command == "setup":
        setup("[test]")
    else:
        print(__doc__)
        sys.exit(0 if command == "help" else 2)


if __name__ == "__main__":
    main()
