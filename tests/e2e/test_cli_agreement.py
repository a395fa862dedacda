"""`slmo agreement`: a new version of the example SLA negotiated from the command line by the
provider's signatory (the account ``faisal``) and the ministry's (``noura``), each refusal with
its exit code and nothing changed, and the evidence for a proposed target from stored data.

The CLI's actor is the operating-system account (as for every CLI write), so the two sides
are two accounts here (``LOGNAME``); the clock is the real one, so dates are taken from today.
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


def as_account(cli: Cli, account: str) -> Cli:
    return Cli(cli.capsys, cli.monkeypatch, {**cli.env, "LOGNAME": account, "USER": account})


def add_draft(cli: Cli, tmp_path: Path, *, start: dt.date, target: float) -> None:
    """A version 2 (or next) of eportal-sla as a person writes it: the newest version's terms
    copied, with another availability target and start, applied as a document."""
    document = json.loads(cli("get", "agreement", "eportal-sla", "-o", "json").stdout)
    versions = document["spec"]["versions"]
    new = json.loads(json.dumps(versions[0]))
    new.update(
        {"version": max(v["version"] for v in versions) + 1, "state": "draft", "effective": {"from": str(start)}}
    )
    new["objectives"][0]["target"] = target
    document["spec"]["versions"] = [*versions, new]
    path = tmp_path / "eportal-sla.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    cli("apply", "-f", str(path))


@pytest.fixture
def sides(cli: Cli) -> tuple[Cli, Cli]:
    cli("apply", "-f", str(EXAMPLES))
    return as_account(cli, "faisal"), as_account(cli, "noura")


def test_a_version_negotiated_from_draft_to_active(sides: tuple[Cli, Cli], tmp_path: Path) -> None:
    faisal, noura = sides
    add_draft(faisal, tmp_path, start=TODAY, target=0.995)
    done = faisal("agreement", "propose", "eportal-sla", "2", "-m", "99.5 % with the new data centre")
    assert done.stdout.strip() == "eportal-sla version 2 proposed for it-operations"

    # The proposer cannot approve as the other party: exit 7, nothing changed.
    before = faisal("agreement", "history", "eportal-sla", "--json").stdout
    refused = faisal("agreement", "approve", "eportal-sla", "2", "--as-party", "ministry", code=7)
    assert "faisal has acted for it-operations in the negotiation of 'eportal-sla' and may not act for ministry" in (
        refused.stderr.replace("\n", " ")
    )
    assert faisal("agreement", "history", "eportal-sla", "--json").stdout == before

    countered = noura(
        "agreement", "counter", "eportal-sla", "2", "--as-party", "ministry",
        "--set", "objectives.availability.target=0.999", "-m", "The portal needs 99.9 %",
    )  # fmt: skip
    assert "eportal-sla version 2 countered by ministry: version 3 proposed in its place" in countered.stdout
    assert "objectives.availability.target" in countered.stdout and "0.995" in countered.stdout
    diff = json.loads(noura("agreement", "diff", "eportal-sla", "2", "3", "--json").stdout)
    assert diff == [{"field": "objectives.availability.target", "change": "changed", "before": 0.995, "after": 0.999}]
    faisal("agreement", "comment", "eportal-sla", "3", "Agreed in the meeting of the 20th")

    # Not approved yet: exit 5, nothing changed.
    before = faisal("agreement", "history", "eportal-sla", "--json").stdout
    refused = faisal("agreement", "activate", "eportal-sla", "3", code=5)
    assert "version 3 is proposed, not agreed" in refused.stderr and "waiting for it-operations, ministry" in (
        refused.stderr.replace("\n", " ")
    )
    assert faisal("agreement", "history", "eportal-sla", "--json").stdout == before

    done = noura("agreement", "approve", "eportal-sla", "3", "--as-party", "ministry")
    assert done.stdout.strip() == "eportal-sla version 3 approved for ministry; waiting for it-operations"
    done = faisal("agreement", "approve", "eportal-sla", "3")
    assert "every party has approved it, it is agreed" in done.stdout
    done = faisal("agreement", "activate", "eportal-sla", "3")
    assert done.stdout.splitlines() == [
        f"eportal-sla version 3 is active from {TODAY}",
        f"eportal-sla version 1 superseded; it was in force until {TODAY}",
    ]

    document = json.loads(faisal("get", "agreement", "eportal-sla", "-o", "json").stdout)
    states = [(v["version"], v["state"], v["effective"]) for v in document["spec"]["versions"]]
    assert states == [
        (1, "superseded", {"from": "2026-01-01", "to": str(TODAY)}),
        (2, "retired", {"from": str(TODAY)}),
        (3, "active", {"from": str(TODAY)}),
    ]
    steps = json.loads(faisal("agreement", "history", "eportal-sla", "--json").stdout)
    assert (steps[0]["version"], steps[0]["step"], steps[0]["party"]) == (1, "recorded", None)
    assert [(s["version"], s["step"], s["actor"], s["party"]) for s in steps[1:]] == [
        (2, "drafted", "faisal", None),
        (2, "proposed", "faisal", "it-operations"),
        (2, "countered", "noura", "ministry"),
        (3, "proposed", "noura", "ministry"),
        (3, "commented", "faisal", "it-operations"),
        (3, "approved", "noura", "ministry"),
        (3, "approved", "faisal", "it-operations"),
        (3, "activated", "faisal", "it-operations"),
        (1, "superseded", "faisal", "it-operations"),
    ]
    assert steps[6]["signatory"] == "Noura Al-Qahtani" and steps[3]["related_version"] == 3
    assert {s["interface"] for s in steps} == {"cli"}
    table = faisal("agreement", "history", "eportal-sla").stdout
    assert "Negotiation of eportal-sla" in table and "Noura Al-Qahtani" in table
    arabic = faisal("--lang", "ar", "agreement", "history", "eportal-sla").stdout
    assert "التفاوض على eportal-sla" in arabic and "اقتُرح" in arabic and "اعتُمد" in arabic


def test_overlapping_dates_and_early_activation_are_refused(sides: tuple[Cli, Cli], tmp_path: Path) -> None:
    faisal, noura = sides
    # Version 1 is in force from 2026-01-01: a version from 2025-12-01 overlaps it.
    add_draft(faisal, tmp_path, start=dt.date(2025, 12, 1), target=0.995)
    refused = faisal("agreement", "propose", "eportal-sla", "2", code=5)
    assert "version 2 (2025-12-01 to …) overlaps version 1 (active, 2026-01-01 to …)" in refused.stderr.replace(
        "\n", " "
    )
    assert json.loads(faisal("agreement", "history", "eportal-sla", "--json").stdout)[-1]["step"] == "drafted"
    # A version that starts in ten days is agreed, and not activated before then.
    later = TODAY + dt.timedelta(days=10)
    faisal("agreement", "counter", "eportal-sla", "2", code=5)  # a draft is proposed, not countered
    add_draft(faisal, tmp_path, start=later, target=0.995)
    faisal("agreement", "propose", "eportal-sla", "3")
    noura("agreement", "approve", "eportal-sla", "3", "--as-party", "ministry")
    faisal("agreement", "approve", "eportal-sla", "3")
    refused = faisal("agreement", "activate", "eportal-sla", "3", code=5)
    assert f"version 3 takes effect on {later}; activate it on or after that day" in refused.stderr.replace("\n", " ")
    refused = faisal("--lang", "ar", "agreement", "activate", "eportal-sla", "3", code=5)
    assert "فعّله في ذلك اليوم أو بعده" in refused.stderr
    # A usage error names the option.
    assert "--set" in faisal("agreement", "counter", "eportal-sla", "3", "--set", "no-equals", code=2).stderr


def test_the_evidence_for_a_proposed_target(sides: tuple[Cli, Cli], tmp_path: Path) -> None:
    faisal, _ = sides
    # The three complete months before this one, 10,000 requests each at noon on the 15th,
    # with 5, 20 and 8 bad: 99.95 %, 99.80 %, 99.92 %.
    first = TODAY.replace(day=1)
    months = []
    for _ in range(3):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    months.reverse()
    rows = "".join(
        f"{m.isoformat()[:8]}15T12:00:00+03:00,{10_000 - bad},10000\n"
        for m, bad in zip(months, (5, 20, 8), strict=True)
    )
    (tmp_path / "requests.csv").write_text("timestamp,good,total\n" + rows, encoding="utf-8")
    faisal("ingest", "events", "--indicator", "eportal-requests", str(tmp_path / "requests.csv"))
    found = json.loads(
        faisal("agreement", "evidence", "eportal-sla", "--objective", "success-rate", "--periods", "3", "--json").stdout
    )
    assert [p["period"] for p in found["periods"]] == [m.isoformat()[:7] for m in months]
    assert [p["met"] for p in found["periods"]] == [True, False, True]
    assert [p["credit_amount"] for p in found["periods"]] == ["0.00", "12500.00", "0.00"]
    assert (found["met"], found["measured"], found["credits_total"], found["currency"]) == (2, 3, "12500.00", "SAR")
    assert [c["target"] for c in found["confidence"]] == [None, None, None]  # three months back no 90 %
    # One breach in three months: 4 a year; 12,500 over three months, 50,000.00 a year.
    assert (found["what_if"]["history"]["per_year"], found["what_if"]["history_exposure"]["per_year"]) == (
        4.0,
        "50000.00",
    )
    table = faisal(
        "agreement", "evidence", "eportal-sla", "--objective", "success-rate", "--periods", "3", "--target", "0.998"
    ).stdout
    assert "3 of 3 months with data would have met 99.800%" in table
    assert "does not grade an objective of this target" in table
    assert "90% confidence: — (needs 9 periods with data, there are 3)" in table
    # None of three below 99.8 % is not never: at most 12 * (1 - 0.05^(1/3)) = 7.58 a year.
    assert "breaches a year at 99.8%: 0.00 (at most 7.58 with 95% confidence), from the past months" in table
