"""Cross-check slmo's evaluation engine against slo-generator on the same good and total counts.

Run through ``run.py``, which provides the environment (slo-generator and slmo side by side).
The counts (``nab_counts.py``) are shifted in time so that the series ends just before the
run, because slo-generator's Prometheus backend always queries at "now". For each step of an
error budget policy (1 h, 1 d, 3 d, 7 d, 28 d) the script compares slo-generator's report
with slmo's ``evaluate`` of a rolling objective of the same length and target at the same
instant, and exits 1 when a figure differs by more than slo-generator's own rounding
explains (it rounds the SLI to 6 decimals and the burn rate to 1).

Two ways of handing slo-generator the counts through Prometheus, each with its own grid:

- ``increase``: cumulative counters, one sample at the end of each 5-minute row (what a
  scrape sees), queried with slo-generator's default ``sum(increase(...[window]))``;
- ``sum_over_time``: per-row gauges stamped at the row's start (as CloudWatch stamps it),
  queried with ``sum(sum_over_time(...[window]))``.

``--backend custom`` replaces Prometheus by slo-generator's custom backend mechanism
(``nab_backend.py``) for machines without the Debian package.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path
from typing import Any

import nab_backend
import numpy as np
import peer
import prom_server
from nab_counts import SERIES, STEP_SECONDS, Counts, derive

from slmo.core.engine import BucketGrid, budget_minutes, budget_total, evaluate
from slmo.core.model.objective import Objective, Window, WindowUnit
from slmo.core.model.results import Evaluation
from slmo.core.model.text import LocalizedText

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data" / "nab-real-aws-cloudwatch-and-known-cause"

# Between the windows' SLIs (1.0, 0.855, 0.700, 0.853, 0.880 at the end of the series), so
# that gaps of both signs and burn rates on both sides of 1 are compared.
GOAL = 0.85
WINDOWS: Mapping[str, int] = {"1h": 3600, "1d": 86400, "3d": 3 * 86400, "7d": 7 * 86400, "28d": 28 * 86400}

# slo-generator's rounding (report.py): round(good / (good + bad), 6) and round(.../..., 1).
SLI_STEP = 0.5e-6
BURN_STEP = 0.05
# Room for binary floating point in otherwise exact figures (relative).
FLOAT_SLACK = 1e-9


@dataclass(frozen=True)
class Setup:
    """One way of handing slo-generator the counts, with the slmo grid holding the same rows."""

    name: str
    backend_key: str
    backend: Mapping[str, Any]
    indicator: Mapping[str, Any]
    grid_start: int
    extrapolates: bool = False  # Prometheus increase() scales counts up to the whole window


@dataclass(frozen=True)
class Row:
    window: str
    field: str
    peer: float
    ours: float | None
    tolerance: float | None
    note: str = ""

    @property
    def agrees(self) -> bool | None:
        if self.ours is None or self.tolerance is None:
            return None
        slack = FLOAT_SLACK * max(1.0, abs(self.ours))
        return abs(self.peer - self.ours) <= self.tolerance + slack


@dataclass(frozen=True)
class Outcome:
    setup: Setup
    at: int
    rows: list[Row] = field(default_factory=list)


def _grid_times(end: int, rows: int, step: int) -> list[int]:
    return [end - step * (rows - 1 - i) for i in range(rows)]


def prometheus_families(counts: Counts, end: int) -> list[prom_server.Family]:
    """The four series loaded into Prometheus, all ending at ``end`` (unix seconds).

    Gauges: row ``i``'s count at its start. Counters: the count of rows ``0..i`` at the end of
    row ``i``, after a 0 at the start of row 0, so that ``increase`` sees every row and does
    not extrapolate below zero before the first one.
    """
    step, n = counts.step_seconds, len(counts.total)
    stamps = _grid_times(end, n, step)
    first = end - step * n

    def counter(values: Sequence[int]) -> list[tuple[int, int]]:
        return [(first, 0), *zip(stamps, accumulate(values), strict=True)]

    return [
        prom_server.Family(
            "nab_elb_requests_per_row",
            "gauge",
            "ELB requests in the 5 minutes from here",
            list(zip(stamps, counts.total, strict=True)),
        ),
        prom_server.Family(
            "nab_elb_good_requests_per_row",
            "gauge",
            "of which outside NAB anomaly windows",
            list(zip(stamps, counts.good, strict=True)),
        ),
        prom_server.Family("nab_elb_requests", "counter", "ELB requests so far", counter(counts.total)),
        prom_server.Family(
            "nab_elb_good_requests", "counter", "ELB requests so far outside NAB anomaly windows", counter(counts.good)
        ),
    ]


def prometheus_setups(url: str, counts: Counts, end: int) -> list[Setup]:
    backend = {"url": url}
    step, n = counts.step_seconds, len(counts.total)
    return [
        Setup(
            name="Prometheus, counters, sum(increase(...[window]))",
            backend_key="prometheus",
            backend=backend,
            indicator={"filter_good": "nab_elb_good_requests_total", "filter_valid": "nab_elb_requests_total"},
            # A counter's sample ends its row, so its rows start one step earlier on the clock.
            grid_start=end - step * n,
            extrapolates=True,
        ),
        Setup(
            name="Prometheus, per-row gauges, sum(sum_over_time(...[window]))",
            backend_key="prometheus",
            backend=backend,
            indicator={
                "filter_good": "nab_elb_good_requests_per_row",
                "filter_valid": "nab_elb_requests_per_row",
                "operators": ["sum_over_time", "sum"],
            },
            grid_start=end - step * (n - 1),
        ),
    ]


def custom_setup(counts_file: Path, counts: Counts, end: int) -> Setup:
    start = end - counts.step_seconds * (len(counts.total) - 1)
    nab_backend.write_counts(counts_file, start, counts.step_seconds, counts.good, counts.total)
    return Setup(
        name="custom backend nab_backend.NabCountsBackend (no Prometheus)",
        backend_key="nab_backend.NabCountsBackend",
        backend={"counts_file": str(counts_file)},
        indicator={},
        grid_start=start,
    )


def objective(label: str, seconds: int) -> Objective:
    length, unit = (seconds // 86400, WindowUnit.DAY) if seconds % 86400 == 0 else (seconds // 3600, WindowUnit.HOUR)
    return Objective(
        name=f"nab-elb-{label}",
        display_name=LocalizedText.plain(f"NAB ELB requests, rolling {label}"),
        indicator="nab-elb-requests",
        target=GOAL,
        window=Window(length=length, unit=unit, rolling=True),
    )


def slmo_evaluation(setup: Setup, counts: Counts, label: str, seconds: int, at: int) -> Evaluation:
    grid = BucketGrid.of(setup.grid_start, counts.step_seconds, np.array(counts.good), np.array(counts.total))
    # The burn-rate window of the same length gives the burn rate through its own code path.
    return evaluate(objective(label, seconds), grid, at, burn_windows={label: seconds}, top=0)


def compare(
    setup: Setup,
    label: str,
    seconds: int,
    report: Mapping[str, Any],
    ev: Evaluation,
    *,
    data_end: int,
    queried: tuple[float, float],
) -> list[Row]:
    """slo-generator's figures beside slmo's, each with the difference slo-generator's rounding
    allows. ``queried`` bounds the instants of the backend's queries."""
    if ev.attainment is None or ev.total == 0:
        raise RuntimeError(f"slmo counted nothing in the {label} window: the grids are misaligned")
    window_minutes = seconds / 60
    allowance = float(budget_total(1, GOAL))  # 1 - target, on the target as written
    allowed_minutes = float(budget_minutes(window_minutes, GOAL))
    rate = ev.burn_rates[label]
    ours: dict[str, tuple[float | None, float | None, str]] = {
        "sli_measurement": (ev.attainment, SLI_STEP, "attainment"),
        "gap": (ev.attainment - ev.target, SLI_STEP, "attainment - target"),
        "error_budget_target": (allowance, 0.0, "budget_total(1, target)"),
        "error_budget_measurement": (ev.budget_spent / ev.total, SLI_STEP, "budget_spent / total"),
        # The SLI's rounding, divided by the allowance, adds to the burn rate's own.
        "error_budget_burn_rate": (rate, BURN_STEP + SLI_STEP / allowance, f"burn_rates[{label}]"),
        "error_budget_minutes": (allowed_minutes, 0.0, "budget_minutes(window)"),
        "error_budget_remaining_minutes": (
            ev.budget_left * allowed_minutes,
            SLI_STEP * window_minutes,
            "budget_left * budget_minutes",
        ),
    }
    if not setup.extrapolates:
        ours["events_count"] = (ev.total, 0.0, "total")
    elif ev.window_start.timestamp() >= setup.grid_start:
        # Prometheus extrapolates increase() to the whole window (promql extrapolatedRate): inside
        # the data the n samples in a window span (n - 1) steps, so counts are scaled by
        # w / (w - step). slo-generator then truncates good + bad to an int: 1 event of slack.
        sampled = seconds - STEP_SECONDS
        ours["events_count"] = (math.floor(ev.total * seconds / sampled), 1.0, f"total * {seconds}/{sampled}")
    else:
        # The window holds every sample, from the 0 before the first row: no extrapolation below
        # zero at the start; at the end, by d = query time - last sample, known to lie in ``queried``.
        sampled = data_end - setup.grid_start
        low, high = (math.floor(ev.total * (1 + (t - data_end) / sampled)) for t in queried)
        ours["events_count"] = (
            (low + high) / 2,
            (high - low) / 2 + 1.0,
            f"total * (1 + d/{sampled}), d in [{queried[0] - data_end:.1f}, {queried[1] - data_end:.1f}] s",
        )
    return [
        Row(label, name, float(report[name]), None if value is None else float(value), tolerance, note)
        for name, (value, tolerance, note) in ours.items()
    ]


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


def table(outcome: Outcome) -> str:
    lines = [
        f"### {outcome.setup.name}",
        "",
        f"at = {outcome.at} ({dt.datetime.fromtimestamp(outcome.at, dt.UTC):%Y-%m-%d %H:%M:%S} UTC)",
        "",
        "| window | field | slo-generator | slmo | difference | allowed | agrees | slmo figure |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for row in outcome.rows:
        difference = "-" if row.ours is None else f"{row.peer - row.ours:.2g}"
        allowed = "-" if row.tolerance is None else f"{row.tolerance:.2g}"
        verdict = {True: "yes", False: "**NO**", None: "not compared"}[row.agrees]
        lines.append(
            f"| {row.window} | {row.field} | {_number(row.peer)} | {_number(row.ours)} | {difference} | {allowed} | {verdict} | {row.note} |"
        )
    return "\n".join(lines)


def _command(*args: str) -> str:
    try:
        found = subprocess.run(args, check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError):
        return "(not available)"
    return (found.stdout or found.stderr).strip().splitlines()[0]


def machine(backend: str) -> str:
    lines = [
        f"uname -a: {_command('uname', '-a')}",
        f"nproc: {os.cpu_count()}",
        f"python: {platform.python_version()} ({sys.executable})",
        f"slo-generator: {importlib.metadata.version('slo-generator')}",
        f"slmo: {importlib.metadata.version('slmo')} at {_command('git', '-C', str(REPO), 'rev-parse', '--short', 'HEAD')}",
    ]
    if backend == "prometheus":
        lines.append(f"prometheus: {_command('prometheus', '--version')}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the NAB folder (default: ../shared/data/nab-...)")
    parser.add_argument("--backend", choices=("prometheus", "custom"), default="prometheus")
    parser.add_argument(
        "--control-shift",
        type=int,
        default=0,
        metavar="ROWS",
        help="a control run: move slmo's rows by ROWS x 5 minutes, so that the check must fail",
    )
    args = parser.parse_args(argv)

    if args.backend == "prometheus" and (missing := prom_server.missing_tools()):
        print(
            f"{', '.join(missing)} not found: install the Debian package (apt-get install -y prometheus)"
            " or run with --backend custom",
            file=sys.stderr,
        )
        return 2
    counts = derive(args.data)
    bad = counts.bad
    print(machine(args.backend))
    print(
        f"data: {args.data.name}/{SERIES}: {len(counts.total)} rows of 5 min"
        f" ({counts.missing_rows} missing rows as 0), {sum(counts.total)} requests, {sum(bad)} bad"
        f" in {sum(1 for b in bad if b)} rows inside NAB anomaly windows; goal {GOAL}"
    )
    # The series ends just before the run: the Prometheus backend queries at "now", and every
    # query must fall within the 5 minutes after the last sample for the windows to hold the
    # same rows in Prometheus and in slmo.
    end = int(time.time()) - 1
    runs: list[tuple[Setup, peer.PeerRun]] = []
    with ExitStack() as stack:
        if args.backend == "prometheus":
            url = stack.enter_context(prom_server.serving(prometheus_families(counts, end)))
            setups = prometheus_setups(url, counts, end)
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="slmo-slo-generator-")))
            setups = [custom_setup(folder / "counts.csv", counts, end)]
        for setup in setups:
            slo = peer.slo_config("nab-elb-requests", setup.backend_key, "good_bad_ratio", setup.indicator, GOAL)
            shared = peer.shared_config(setup.backend_key, setup.backend, WINDOWS)
            runs.append((setup, peer.run(slo, shared)))
    print(f"data end: {end} ({dt.datetime.fromtimestamp(end, dt.UTC):%Y-%m-%d %H:%M:%S} UTC)")

    outcomes: list[Outcome] = []
    for setup, found in runs:
        if args.backend == "prometheus" and not end < found.began <= found.ended < end + counts.step_seconds:
            print(f"{setup.name}: queried {found.ended - end:.0f} s after the data's end; rerun", file=sys.stderr)
            return 2
        at = int(found.began)
        outcome = Outcome(setup, at)
        for label, seconds in WINDOWS.items():
            ours = replace(setup, grid_start=setup.grid_start + args.control_shift * STEP_SECONDS)
            ev = slmo_evaluation(ours, counts, label, seconds, at)
            report = found.reports[label]
            outcome.rows.extend(
                compare(setup, label, seconds, report, ev, data_end=end, queried=(found.began, found.ended))
            )
        outcomes.append(outcome)

    for outcome in outcomes:
        print()
        print(table(outcome))
    rows = [row for outcome in outcomes for row in outcome.rows]
    compared = [row for row in rows if row.agrees is not None]
    failed = [row for row in compared if not row.agrees]
    print()
    print(
        f"{len(compared) - len(failed)} of {len(compared)} figures agree to slo-generator's rounding"
        f" ({len(rows) - len(compared)} not compared)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
