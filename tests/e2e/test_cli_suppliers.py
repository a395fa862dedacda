"""`slmo claims`, `slmo claim` and `slmo impact` on the example catalogue with GitHub's contract
(``tests/supplier_support.py``), in SQLite, figures by hand.

The command line runs on the real clock, so the contract here gives 3,650 days to file a claim:
October 2026's credit is claimed by 28 October 2036 (the window closes at local midnight of the
29th, UTC), long after any run of this test.

October 2026 in UTC: 44,640 minutes, all counted (each record starts on 1 July).
- GitHub Actions is down 10:00-12:00 on 5 October: 120 minutes, an uptime of
  1 - 120 / 44,640 = 99.7312 %, below 99.9 % but not 99 %: 10 % of 21,000 USD = 2,100.00 USD.
- The release pipeline is down 10:00-14:00 the same day: 240 bad minutes, more than the month's
  budget of 0.5 % of 44,640 = 223.2: release-sla is breached from the evaluation at 00:00 on
  6 October until the one at 01:00 on 1 November. GitHub's two hours cover 120 of the 240
  minutes: the breach is half explained, and caused in part by GitHub.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.e2e.conftest import Cli
from tests.supplier_support import GITHUB

INCIDENTS = """\
id,service,start,end,impact,title
GH-0,github-actions,2026-07-01T00:00:00Z,2026-07-01T00:01:00Z,outage,record starts
GH-1,github-actions,2026-10-05T10:00:00Z,2026-10-05T12:00:00Z,outage,Actions down
PIPE-0,release-pipeline,2026-07-01T00:00:00Z,2026-07-01T00:01:00Z,outage,record starts
PIPE-1,release-pipeline,2026-10-05T10:00:00Z,2026-10-05T14:00:00Z,outage,Deploys failing
"""
BREACH = "release-sla/availability@2026-10-06T00:00:00Z"


@pytest.fixture
def world(cli: Cli, tmp_path: Path) -> Cli:
    github = tmp_path / "github.yaml"
    text = GITHUB.replace("claims: {withinDays: 30}", "claims: {withinDays: 3650}")
    assert text != GITHUB
    github.write_text(text, encoding="utf-8")
    incidents = tmp_path / "incidents.csv"
    incidents.write_text(INCIDENTS, encoding="utf-8")
    cli("apply", "-f", str(EXAMPLES))
    cli("apply", "-f", str(github))
    cli("ingest", "incidents", str(incidents))
    for at in ("2026-10-05T09:00:00Z", "2026-10-06T00:00:00Z", "2026-11-01T01:00:00Z"):
        cli("evaluate", "--at", at, "--objective", "release-sla/availability")
    return cli


def _claims(cli: Cli, *args: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = json.loads(cli("claims", *args, "--json").stdout)
    return found


def test_a_credit_owed_becomes_a_claim_filed_accepted_and_paid(world: Cli) -> None:
    assert _claims(world) == []
    done = world("credits", "compute", "--period", "2026-10")
    assert "created: github-uc 2026-10 credit schedule" in done.stdout and "2,100.00 USD" in done.stdout
    (claim,) = _claims(world)
    assert {k: claim[k] for k in ("id", "agreement", "supplier", "period", "amount", "currency", "status")} == {
        "id": 1,
        "agreement": "github-uc",
        "supplier": "github",
        "period": "2026-10",
        "amount": "2100.00",
        "currency": "USD",
        "status": "due",
    }
    assert (claim["file_by"], claim["deadline"], claim["urgency"]) == (
        "2036-10-28",
        "2036-10-29T00:00:00+00:00",
        "open",
    )
    table = world("claims").stdout
    assert "github" in table and "2,100.00 USD" in table and "by 2036-10-28" in table
    # Nothing is due within 14 days.
    assert world("claims", "--within", "14").stdout.strip() == "no claims on suppliers"
    filed = world("claim", "file", "1", "--reference", "GH-CASE-4411")
    assert "claim 1 on github for 2026-10 (2,100.00 USD): filed" in filed.stdout
    world("claim", "accept", "1")
    (line,) = json.loads(world("credits", "--period", "2026-10", "--agreement", "github-uc", "--json").stdout)
    assert (line["amount"], line["status"]) == ("2100.00", "confirmed")
    paid = json.loads(world("claim", "pay", "1", "--reference", "INV-2026-11-7", "--json").stdout)
    assert (paid["status"], paid["reference"], paid["revision"]) == ("paid", "INV-2026-11-7", 4)
    (line,) = json.loads(world("credits", "--period", "2026-10", "--agreement", "github-uc", "--json").stdout)
    assert line["status"] == "paid"
    assert [c["id"] for c in _claims(world, "--status", "paid", "--status", "filed")] == [1]
    assert _claims(world, "--status", "due") == []
    # A paid claim goes no further: a conflict (exit 5), and nothing changes.
    refused = world("claim", "pay", "1", code=5)
    assert "claim 1 is paid; it cannot be paid" in refused.stderr
    audit = json.loads(world("audit", "--output", "json").stdout)
    steps = [(e["name"], e["after"]["status"]) for e in audit if e["kind"] == "Claim"]
    assert steps == [("github-uc/2026-10/schedule", s) for s in ("due", "filed", "accepted", "paid")]


def test_bad_input_is_named(world: Cli) -> None:
    assert "'owed' is not a claim status" in world("claims", "--status", "owed", code=2).stderr
    assert "within is a number of days, at least 0, not -1" in world("claims", "--within", "-1", code=2).stderr
    assert "no claim 9" in world("claim", "file", "9", code=4).stderr
    assert "is not a breach" in world("impact", "--breach", "release-sla/availability", code=2).stderr
    assert "Service 'nowhere' does not exist" in world("impact", "nowhere", "--period", "2026-10", code=4).stderr


def test_impact_of_the_breach_and_the_weakest_link(world: Cli) -> None:
    found = json.loads(world("impact", "--breach", BREACH, "--json").stdout)
    assert (found["breach_start"], found["breach_end"]) == ("2026-10-06T00:00:00+00:00", "2026-11-01T01:00:00+00:00")
    assert (found["start"], found["end"]) == ("2026-10-01T00:00:00+00:00", "2026-11-01T01:00:00+00:00")
    assert (found["bad_seconds"], found["explained_seconds"], found["explained_share"]) == (14_400, 7_200, 0.5)
    assert found["caused_by"] == ["github"]
    (cause,) = found["causes"]
    assert {k: cause[k] for k in ("kind", "name", "overlap_seconds", "share", "incidents", "objectives")} == {
        "kind": "supplier",
        "name": "github",
        "overlap_seconds": 7_200,
        "share": 0.5,
        "incidents": ["GH-1"],
        "objectives": ["github-uc/uptime"],
    }
    text = world("impact", "--breach", BREACH).stdout
    assert "240 bad minute(s), 120 (50.00%) of them while an upstream was failing" in text
    assert "caused, in whole or in part, by supplier: github" in text
    service = world("impact", "release-pipeline", "--period", "2026-10").stdout
    assert "release-pipeline depends on: github (supplier)" in service
    # 1 - 120 / 44,640 = 99.731 %
    assert "weakest link of release-pipeline in 2026-10: github (supplier), 99.731% against 99.900%" in service
    every = json.loads(world("impact", "--period", "2026-10", "--json").stdout)
    assert [b["breach"] for b in every] == ["release-sla/availability@2026-10-06T00:00:00+00:00"]
    arabic = world("--lang", "ar", "impact", "release-pipeline", "--period", "2026-10").stdout
    assert "أضعف حلقة لـrelease-pipeline في 2026-10" in arabic
