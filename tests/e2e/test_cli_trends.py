"""`slmo trends` on SQLite: one objective's attainment by day through October 2026 (99.8 % for
sixteen days, then 99.0 %), counted back from an instant given with --at; the table, the
JSON document, Arabic, and what is refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.e2e.conftest import Cli
from tests.unit.test_trend_service import CATALOGUE

AT = "2026-11-02T12:00:00Z"


@pytest.fixture
def measured(cli: Cli, tmp_path: Path) -> Cli:
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(CATALOGUE, encoding="utf-8")
    cli("apply", "-f", str(catalogue))
    rows = ["timestamp,good,total"]
    for i in range(31):
        day = dt.date(2026, 10, 1) + dt.timedelta(days=i)
        rows.append(f"{day.isoformat()}T12:00:00Z,{998 if i < 16 else 990},1000")
    events = tmp_path / "events.csv"
    events.write_text("\n".join(rows) + "\n", encoding="utf-8")
    cli("ingest", "events", "--indicator", "portal-requests", str(events))
    return cli


def test_the_table(measured: Cli) -> None:
    out = measured("trends", "portal-sla/success", "--unit", "day", "--at", AT).stdout
    assert "Trends over the last 30 periods (day), significant at 0.05" in out
    line = next(line for line in out.splitlines() if "portal-sla/success" in line)
    assert "attainment" in line and "degrading" in line and "29/30" in line
    # S = −210 of 29 values, p = 0.014 (Hamed–Rao); the 210 pairs across the step each fall,
    # the 196 within a level are flat: the median slope is one of the falling ones.
    assert "−0.032 pp/day" in line and "0.014" in line
    assert "2026-10-17: 99.80 % → 99.00 %" in out
    service = measured("trends", "--service", "portal", "--unit", "day", "--at", AT).stdout
    assert "service portal" in service and "budget spent" in service and "2026-10-17: 20.0 % → 100.0 %" in service


def test_the_json_document(measured: Cli) -> None:
    found = json.loads(measured("trends", "--unit", "day", "--periods", "30", "--at", AT, "--json").stdout)
    names = [(t["subject"], t["name"]) for t in found]
    assert ("objective", "portal-sla/success") in names and ("service", "portal") in names
    (portal,) = [t for t in found if t["name"] == "portal-sla/success"]
    assert portal["verdict"] == "degrading" and portal["periods_read"] == 29
    assert portal["test"]["s"] == -210 and portal["test"]["p_value"] < 0.05
    assert portal["steps"] == [
        {
            "period": "2026-10-17",
            "before": pytest.approx(0.998),
            "after": pytest.approx(0.99),
            "u": 210.0,
            "p_value": portal["steps"][0]["p_value"],
        }
    ]
    # Months by default: October alone has data, too few to judge.
    (monthly,) = json.loads(measured("trends", "portal-sla/success", "--at", AT, "--json").stdout)
    assert monthly["unit"] == "month" and monthly["periods_read"] == 1 and monthly["verdict"] is None


def test_arabic(measured: Cli) -> None:
    out = measured("--lang", "ar", "trends", "portal-sla/success", "--unit", "day", "--at", AT).stdout
    assert "يتراجع" in out and "تحوّلات المستوى" in out


def test_what_is_refused(measured: Cli) -> None:
    assert "not a unit" in measured("trends", "--unit", "quarter", code=2).stderr
    measured("trends", "nothing/here", "--at", AT, code=4)
    measured("trends", "--service", "nothing", "--at", AT, code=4)
