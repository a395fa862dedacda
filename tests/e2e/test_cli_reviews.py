"""`slmo reviews`, `slmo review record|show|list`, `slmo actions`, `slmo action
add|update|done|show` and `slmo periods` on the example catalogue with two procedures, on
SQLite, in process; refusals exit 2 and change nothing; `slmo audit verify` passes after."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from slmo.core.engine.reviews import add_months
from tests.conftest import EXAMPLES
from tests.e2e.conftest import Cli

PROCEDURES = """\
apiVersion: slmo/v1
kind: Procedure
metadata: {name: eportal-runbook, displayName: {en: E-portal runbook, ar: دليل تشغيل البوابة}}
spec:
  type: runbook
  owner: it-operations
  services: [eportal]
  review: {everyMonths: 6}
---
apiVersion: slmo/v1
kind: Procedure
metadata: {name: primary-data-centre}
spec:
  type: facility
  owner: it-operations
  services: [eportal, report-engine]
  review: {everyMonths: 12}
  nextReview: NEXT
"""


def seeded(cli: Cli, tmp_path: Path) -> dt.date:
    today = dt.datetime.now(dt.UTC).date()
    procedures = tmp_path / "procedures.yaml"
    procedures.write_text(PROCEDURES.replace("NEXT", (today + dt.timedelta(days=10)).isoformat()), encoding="utf-8")
    cli("apply", "-f", str(EXAMPLES))
    assert "2 created" in cli("apply", "-f", str(procedures)).stdout
    return today


def test_reviews_and_actions_from_the_command_line(cli: Cli, tmp_path: Path) -> None:
    today = seeded(cli, tmp_path)
    schedule = json.loads(cli("reviews", "--json").stdout)
    by_subject = {row["subject"]: row for row in schedule}
    assert by_subject["Procedure/primary-data-centre"]["state"] == "due"
    assert by_subject["Procedure/primary-data-centre"]["days"] == 10
    assert by_subject["Procedure/eportal-runbook"]["next_review"] == add_months(today, 6).isoformat()
    assert {"Agreement/eportal-sla", "Agreement/network-ola"} <= set(by_subject)
    due = json.loads(cli("reviews", "--due", "--json").stdout)
    assert [r["subject"] for r in due] == ["Procedure/primary-data-centre"]

    done = cli(
        "review", "record", "procedure/primary-data-centre", "--date", today.isoformat(),
        "--attendee", "Faisal (it-operations)", "--finding", "The UPS test is a year old",
        "--decision", "Test the UPS every quarter", "--action", "Schedule the quarterly UPS test",
    )  # fmt: skip
    assert "review 1 of Procedure/primary-data-centre recorded" in done.stdout
    assert f"next review {add_months(today, 12).isoformat()}" in done.stdout
    assert "actions created: 1" in done.stdout
    shown = json.loads(cli("review", "show", "1", "--json").stdout)
    assert shown["findings"] == ["The UPS test is a year old"] and shown["actions"] == [1]
    assert "Test the UPS every quarter" in cli("review", "show", "1").stdout

    review_file = tmp_path / "review.yaml"
    review_file.write_text(
        f"""\
subject: eportal-sla
date: {today.isoformat()}
attendees: [Faisal, Nora (ministry)]
findings: [Two P1 tickets answered late in October]
decisions: [Add a second on-call engineer]
actions:
  - title: Add a second on-call engineer
    owner: it-operations
    objectives: [eportal-sla/availability]
""",
        encoding="utf-8",
    )
    assert "review 2 of Agreement/eportal-sla recorded" in cli("review", "record", "-f", str(review_file)).stdout
    assert [r["id"] for r in json.loads(cli("review", "list", "eportal-sla", "--json").stdout)] == [2]

    actions = json.loads(cli("actions", "--open", "--json").stdout)
    assert [(a["id"], a["origin"], a["status"]) for a in actions] == [(1, "review:1", "open"), (2, "review:2", "open")]
    assert "in progress" in cli("action", "update", "2", "--status", "in_progress").stdout
    added = cli(
        "action", "add", "--title", "Cache the portal's landing page", "--origin", "trend:eportal-sla/availability falling",
        "--owner", "it-operations", "--due", (today + dt.timedelta(days=30)).isoformat(),
        "--objective", "eportal-sla/availability",
    )  # fmt: skip
    assert "action 3 added" in added.stdout
    assert "action 3 done at" in cli("action", "done", "3").stdout
    show = json.loads(cli("action", "show", "3", "--json").stdout)
    assert show["status"] == "done" and show["done_at"] is not None and show["effects"] == []
    assert [a["id"] for a in json.loads(cli("actions", "--open", "--json").stdout)] == [1, 2]
    table = cli("actions").stdout
    assert "Improvement actions" in table and "Cache the portal" in table

    arabic = cli("--lang", "ar", "reviews").stdout
    assert "المراجعات" in arabic and "مستحقة" not in arabic  # the facility is reviewed now
    assert "إجراءات التحسين" in cli("--lang", "ar", "actions").stdout

    verified = cli("audit", "verify").stdout
    assert "audit log:" in verified and "record(s) verified" in verified
    assert "No period has been closed yet." in cli("periods").stdout


def test_refusals_exit_2_and_change_nothing(cli: Cli, tmp_path: Path) -> None:
    today = seeded(cli, tmp_path)
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    before = cli("audit", "--output", "json").stdout
    past = cli("review", "record", "eportal-sla", "--date", today.isoformat(), "--next", yesterday, code=2)
    assert f"the next review date {yesterday} is in the past" in past.stdout + past.stderr
    future = (today + dt.timedelta(days=1)).isoformat()
    held = cli("review", "record", "eportal-sla", "--date", future, code=2)
    assert "is in the future" in held.stdout + held.stderr
    late = cli(
        "action", "add", "--title", "x", "--origin", "trend:y", "--owner", "it-operations", "--due", yesterday, code=2
    )
    assert f"the due date {yesterday} is in the past" in late.stdout + late.stderr
    assert "no review 7" in cli("review", "show", "7", code=4).stderr
    cli("action", "update", "9", "--status", "done", code=4)
    cli(
        "action",
        "add",
        "--title",
        "x",
        "--origin",
        "incident:INC-1",
        "--owner",
        "it-operations",
        "--due",
        future,
        code=2,
    )
    arabic = cli(
        "--lang", "ar", "review", "record", "eportal-sla", "--date", today.isoformat(), "--next", yesterday, code=2
    )
    assert "في الماضي" in arabic.stdout + arabic.stderr
    assert cli("review", "list", "--json").stdout.strip() == "[]"
    assert cli("audit", "--output", "json").stdout == before
