"""`slmo opportunities` and `slmo action add --opportunity` on the example catalogue, in SQLite,
figures by hand.

October 2026 in Riyadh. The portal reports no probes, so its availability counts from its first
incident on: 32,610 minutes (as in test_cli_credits). INC-7 (cause ``database``) is down 00:30 to
02:30 on Friday the 9th, its last 90 minutes in the patching window: 30 bad minutes; INC-8
(cause ``network``) is down 10:00-11:00 on Wednesday the 14th: 60 bad minutes. Two objectives
read those incidents: the portal SLA's availability (99.9 %: a budget of 32.61 slices, so 90 bad
spend 90 / 32.61 = 2.7599 budgets) and the cloud contract's uptime (99.99 %: 3.261 slices,
27.5989 budgets). A bad minute spends 1 / 32.61 + 1 / 3.261 = 0.337320 budgets.

The desk's P1 ticket T9 (category ``access``) opens on Sunday the 4th at 08:00 and is resolved on
Tuesday at 16:00: late on first response (15 business minutes: breached at 08:15; one ticket
against a budget of 0.05: 20 budgets) and on resolution (4 business hours: breached at 12:00;
budget 0.1: 10 budgets).

In all 60.3588 budgets: the portal 30.3588, the desk 30. Causes: database 30 x 0.33732 =
10.1196, network 60 x 0.33732 = 20.2392; the desk's 30 were spent with no incident open.
Nimbus Cloud's windows are the portal's incidents and its uptime's bad minutes: the portal's
availability (which relies on it) and the uptime itself, 30.3588. Time: Wednesday 10:00-11:00
holds 20.2392 where an even rate would have spent 30.3588 x 180 / 32,610 = 0.1676 (three
Wednesdays from the 9th on).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.e2e.conftest import Cli

INCIDENTS = """\
id,service,start,end,impact,title,cause
INC-7,eportal,2026-10-09T00:30:00+03:00,2026-10-09T02:30:00+03:00,outage,Primary database lost,database
INC-8,eportal,2026-10-14T10:00:00+03:00,2026-10-14T11:00:00+03:00,outage,Core switch down,network
"""
TICKETS = """\
id,service,priority,category,opened,status,at,sequence,resolved
T9,service-desk,P1,access,2026-10-04T08:00:00+03:00,New,2026-10-04T08:00:00+03:00,0,
T9,service-desk,P1,access,2026-10-04T08:00:00+03:00,Resolved,2026-10-06T16:00:00+03:00,1,2026-10-06T16:00:00+03:00
"""
MINUTE = 1 / 32.61 + 1 / 3.261


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


def test_the_json_figures(measured: Cli) -> None:
    found = json.loads(measured("opportunities", "--period", "2026-10", "--json").stdout)
    assert found["period"] == "2026-10"
    assert found["spent"] == pytest.approx(90 * MINUTE + 30)
    assert found["outside_incidents"] == pytest.approx(30)
    spent = {o["objective"]: (o["spent"], o["budget"]) for o in found["objectives"] if o["spent"]}
    assert spent == {
        "eportal-sla/availability": (90, pytest.approx(32.61)),
        "nimbus-uc/uptime": (90, pytest.approx(3.261)),
        "service-desk-ola/first-response": (1, pytest.approx(0.05)),
        "service-desk-ola/resolution": (1, pytest.approx(0.1)),
    }
    slices = {d: {s["item"]: s["spent"] for s in rows} for d, rows in found["breakdowns"].items()}
    assert slices["service"] == {"eportal": pytest.approx(90 * MINUTE), "service-desk": pytest.approx(30)}
    assert slices["cause"] == {"network": pytest.approx(60 * MINUTE), "database": pytest.approx(30 * MINUTE)}
    assert slices["supplier"] == {"nimbus-cloud": pytest.approx(90 * MINUTE)}
    assert slices["ticket_category"] == {"access": pytest.approx(30)}
    assert slices["ticket_priority"] == {"P1": pytest.approx(30)}
    assert slices["week_hour"] == {
        "wed 10:00": pytest.approx(60 * MINUTE),
        "fri 00:00": pytest.approx(30 * MINUTE),
        "sun 08:00": pytest.approx(20),
        "sun 12:00": pytest.approx(10),
    }
    network = found["breakdowns"]["cause"][0]
    assert [(i["id"], i["cause"]) for i in network["incidents"]] == [("INC-8", "network")]
    assert network["incidents"][0]["spent"] == pytest.approx(60 * MINUTE)
    # Service, supplier, category and priority each offer their slice, then time's: Wednesday
    # 10:00 spent far beyond an even rate (the network cause, as much, comes after it).
    proposals = [(p["rank"], p["slice"]["dimension"], p["slice"]["item"], p["owner"]) for p in found["proposals"]]
    assert proposals == [
        (1, "service", "eportal", "it-operations"),
        (2, "supplier", "nimbus-cloud", "it-operations"),
        (3, "ticket_category", "access", "service-desk"),
        (4, "ticket_priority", "P1", "service-desk"),
        (5, "week_hour", "wed 10:00", "it-operations"),
    ]
    time = found["proposals"][4]["slice"]
    assert time["expected"] == pytest.approx(90 * MINUTE * 180 / 32_610)
    assert found["proposals"][1]["slice"]["contracts"] == ["nimbus-uc"]
    assert found["proposals"][2]["slice"]["tickets"] == ["T9"]
    assert found["proposals"][0]["origin"] == "trend:opportunity 2026-10 service eportal"
    assert found["proposals"][0]["reference"] == "2026-10:1"


def test_the_table_and_an_action_from_a_proposal(measured: Cli) -> None:
    shown = " ".join(measured("opportunities", "--period", "2026-10", "--top", "6").stdout.split())
    assert "Improvement opportunities, October 2026" in shown
    assert "60.36 budgets spent by 4 objectives" in shown
    assert "30.00 of them while no incident was open" in shown
    assert "Incident cause: network" in shown and "incidents: INC-8" in shown
    assert "Hour of the week: Wednesday 10:00–11:00" in shown and "Ticket priority: P1" in shown
    assert "an even rate would have spent 0.17 budgets here" in shown
    assert "slmo action add --opportunity 2026-10:1 --due YYYY-MM-DD" in shown

    added = measured("action", "add", "--opportunity", "2026-10:6", "--due", "2027-01-31")
    assert "Open a problem record for the incidents caused by network" in added.stdout
    (action,) = json.loads(measured("actions", "--json").stdout)
    assert action["origin"] == "trend:opportunity 2026-10 cause network"
    assert action["owner"] == "it-operations"
    assert action["objectives"] == ["nimbus-uc/uptime", "eportal-sla/availability"]
    assert action["title"].startswith("Open a problem record")
    # What is given wins over the proposal's.
    measured("action", "add", "--opportunity", "2026-10:3", "--due", "2027-01-31", "--owner", "it-operations")
    assert json.loads(measured("actions", "--json").stdout)[1]["owner"] == "it-operations"


def test_in_arabic_and_the_errors(measured: Cli) -> None:
    shown = " ".join(measured("--lang", "ar", "opportunities", "--period", "2026-10").stdout.split())
    assert "فرص التحسين، أكتوبر ٢٠٢٦" in shown
    assert "ساعة الأسبوع: الأربعاء ١٠:٠٠–١١:٠٠" in shown
    assert "2026-13" in measured("opportunities", "--period", "2026-13", code=2).stderr
    assert "2027-03 has not begun" in measured("opportunities", "--period", "2027-03", code=2).stderr
    assert "top must be a whole number from 1 to 50, got 0" in measured("opportunities", "--top", "0", code=2).stderr
    # Nine slices in all: two services, two hours beyond an even rate, two causes, a category,
    # a priority and a supplier.
    assert "there is no proposal 10 for 2026-10: 9 were found" in (
        measured("action", "add", "--opportunity", "2026-10:10", "--due", "2027-01-31", code=4).stderr
    )
    assert "'2026-10:first' is not a proposal; give PERIOD:RANK" in (
        measured("action", "add", "--opportunity", "2026-10:first", "--due", "2027-01-31", code=2).stderr
    )
    assert "'oct' is not a period" in (
        measured("action", "add", "--opportunity", "oct:1", "--due", "2027-01-31", code=2).stderr
    )
    assert "--title is needed, unless --opportunity gives it" in (
        measured("action", "add", "--due", "2027-01-31", "--origin", "trend:x", "--owner", "ops", code=2).stderr
    )
