"""`slmo credits` and `slmo costs` on the example catalogue, in SQLite, figures by hand.

October 2026 in Riyadh. The portal reports no probes, so its availability counts from its first
incident on: 9 October 00:30 to 1 November 00:00 is 33,090 minutes, less four Friday patching
windows of 120 minutes (the 9th, 16th, 23rd and 30th): 32,610 minutes counted. INC-7 is down
00:30-02:30 on the 9th, its last 90 minutes in the patching window: 30 bad minutes; INC-8 is
down an hour on the 14th: 90 bad in all, 1 - 90 / 32,610 = 99.724 %. The portal SLA's tiers
(under 99.9 % 5 %, under 99.5 % 10 %) give 5 % of 250,000 SAR = 12,500 SAR; the cloud
contract's uptime is graded on the same incidents: under 99.99 %, 10 % of 90,000 = 9,000 SAR.

The service desk's P1 ticket T9 runs from Sunday 4 October 08:00 to Tuesday 16:00: 24 business
hours on the office calendar against a target of 4, 20 hours late; the chargeback's first 10
hours a month are free: 10 x 50 SAR = 500 SAR.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.e2e.conftest import Cli

INCIDENTS = """\
id,service,start,end,impact
INC-7,eportal,2026-10-09T00:30:00+03:00,2026-10-09T02:30:00+03:00,outage
INC-8,eportal,2026-10-14T10:00:00+03:00,2026-10-14T11:00:00+03:00,outage
"""
TICKETS = """\
id,service,priority,opened,status,at,sequence,resolved
T9,service-desk,P1,2026-10-04T08:00:00+03:00,New,2026-10-04T08:00:00+03:00,0,
T9,service-desk,P1,2026-10-04T08:00:00+03:00,Resolved,2026-10-06T16:00:00+03:00,1,2026-10-06T16:00:00+03:00
"""
COSTS = """\
service,period,amount,currency
eportal,2026-10,240000,SAR
network,2026-10,30000,SAR
service-desk,2026-10,45000,SAR
"""


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def measured(cli: Cli, tmp_path: Path) -> Cli:
    cli("apply", "-f", str(EXAMPLES))
    cli("ingest", "incidents", _file(tmp_path, "incidents.csv", INCIDENTS))
    cli("ingest", "tickets", _file(tmp_path, "tickets.csv", TICKETS))
    return cli


def _lines(cli: Cli, *args: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = json.loads(cli("credits", *args, "--json").stdout)
    return found


def test_compute_list_confirm_and_pay(measured: Cli, tmp_path: Path) -> None:
    done = measured("credits", "compute", "--period", "2026-10")
    assert (
        "created: eportal-sla 2026-10 credit schedule (line 1): 12,500.00 SAR: availability at 99.724%, "
        "below 99.90%: 5%; 5% of 250,000.00 SAR = 12,500.00 SAR" in done.stdout
    )
    assert "created: nimbus-uc 2026-10 credit schedule (line 2): 9,000.00 SAR" in done.stdout
    assert (
        "created: service-desk-ola 2026-10 penalty on resolution (line 3): 500.00 SAR: 20h late on 1 ticket(s), "
        "10h free: 10 × 50.00 SAR per 1h = 500.00 SAR; due 500.00 SAR" in done.stdout
    )
    assert "3 created, 0 replaced, 0 unchanged, 0 removed" in done.stdout
    lines = _lines(measured, "--period", "2026-10")
    assert [(x["agreement"], x["basis"], x["amount"], x["status"]) for x in lines] == [
        ("eportal-sla", "schedule", "12500.00", "computed"),
        ("nimbus-uc", "schedule", "9000.00", "computed"),
        ("service-desk-ola", "penalty", "500.00", "computed"),
    ]
    assert lines[0]["attainment"] == pytest.approx(1 - 90 / 32_610)
    assert lines[0]["covered"] == ["availability", "success-rate"]
    calculation = lines[2]["calculation"]
    assert isinstance(calculation, dict)
    assert (calculation["breach_seconds"], calculation["billable_seconds"], calculation["units"]) == (
        72000,
        36000,
        "10.0000",
    )

    again = measured("credits", "compute", "--period", "2026-10")
    assert "0 created, 0 replaced, 3 unchanged, 0 removed" in again.stdout
    assert _lines(measured) == lines

    assert "line 1 (eportal-sla 2026-10 credit schedule, 12,500.00 SAR) is confirmed" in (
        measured("credits", "confirm", "1").stdout
    )
    # Two more hours down on the 20th: 210 bad minutes, 99.356 %, under 99.5 %: 10 % = 25,000.
    more = "id,service,start,end,impact\nINC-9,eportal,2026-10-20T12:00:00+03:00,2026-10-20T14:00:00+03:00,outage\n"
    measured("ingest", "incidents", _file(tmp_path, "more.csv", more))
    changed = measured("credits", "compute", "--period", "2026-10")
    assert (
        "differs: eportal-sla 2026-10 credit schedule (line 1) is confirmed at 12,500.00 SAR; computed now: "
        "25,000.00 SAR; it is left as it is" in " ".join(changed.stdout.split())
    )
    # The cloud contract's line is still computed: replaced (still 10 %, a new attainment).
    assert "replaced: nimbus-uc 2026-10 credit schedule (line 2): 9,000.00 SAR: uptime at 99.356%" in changed.stdout
    assert "settled lines: 0 as computed, 1 differing" in changed.stdout
    assert _lines(measured, "--agreement", "eportal-sla")[0]["amount"] == "12500.00"

    paid = json.loads(measured("credits", "pay", "1", "--json").stdout)
    assert (paid["status"], paid["amount"], paid["confirmed_by"] is not None) == ("paid", "12500.00", True)
    assert "credit 1 is paid; it cannot be marked paid" in measured("credits", "pay", "1", code=5).stderr
    assert "no credit 99" in measured("credits", "confirm", "99", code=4).stderr
    audit = json.loads(measured("audit", "-o", "json").stdout)
    mine = [(e["action"], e["interface"]) for e in audit if e["name"] == "eportal-sla/2026-10/schedule"]
    assert mine == [("create", "cli"), ("change", "cli"), ("change", "cli")]

    # The report shows the line as paid, with the figures that were paid.
    html = measured("report", "eportal-sla", "--period", "2026-10", "--format", "html", "-o", "-").stdout
    assert "In the credits ledger as line 1: paid." in html
    assert "12,500.00 SAR" in html


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--period", "2026-11"), 2, "2026-11 has not ended; credits are computed once a period has closed"),
        (("--period", "2026-W40"), 2, "2026-W40: credits are computed per month, quarter or year"),
        (("--period", "2026-13"), 2, "'2026-13' is not a period"),
        (("--period", "2026-10", "--agreement", "nope"), 4, "Agreement 'nope' does not exist"),
    ],
)
def test_compute_refuses(measured: Cli, args: tuple[str, ...], code: int, message: str) -> None:
    done = measured("credits", "compute", *args, code=code)
    assert message in " ".join(done.stderr.split())
    assert "no lines in the credits ledger" in measured("credits").stdout


def test_in_arabic(measured: Cli) -> None:
    measured("credits", "compute", "--period", "2026-10")
    done = measured("--lang", "ar", "credits", "--period", "2026-10")
    assert "سجل الأرصدة، 2026-10" in done.stdout
    assert "١٢٬٥٠٠٫٠٠ SAR" in done.stdout and "محسوب" in done.stdout


def test_costs_import_and_the_cost_effectiveness_view(measured: Cli, tmp_path: Path) -> None:
    measured("credits", "compute", "--period", "2026-10")
    costs = _file(tmp_path, "costs.csv", COSTS)
    assert "3 row(s) read, 3 changed, 0 unchanged" in measured("costs", "import", costs).stdout
    assert "3 row(s) read, 0 changed, 3 unchanged" in measured("costs", "import", costs).stdout
    listed = json.loads(measured("costs", "--period", "2026-Q4", "--json").stdout)
    assert [(c["service"], c["amount"]) for c in listed] == [
        ("eportal", "240000"),
        ("network", "30000"),
        ("service-desk", "45000"),
    ]
    table = measured("costs", "report", "--period", "2026-10")
    assert "costs more than it returns" in table.stdout
    assert "costing more than they return: eportal-sla" in table.stdout
    rows = {r["agreement"]: r for r in json.loads(measured("costs", "report", "--period", "2026-10", "--json").stdout)}
    # The portal: 250,000 - 12,500 - 240,000 = -2,500; 240,000 / 99.724 points = 2,406.64.
    portal = rows["eportal-sla"]
    assert (portal["charge"], portal["credits"], portal["cost"], portal["net"]) == (
        "250000.00",
        "12500.00",
        "240000.00",
        "-2500.00",
    )
    assert (portal["cost_per_point"], portal["verdict"], portal["costs_more_than_it_returns"]) == (
        "2406.64",
        "loss",
        True,
    )
    # The desk's OLA has no charge: its cost and the chargeback it paid, 45,500 out.
    assert (rows["service-desk-ola"]["net"], rows["service-desk-ola"]["verdict"]) == ("-45500.00", "no_charge")
    assert (rows["nimbus-uc"]["side"], rows["nimbus-uc"]["net"]) == ("buys", "-81000.00")
    assert rows["wiki-expectation"]["missing"] == ["wiki"]


def test_bad_costs_are_named_by_line_and_nothing_is_written(measured: Cli, tmp_path: Path) -> None:
    bad = _file(tmp_path, "bad.csv", "service,period,amount,currency\nnope,2026-10,1,SAR\neportal,2026-1,x,sar\n")
    done = measured("costs", "import", bad, code=2)
    errors = " ".join(done.stderr.split())
    assert f"{bad}:2: service: Service 'nope' does not exist" in errors
    assert f"{bad}:3: period: '2026-1' is not a month such as 2026-10" in errors
    assert f"{bad}:3: amount: 'x' is not an amount" in errors
    assert f"{bad}:3: currency: 'sar' is not a currency code such as SAR" in errors
    assert "no costs entered" in measured("costs").stdout
    assert (
        "2026-W40: costs are viewed per month, quarter or year"
        in measured("costs", "report", "--period", "2026-W40", code=2).stderr
    )
