"""`slmo ingest tickets`, `slmo tickets status|show` and ticket objectives in `slmo status`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, SHARED, require
from tests.e2e.conftest import Cli

AT = "2026-11-01T00:00:00Z"
ROWS = """id,service,priority,opened,status,at,sequence,resolved
T1,service-desk,P1,2026-10-04T09:00:00+03:00,New,2026-10-04T09:00:00+03:00,0,
T1,service-desk,P1,2026-10-04T09:00:00+03:00,Awaiting User Info,2026-10-04T10:00:00+03:00,1,
T1,service-desk,P1,2026-10-04T09:00:00+03:00,Active,2026-10-04T12:00:00+03:00,2,
T1,service-desk,P1,2026-10-04T09:00:00+03:00,Resolved,2026-10-04T15:30:00+03:00,3,2026-10-04T15:30:00+03:00
T2,service-desk,P2,2026-10-05T09:00:00+03:00,New,2026-10-05T09:00:00+03:00,0,
T2,service-desk,P2,2026-10-05T09:00:00+03:00,Resolved,2026-10-05T12:00:00+03:00,1,2026-10-05T12:00:00+03:00
"""


@pytest.fixture
def desk(cli: Cli, tmp_path: Path) -> Cli:
    cli("apply", "-f", str(EXAMPLES))
    (tmp_path / "t.csv").write_text(ROWS)
    done = cli("ingest", "tickets", str(tmp_path / "t.csv"))
    assert "6 row(s) read, 0 refused, 2 ticket(s), 2 changed" in done.stdout
    return cli


def test_ingest_twice_changes_nothing(desk: Cli, tmp_path: Path) -> None:
    assert "2 ticket(s), 0 changed" in desk("ingest", "tickets", str(tmp_path / "t.csv")).stdout


def test_bad_rows_abort_with_file_line_field(desk: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,service,priority,opened,resolved\nT9,service-desk,P1,2026-10-04T09:00:00,\n"
        "T8,service-desk,P7,2026-10-04T09:00:00Z,\nT7,service-desk,P1,2026-10-04T09:00:00Z,2026-10-04T08:00:00Z\n"
    )
    done = desk("ingest", "tickets", str(bad), code=2)
    assert "bad.csv:2: opened:" in done.stderr and "--tz" in done.stderr
    assert "bad.csv:3: priority: unknown priority 'P7'" in done.stderr
    assert "bad.csv:4: resolved: 2026-10-04T08:00:00+00:00 is before opened" in done.stderr


def test_status_per_priority_and_in_slmo_status(desk: Cli) -> None:
    rows = json.loads(desk("tickets", "status", "--period", "2026-10", "--at", AT, "--json").stdout)
    resolution = {r["priority"]: r for r in rows if r["objective"] == "service-desk-ola/resolution"}
    assert (resolution["all"]["volume"], resolution["all"]["breaches"]) == (2, 1)
    assert resolution["P1"]["median"] == 4.5 * 3600  # 09:00-15:30 less 2 h awaiting the user
    assert resolution["P2"]["compliance"] == 1.0
    status = json.loads(desk("status", "--at", "2026-10-20T00:00:00Z", "--json").stdout)
    found = {r["objective"]: (r["good"], r["total"], r["status"]) for r in status if r["indicator"].startswith("desk")}
    assert found == {"first-response": (0.0, 2.0, "breached"), "resolution": (1.0, 2.0, "breached")}


def test_show_explains_the_timeline(desk: Cli) -> None:
    shown = json.loads(desk("tickets", "show", "T1", "--at", AT, "--json").stdout)
    (resolution,) = [t for t in shown["timers"] if t["clock"] == "resolution"]
    assert resolution["elapsed_seconds"] == 4.5 * 3600
    assert resolution["breached_at"] == "2026-10-04T12:00:00+00:00"
    events = [(e["event"], e["detail"]) for e in resolution["timeline"]]
    assert events[:3] == [("opened", "P1"), ("paused", "Awaiting User Info"), ("resumed", "Awaiting User Info")]
    assert events[-2:] == [("breached", ""), ("resolved", "")]
    text = desk("tickets", "show", "T1", "--at", AT).stdout
    assert "paused: status Awaiting User Info" in text
    desk("tickets", "show", "nope", code=4)


def test_a_reopened_ticket_explains_its_resumed_clock(desk: Cli, tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(
        "id,service,priority,opened,status,at,sequence\n"
        "T3,service-desk,P2,2026-10-06T09:00:00+03:00,New,2026-10-06T09:00:00+03:00,0\n"
        "T3,service-desk,P2,2026-10-06T09:00:00+03:00,Resolved,2026-10-06T10:00:00+03:00,1\n"
        "T3,service-desk,P2,2026-10-06T09:00:00+03:00,Active,2026-10-07T09:00:00+03:00,2\n"
        "T3,service-desk,P2,2026-10-06T09:00:00+03:00,Resolved,2026-10-07T10:00:00+03:00,3\n"
    )
    desk("ingest", "tickets", str(tmp_path / "r.csv"))
    shown = json.loads(desk("tickets", "show", "T3", "--at", AT, "--json").stdout)
    (resolution,) = [t for t in shown["timers"] if t["clock"] == "resolution"]
    assert resolution["elapsed_seconds"] == 2 * 3600  # 1 h, solved overnight, 1 h more
    assert ("reopened_resume", "Active") in [(e["event"], e["detail"]) for e in resolution["timeline"]]
    assert "the clock resumes" in desk("tickets", "show", "T3", "--at", AT).stdout


def test_uci_log_through_the_command_line(cli: Cli) -> None:
    log = SHARED / "data" / "uci-incident-event-log" / "incident_event_log.csv.gz"
    require(log.is_file(), f"{log} is missing")
    cli("apply", "-f", str(ROOT / "docs" / "mappings" / "uci-sla.yaml"))
    done = cli(
        "ingest",
        "tickets",
        str(log),
        "--preset",
        "servicenow",
        "--tz",
        "UTC",
        "--service",
        "uci-incidents",
        "--on-error",
        "skip",
    )
    assert "141712 row(s) read, 6 refused, 24918 ticket(s), 24918 changed" in done.stdout.replace("\n", " ")
    rows = json.loads(cli("tickets", "status", "--period", "2016-05", "--at", "2017-03-01T00:00:00Z", "--json").stdout)
    every = next(r for r in rows if r["priority"] == "all")
    assert (every["volume"], every["breaches"]) == (7513, 1967)
