"""`slmo demand` on SQLite: eight weeks of hourly events and of tickets for the example
catalogue's service, the last two weeks busier (``tests/demand_support.py``), ingested through
the command line; the table, the proposal, the JSON document, Arabic, and what is refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.demand_support import START, daily_tickets, hourly_events
from tests.e2e.conftest import Cli
from tests.factories import catalogue_text

AT = "2026-11-02T12:00:00Z"


@pytest.fixture
def measured(cli: Cli, tmp_path: Path) -> Cli:
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(catalogue_text(), encoding="utf-8")
    cli("apply", "-f", str(catalogue))
    starts, counts = hourly_events()
    rows = ["timestamp,good,total"]
    rows += [
        f"{dt.datetime.fromtimestamp(int(s), dt.UTC).isoformat()},{int(n)},{int(n)}"
        for s, n in zip(starts, counts, strict=True)
    ]
    events = tmp_path / "events.csv"
    events.write_text("\n".join(rows) + "\n", encoding="utf-8")
    cli("ingest", "events", "--indicator", "portal-requests", str(events))
    tickets = ["id,service,priority,opened,status,at,sequence"]
    for day, n in enumerate(daily_tickets()):
        for k in range(n):
            opened = (START + dt.timedelta(days=day, hours=9 + k % 8)).isoformat()
            tickets.append(f"T{day}-{k},portal,P1,{opened},New,{opened},0")
    desk = tmp_path / "tickets.csv"
    desk.write_text("\n".join(tickets) + "\n", encoding="utf-8")
    cli("ingest", "tickets", str(desk))
    return cli


def test_the_table_and_the_proposal(measured: Cli) -> None:
    out = measured("demand", "portal", "--days", "7", "--at", AT).stdout
    assert "Demand of portal from 2026-11-02T00:00+00:00 (Events per day, seasonal model)" in out
    assert "Demand of portal from 2026-11-02T00:00+00:00 (Tickets opened per day, seasonal model)" in out
    assert "2026-11-08T00:00+00:00" in out and "2026-11-09T00:00" not in out
    assert "Next 7 steps:" in out
    assert "portal: " in out and "events expected next week (80 %: " in out and ": add capacity" in out
    hourly = measured("demand", "portal", "--days", "1", "--hourly", "--at", AT).stdout
    assert "Events per hour" in hourly and "2026-11-02T23:00+00:00" in hourly


def test_the_json_document(measured: Cli) -> None:
    (found,) = json.loads(measured("demand", "--days", "7", "--at", AT, "--json").stdout)
    assert found["service"] == "portal" and found["at"] == "2026-11-02T00:00:00+00:00"
    events = found["events_daily"]
    assert events["method"] == "model" and events["seasons"] == [7] and events["history_steps"] == 56
    assert len(events["steps"]) == 7 and events["total_steps"] == 7
    assert sum(s["expected"] for s in events["steps"]) == pytest.approx(events["total"]["expected"])
    assert found["tickets_daily"]["unit"] == "tickets"
    assert found["events_hourly"]["seasons"] == [24, 168] and len(found["events_hourly"]["steps"]) == 168
    (rise,) = [p for p in found["proposals"] if p["unit"] == "events"]
    assert rise["direction"] == "rise" and rise["args"]["weeks"] == 4


def test_arabic(measured: Cli) -> None:
    measured.env["SLMO_LANG"] = "ar"
    out = measured("demand", "portal", "--days", "7", "--at", AT).stdout
    assert "الطلب على portal" in out and "زِد السعة" in out


def test_what_is_refused(measured: Cli) -> None:
    assert "Service 'nowhere' does not exist" in measured("demand", "nowhere", "--at", AT, code=4).stderr
    measured("demand", "portal", "--days", "0", code=2)
