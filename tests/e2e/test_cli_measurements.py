"""Recording what was delivered and seeing where objectives stand, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.e2e.conftest import Cli

AT = "2026-11-25T00:00:00+03:00"
# 1 November 2026 00:00 in Riyadh, as UTC epoch seconds: 2026-10-31T21:00:00Z.
START = "2026-10-31T21:00:00Z"


def minutes(path: Path, rows: list[tuple[str, int, int]]) -> Path:
    path.write_text("timestamp,good,total\n" + "".join(f"{t},{g},{n}\n" for t, g, n in rows), encoding="utf-8")
    return path


@pytest.fixture
def applied(cli: Cli) -> Cli:
    cli("apply", "-f", str(EXAMPLES))
    return cli


def test_ingest_twice_changes_nothing_and_late_rows_correct_their_bucket(applied: Cli, tmp_path: Path) -> None:
    first = minutes(
        tmp_path / "a.csv", [("2026-11-01T00:00:00+03:00", 990, 1000), ("2026-11-01T00:01:00+03:00", 1000, 1000)]
    )
    out = applied("ingest", "events", "--indicator", "eportal-requests", str(first)).stdout
    assert "2 row(s) read, 0 refused, 2 bucket(s) of eportal-requests written" in " ".join(out.split())
    applied("ingest", "events", "--indicator", "eportal-requests", str(first))
    rows = json.loads(applied("status", "--at", AT, "--objective", "success-rate", "--json").stdout)
    assert (rows[0]["good"], rows[0]["total"]) == (1990, 2000)
    late = minutes(tmp_path / "b.csv", [("2026-11-01T00:00:00+03:00", 1000, 1000)])
    applied("ingest", "events", "--indicator", "eportal-requests", str(late))
    rows = json.loads(applied("status", "--at", AT, "--objective", "success-rate", "--json").stdout)
    assert (rows[0]["good"], rows[0]["total"]) == (2000, 2000)


def test_two_sources_add_up(applied: Cli, tmp_path: Path) -> None:
    rows = [("2026-11-01T00:00:00+03:00", 90, 100)]
    applied(
        "ingest", "events", "--indicator", "eportal-requests", "--source", "eu", str(minutes(tmp_path / "eu.csv", rows))
    )
    applied(
        "ingest", "events", "--indicator", "eportal-requests", "--source", "us", str(minutes(tmp_path / "us.csv", rows))
    )
    found = json.loads(applied("status", "--at", AT, "--objective", "eportal-sla/success-rate", "--json").stdout)
    assert (found[0]["good"], found[0]["total"]) == (180, 200)


def test_bad_rows_abort_writes_nothing_and_skip_writes_the_good_ones(applied: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "timestamp,good,total\n"
        "2026-11-01T00:00:00+03:00,990,1000\n"
        "2026-11-01T00:01:00+03:00,1001,1000\n"
        "2026-11-01T00:02:00,5,5\n",
        encoding="utf-8",
    )
    failed = applied("ingest", "events", "--indicator", "eportal-requests", str(bad), code=2)
    assert f"{bad}:3: good: 1001 is more than total 1000" in failed.stderr
    assert f"{bad}:4: timestamp:" in failed.stderr and "no UTC offset" in failed.stderr
    assert "nothing was written" in failed.stderr
    found = json.loads(applied("status", "--at", AT, "--objective", "success-rate", "--json").stdout)
    assert found[0]["total"] == 0 and found[0]["status"] == "no_data"
    skipped = applied("ingest", "events", "--indicator", "eportal-requests", "--on-error", "skip", str(bad))
    assert "1 row(s) read, 2 refused" in " ".join(skipped.stdout.split())
    found = json.loads(applied("status", "--at", AT, "--objective", "success-rate", "--json").stdout)
    assert found[0]["total"] == 1000


def test_tz_reads_timestamps_without_offset(applied: Cli, tmp_path: Path) -> None:
    path = minutes(tmp_path / "local.csv", [("2026-11-01 00:00:00", 999, 1000)])
    applied("ingest", "events", "--indicator", "eportal-requests", "--tz", "Asia/Riyadh", str(path))
    found = json.loads(applied("status", "--at", AT, "--objective", "success-rate", "--json").stdout)
    assert found[0]["total"] == 1000


def test_unknown_indicator_and_wrong_kind(applied: Cli, tmp_path: Path) -> None:
    path = minutes(tmp_path / "a.csv", [("2026-11-01T00:00:00+03:00", 1, 1)])
    assert "unknown indicator 'nope'" in applied("ingest", "events", "--indicator", "nope", str(path), code=4).stderr
    wrong = applied("ingest", "events", "--indicator", "eportal-latency", str(path), code=2).stderr
    assert "'eportal-latency' is a threshold indicator; events feed ratio indicators" in wrong


def test_status_json_has_the_keys_scripts_rely_on(applied: Cli, tmp_path: Path) -> None:
    applied(
        "ingest",
        "events",
        "--indicator",
        "eportal-requests",
        str(minutes(tmp_path / "a.csv", [("2026-11-20T00:00:00+03:00", 999, 1000)])),
    )
    rows = json.loads(applied("status", "--at", AT, "--json").stdout)
    keys = {
        "objective",
        "agreement",
        "service",
        "window_start",
        "window_end",
        "good",
        "total",
        "attainment",
        "target",
        "budget_total",
        "budget_spent",
        "budget_left",
        "burn_rates",
        "status",
    }
    assert all(keys <= set(row) for row in rows)
    success = next(r for r in rows if r["objective"] == "success-rate")
    assert set(success["burn_rates"]) == {"5m", "30m", "1h", "2h", "6h", "1d", "3d"}
    # 28 days rolling back from the evaluation instant.
    assert (
        success["window_start"] == "2026-10-27T21:00:00+00:00" and success["window_end"] == "2026-11-24T21:00:00+00:00"
    )
    # 1 bad of 1000 against a budget of 0.001 * 1000 = 1: exactly spent.
    assert success["attainment"] == pytest.approx(0.999)
    assert success["budget_left"] == pytest.approx(0.0, abs=1e-9)


def test_threshold_samples_and_incidents(applied: Cli, tmp_path: Path) -> None:
    samples = tmp_path / "latency.csv"
    samples.write_text(
        "timestamp,value\n2026-11-10T10:00:00+03:00,0.5\n2026-11-10T10:01:00+03:00,1.2\n", encoding="utf-8"
    )
    applied("ingest", "samples", "--indicator", "eportal-latency", str(samples))
    incidents = tmp_path / "incidents.csv"
    incidents.write_text(
        "id,service,start,end,impact\nINC1,eportal,2026-11-10T10:00:00+03:00,2026-11-10T10:30:00+03:00,outage\n",
        encoding="utf-8",
    )
    assert "1 incident(s) read, 0 refused, 1 new or changed" in " ".join(
        applied("ingest", "incidents", str(incidents)).stdout.split()
    )
    rows = {(r["agreement"], r["objective"]): r for r in json.loads(applied("status", "--at", AT, "--json").stdout)}
    latency = rows[("eportal-sla", "latency")]
    assert (latency["good"], latency["total"]) == (1, 2)
    # Availability counted from the incident's start: 30 minutes down out of the minutes since.
    availability = rows[("eportal-sla", "availability")]
    assert availability["status"] == "breached"
    assert availability["total"] - availability["good"] == 30


def test_history_of_a_past_month(applied: Cli, tmp_path: Path) -> None:
    rows = [("2026-10-05T10:00:00+03:00", 900, 1000), ("2026-11-05T10:00:00+03:00", 1000, 1000)]
    applied("ingest", "events", "--indicator", "eportal-requests", str(minutes(tmp_path / "a.csv", rows)))
    found = json.loads(applied("history", "success-rate", "--period", "2026-10", "--json").stdout)
    assert (found[0]["good"], found[0]["total"]) == (900, 1000)
    assert found[0]["window_start"] == "2026-09-30T21:00:00+00:00"
    assert found[0]["status"] == "breached"


def test_evaluate_stores_evaluations(applied: Cli) -> None:
    assert "9 evaluation(s) stored" in applied("evaluate", "--at", AT).stdout
