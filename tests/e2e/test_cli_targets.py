"""`slmo targets`: the example SLA's success rate from daily request counts stored through the CLI,
its achievable targets and the what-if of its own target and of a proposed one, as tables in
English and Arabic and as JSON; bad questions refused with the field named. The clock is the
real one, so the months are those before today."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import EXAMPLES
from tests.e2e.conftest import Cli

TODAY = dt.datetime.now(ZoneInfo("Asia/Riyadh")).date()


def _three_months_back() -> dt.date:
    first = TODAY.replace(day=1)
    for _ in range(3):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first


@pytest.fixture
def stored(cli: Cli, tmp_path: Path) -> Cli:
    """The example catalogue, and 10,000 requests a day with 12 bad (99.88 %) at noon, Riyadh
    time, from the first of the month three months back to yesterday."""
    cli("apply", "-f", str(EXAMPLES))
    day, rows = _three_months_back(), []
    while day < TODAY:
        rows.append(f"{day.isoformat()}T12:00:00+03:00,9988,10000\n")
        day += dt.timedelta(days=1)
    (tmp_path / "requests.csv").write_text("timestamp,good,total\n" + "".join(rows), encoding="utf-8")
    cli("ingest", "events", "--indicator", "eportal-requests", str(tmp_path / "requests.csv"))
    return cli


def test_the_json_of_the_agreed_target(stored: Cli) -> None:
    found = json.loads(stored("targets", "eportal-sla/success-rate", "--periods", "3", "--json").stdout)
    start = _three_months_back()
    assert found["periods"][0]["period"] == start.isoformat()[:7]
    assert [p["attainment"] for p in found["periods"]] == [pytest.approx(0.9988)] * 3
    # The simulation draws from the days of the three months before this one.
    this_month = TODAY.replace(day=1)
    assert found["simulation"] == {
        "period": this_month.isoformat()[:7],
        "history_days": (this_month - start).days,
        "draws": 5200,
        "note": None,
    }
    what_if = found["what_if"]
    assert (what_if["target"], what_if["unit"], what_if["periods_per_year"]) == (0.999, "M", 12.0)
    # Every month at 99.88 % is below 99.9 %: 3 of 3, 12 a year; 5 % of 250,000 SAR a month.
    assert what_if["history"]["breaches"] == 3 and what_if["history"]["per_year"] == 12.0
    assert what_if["simulation"]["breaches"] == 5200 and what_if["simulation"]["per_year"] == 12.0
    assert what_if["currency"] == "SAR" and what_if["credit_note"] is None
    assert what_if["history_exposure"] == {
        "periods": 3,
        "per_period": "12500.00",
        "per_year": "150000.00",
        "year_p95": None,
        "years": 0,
    }
    assert what_if["simulation_exposure"]["year_p95"] == "150000.00"
    assert what_if["simulation_exposure"]["years"] == 433  # 5,200 // 12
    # Three months back no confidence of history (9 needed for 90 %); the draws are all 99.88 %.
    ninety = found["achievable"][0]
    assert (ninety["confidence"], ninety["history"], ninety["periods_needed"]) == (0.9, None, 9)
    assert ninety["simulation"] == pytest.approx(0.9988) and ninety["binding"] == "simulation"


def test_a_proposed_target_as_tables(stored: Cli) -> None:
    table = stored("targets", "eportal-sla/success-rate", "--periods", "3", "--what-if", "99.8").stdout
    assert "eportal-sla/success-rate (version 1): 3 of the past 3 months with data, in Asia/Riyadh" in table
    assert "simulated: 5,200 months like" in table
    assert "If the target were 99.8%: a year of 12 months" in table
    # No breach in three months is not never: 12 * (1 - 0.05^(1/3)) = 12 * 0.6316 = 7.58 a year.
    assert "0 of 3" in table and "0.00 (at most 7.58 with 95% confidence)" in table
    assert "does not grade an objective of this target" in table
    # A ratio is taken as written too, and the confidences asked for only.
    json_text = stored(
        "targets", "eportal-sla/success-rate", "--periods", "3", "--what-if", "0.998", "--confidence", "0.5", "--json"
    ).stdout
    found = json.loads(json_text)
    assert found["what_if"]["target"] == 0.998 and [a["confidence"] for a in found["achievable"]] == [0.5]
    arabic = stored("--lang", "ar", "targets", "eportal-sla/success-rate", "--periods", "3").stdout
    assert "لو كان الهدف ٩٩٫٩٪: سنة من ١٢ من الأشهر" in arabic
    assert "١٥٠٬٠٠٠٫٠٠ SAR" in arabic


def test_bad_questions(stored: Cli) -> None:
    # Three agreements in force name an objective availability: exit 2, each named.
    ambiguous = stored("targets", "availability", code=2).stderr.replace("\n", " ")
    assert "objective: 'availability' is the name of 3 objectives" in ambiguous
    assert "eportal-sla/availability, network-ola/availability, wiki-expectation/availability" in ambiguous
    refused = stored("targets", "eportal-sla/success-rate", "--what-if", "100", code=2).stderr
    assert "what_if: 1.0 is not a ratio in [0, 1)" in refused
    missing = stored("targets", "eportal-sla/nothing", code=4).stderr
    assert "no objective 'eportal-sla/nothing' in an agreement in force" in missing
