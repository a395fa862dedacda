"""`slmo alerts`, `slmo alerts ack` and `slmo alerts backtest` on real data: the NAB series of
``examples/data`` (EC2 CPU every 5 minutes, 10 to 24 April 2014) as a threshold objective,
ingested the way ``tests/integration/test_nab_real_data.py`` does: CPU under 97 % per
5-minute slice, 99 % over a rolling 7 days.

The backtest's vectorised history is checked against the one-instant path: `slmo evaluate
--at` (which decides the alerts with the evaluations it stores) opens the page where the
backtest says it fires and resolves it where it says it stopped; its breach against `slmo
status --at` on both sides of the breach's end."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES
from tests.e2e.conftest import Cli

SERIES = EXAMPLES / "data" / "ec2_cpu_utilization_825cc2.csv"
CATALOGUE = """\
apiVersion: slmo/v1
kind: Party
metadata: {name: ops}
spec: {type: internal}
---
apiVersion: slmo/v1
kind: Service
metadata: {name: host}
spec: {owner: ops}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {name: metric}
spec:
  service: host
  kind: threshold
  bucket: 5m
  threshold: {op: lt, value: 97}
---
apiVersion: slmo/v1
kind: Agreement
metadata: {name: nab}
spec:
  type: expectation
  parties: [{party: ops, role: provider}]
  services: [host]
  versions:
    - version: 1
      state: active
      objectives:
        - name: cpu
          indicator: metric
          target: 0.99
          window: {rolling: 7d}
          budgeting: timeslices
          timeSlice: {size: 5m, target: 1.0}
"""
FROM, TO = "2014-04-11T00:00:00Z", "2014-04-24T00:00:00Z"


@pytest.fixture
def nab(cli: Cli, tmp_path: Path) -> Cli:
    path = tmp_path / "nab.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    cli("apply", "-f", str(path))
    done = cli("ingest", "samples", "--indicator", "metric", "--tz", "UTC", str(SERIES))
    assert "4032 row(s) read, 0 refused" in done.stdout
    return cli


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def backtest(cli: Cli) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(
        cli("alerts", "backtest", "nab/cpu", "--from", FROM, "--to", TO, "--json").stdout
    )
    return found


def test_backtest_json_and_its_table(nab: Cli) -> None:
    report = backtest(nab)
    assert (report["objective"], report["from"], report["to"], report["step_seconds"]) == (
        "nab/cpu",
        "2014-04-11T00:00:00+00:00",
        "2014-04-24T00:00:00+00:00",
        300,
    )
    tiers = {t["tier"]: t for t in report["tiers"]}
    assert list(tiers) == ["page", "ticket", "any"]
    page = tiers["page"]
    assert page["alerts"] and all(set(a) == {"start", "end", "true_alarm"} for a in page["alerts"])
    assert page["false_alarms"] == sum(not a["true_alarm"] for a in page["alerts"])
    assert page["precision"] == pytest.approx(1 - page["false_alarms"] / len(page["alerts"]))
    # The week is below target from the morning of the 11th (56 hot slices in the first week,
    # 20 allowed) until the 20th, once those slices left the rolling 7 days.
    (breach,) = page["breaches"]
    assert (breach["start"], breach["end"]) == ("2014-04-11T04:40:00+00:00", "2014-04-20T19:20:00+00:00")
    assert breach["detected"] and page["recall"] == 1.0
    assert breach["detection_seconds"] == (instant(page["alerts"][2]["start"]) - instant(breach["start"])).seconds
    # Alerts after the breach ended are the false ones.
    assert all(a["true_alarm"] == (instant(a["start"]) < instant(breach["end"])) for a in page["alerts"][2:])
    table = nab("alerts", "backtest", "nab/cpu", "--from", FROM, "--to", TO).stdout
    assert f"page: {len(page['alerts'])} alert(s), {page['false_alarms']} false" in table
    assert "2014-04-11T04:40:00+00:00" in table


def test_the_backtest_agrees_with_evaluating_instant_by_instant(nab: Cli) -> None:
    page = {t["tier"]: t for t in backtest(nab)["tiers"]}["page"]
    fired = next(a for a in page["alerts"] if instant(a["end"]) - instant(a["start"]) >= dt.timedelta(minutes=30))
    start, end = instant(fired["start"]), instant(fired["end"])
    before = (start - dt.timedelta(minutes=5)).isoformat()
    nab("evaluate", "--at", before)
    assert [a["tier"] for a in json.loads(nab("alerts", "--json").stdout) if a["tier"] == "page"] == []
    nab("evaluate", "--at", start.isoformat())
    nab("evaluate", "--at", (end - dt.timedelta(minutes=5)).isoformat())
    (open_page,) = [a for a in json.loads(nab("alerts", "--json").stdout) if a["tier"] == "page"]
    assert (open_page["state"], open_page["opened_at"], open_page["objective"]) == (
        "firing",
        start.isoformat(),
        "nab/cpu",
    )
    assert open_page["last_seen_at"] == (end - dt.timedelta(minutes=5)).isoformat()
    nab("evaluate", "--at", end.isoformat())
    (closed,) = [a for a in json.loads(nab("alerts", "--all", "--json").stdout) if a["id"] == open_page["id"]]
    assert (closed["state"], closed["resolved_at"]) == ("resolved", end.isoformat())


def test_the_breach_agrees_with_status(nab: Cli) -> None:
    (breach,) = {t["tier"]: t for t in backtest(nab)["tiers"]}["any"]["breaches"]
    end = instant(breach["end"])
    last_in = json.loads(nab("status", "--at", (end - dt.timedelta(minutes=5)).isoformat(), "--json").stdout)
    first_out = json.loads(nab("status", "--at", end.isoformat(), "--json").stdout)
    assert [r["status"] for r in last_in] == ["breached"]
    assert [r["status"] for r in first_out] != ["breached"]


def test_list_and_acknowledge(nab: Cli) -> None:
    nab("evaluate", "--at", "2014-04-12T03:40:00Z")
    listed = json.loads(nab("alerts", "--json").stdout)
    assert sorted(a["tier"] for a in listed) == ["page", "ticket"]
    page = next(a for a in listed if a["tier"] == "page")
    assert (page["state"], page["level"], page["acknowledged_by"]) == ("firing", 1, None)
    assert page["reasons"] and all(r.startswith("burn ") for r in page["reasons"])
    table = nab("alerts").stdout
    assert "nab/cpu" in table and "firing" in table
    done = nab("alerts", "ack", str(page["id"])).stdout
    assert f"Alert {page['id']} (nab/cpu, page) acknowledged by" in done
    (acked,) = [a for a in json.loads(nab("alerts", "--json").stdout) if a["id"] == page["id"]]
    assert acked["state"] == "acknowledged" and acked["acknowledged_by"]
    assert "acknowledged" in nab("alerts").stdout
    arabic = nab("--lang", "ar", "alerts").stdout
    assert "مُقَرّ به" in arabic and "التنبيهات" in arabic
    entries = json.loads(nab("audit", "-o", "json").stdout)
    (entry,) = [e for e in entries if e["kind"] == "Alert"]
    assert (entry["name"], entry["before"]["state"], entry["after"]["state"]) == (
        str(page["id"]),
        "firing",
        "acknowledged",
    )


def test_mistakes_are_told_with_their_exit_codes(nab: Cli) -> None:
    assert "no alert 999" in nab("alerts", "ack", "999", code=4).stderr
    nab("alerts", "backtest", "nab/cpu", "--from", TO, "--to", FROM, code=2)
    nab("alerts", "backtest", "nab/nothing", "--from", FROM, "--to", TO, code=4)
    nab("alerts", "backtest", "nab/cpu", "--from", "yesterday", "--to", TO, code=2)
    assert nab("alerts").stdout.strip() == "No open alerts."
