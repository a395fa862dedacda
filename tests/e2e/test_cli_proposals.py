"""`slmo propose`, `slmo proposals` and `slmo proposal show|accept|reject` on the example catalogue
in SQLite, with the real clock: next year's proposals are drafted from the twelve complete months
before this one.

The portal served 10,000 requests a day in each of those months with 12 failing: every month at
99.88 %, under the SLA's 99.9 % (the 5 % credit tier: 12,500 SAR a month, 150,000 a year). The
simulated months, drawn from those days, are all 99.88 % too; floored to the grid of 0.05 points,
99.85 % is met with 95 % confidence: relax 99.9 % to 99.85 %, from 12 breaches a year to none,
and from 150,000 SAR of credits a year to none (the schedule grades objectives from 99.9 % only).
Six complaints about the portal, whose tickets no objective measures, point to a new objective
for them; the portal has no ticket indicator yet, so accepting that one is refused.

The example's real data (two weeks of an EC2 instance's CPU in April 2014, NAB) feeds the report
engine's headroom objective: drafting 2015's proposals reads 2014's weeks, of which only those
two or three hold data, too few to judge a target (six periods are needed).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import EXAMPLES
from tests.e2e.conftest import Cli

TODAY = dt.datetime.now(ZoneInfo("Asia/Riyadh")).date()
NEXT_YEAR = str(TODAY.year + 1)
SERIES = EXAMPLES / "data" / "ec2_cpu_utilization_825cc2.csv"


def _months() -> tuple[dt.date, dt.date]:
    """The first day of the twelve complete months before this one, and the first of this one."""
    end = TODAY.replace(day=1)
    start = end
    for _ in range(12):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return start, end


@pytest.fixture
def measured(cli: Cli, tmp_path: Path) -> Cli:
    cli("apply", "-f", str(EXAMPLES))
    cli("ingest", "samples", "--indicator", "report-engine-cpu", "--tz", "UTC", str(SERIES))
    start, end = _months()
    days = [start + dt.timedelta(days=i) for i in range((end - start).days)]
    rows = "".join(f"{d.isoformat()}T12:00:00+03:00,9988,10000\n" for d in days)
    (tmp_path / "requests.csv").write_text("timestamp,good,total\n" + rows, encoding="utf-8")
    cli("ingest", "events", "--indicator", "eportal-requests", str(tmp_path / "requests.csv"))
    opened = [(start + dt.timedelta(days=20 + 30 * i)).isoformat() for i in range(6)]
    tickets = "".join(
        f"C{i},eportal,P3,{day}T09:00:00+03:00,New,{day}T09:00:00+03:00,0,complaint\n" for i, day in enumerate(opened)
    )
    (tmp_path / "tickets.csv").write_text(
        "id,service,priority,opened,status,at,sequence,category\n" + tickets, encoding="utf-8"
    )
    cli("ingest", "tickets", str(tmp_path / "tickets.csv"))
    return cli


def test_next_year_s_proposals_drafted_accepted_and_rejected(measured: Cli) -> None:
    cli = measured
    done = cli("propose", "--period", NEXT_YEAR)
    assert f"Proposals for change for {NEXT_YEAR}" in done.stdout
    assert "2 drafted, 0 updated, 0 unchanged, 0 removed, 0 decided and kept" in done.stdout
    found = json.loads(cli("proposals", "--json").stdout)
    assert [(p["id"], p["kind"], p["agreement"], p["objective"]) for p in found] == [
        (1, "relax_target", "eportal-sla", "success-rate"),
        (2, "add_objective", "eportal-sla", "complaint-tickets"),
    ]
    relax = found[0]
    start, end = _months()
    last = (end - dt.timedelta(days=1)).isoformat()[:7]
    assert relax["evidence_span"] == f"{start.isoformat()[:7]}..{last}"
    assert relax["change"]["target"] == {"objective": "success-rate", "before": 0.999, "after": 0.9985}
    assert relax["effect"] == {
        "breaches_per_year_before": 12.0,
        "breaches_per_year_after": 0.0,
        "credits_per_year_before": "150000.00",
        "credits_per_year_after": "0.00",
        "currency": "SAR",
        "basis": "simulation",
        "credits_basis": "simulation",
    }
    figures = {f["name"]: f for f in relax["evidence"]}
    assert (figures["periods_measured"]["value"], figures["periods_breached"]["value"]) == (12, 12)
    assert figures["credits_per_year"]["value"] == "150000.00" and figures["credits_per_year"]["currency"] == "SAR"
    assert figures["achievable_target"]["value"] == pytest.approx(0.9988)
    assert figures["achievable_target"]["source"] == "targets"
    complaints = {f["name"]: f["value"] for f in found[1]["evidence"]}
    assert (complaints["category_tickets"], complaints["category_share"], complaints["indicator"]) == (6, 1.0, None)

    shown = cli("proposal", "show", "1").stdout
    assert "proposal 1: relax a target of eportal-sla" in shown
    assert "change: success-rate: 99.9% → 99.85%" in shown
    assert "breaches a year 12.00 → 0.00 (simulation); credits a year 150,000.00 SAR → 0.00 SAR" in shown
    assert "Periods breached: 12 (the past periods" in shown
    arabic = cli("--lang", "ar", "proposal", "show", "1").stdout
    assert "تخفيف هدف" in arabic and "الفترات المخالفة" in arabic

    # The complaints' objective has no indicator to measure it: refused, nothing changed.
    before = cli("get", "agreement", "eportal-sla", "-o", "json").stdout
    refused = cli("proposal", "accept", "2", code=2)
    assert "service 'eportal' has no ticket indicator" in " ".join(refused.stderr.split())
    assert cli("get", "agreement", "eportal-sla", "-o", "json").stdout == before

    accepted = cli("proposal", "accept", "1").stdout
    assert "proposal 1 accepted: eportal-sla version 2 drafted" in " ".join(accepted.split())
    document = json.loads(cli("get", "agreement", "eportal-sla", "-o", "json").stdout)
    version = document["spec"]["versions"][1]
    assert (version["version"], version["state"], version["effective"]["from"]) == (2, "draft", f"{NEXT_YEAR}-01-01")
    assert [o.get("target") for o in version["objectives"] if o["name"] == "success-rate"] == [0.9985]
    history = json.loads(cli("agreement", "history", "eportal-sla", "--json").stdout)
    assert [(s["version"], s["step"], s["party"]) for s in history][-1] == (2, "drafted", "it-operations")
    # Decided already: exit 5, and drafting again keeps it.
    assert "proposal 1 is accepted" in cli("proposal", "accept", "1", code=5).stderr

    assert "a rejection says why" in cli("proposal", "reject", "2", "--reason", " ", code=2).stderr
    cli("proposal", "reject", "2", "--reason", "The desk's tickets are measured already")
    rejected = json.loads(cli("proposals", "--status", "rejected", "--json").stdout)
    assert [(p["id"], p["reason"]) for p in rejected] == [(2, "The desk's tickets are measured already")]
    again = cli("propose", "--period", NEXT_YEAR).stdout
    assert "0 drafted, 0 updated, 0 unchanged, 0 removed, 2 decided and kept" in again

    assert "no proposal 9" in cli("proposal", "show", "9", code=4).stderr
    assert "is not a period to propose for" in cli("propose", "--period", "soon", code=2).stderr
    audit = json.loads(cli("audit", "-o", "json").stdout)
    mine = [(e["action"], e["name"]) for e in audit if e["kind"] == "Proposal"]
    assert mine == [
        ("create", f"{NEXT_YEAR}/relax_target/eportal-sla/success-rate"),
        ("create", f"{NEXT_YEAR}/add_objective/eportal-sla/complaint-tickets"),
        ("change", f"{NEXT_YEAR}/relax_target/eportal-sla/success-rate"),
        ("change", f"{NEXT_YEAR}/add_objective/eportal-sla/complaint-tickets"),
    ]
    assert cli("audit", "verify").returncode == 0


def test_two_real_weeks_of_2014_are_too_few_to_judge_a_target(measured: Cli) -> None:
    done = measured("propose", "--period", "2015")
    assert "no proposal for 2015: the evidence supports no change" in done.stdout
    assert measured("proposals", "--period", "2015", "--json").stdout.strip() == "[]"
