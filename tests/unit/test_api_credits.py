"""/api/v1/credits and /api/v1/costs over the example catalogue with October 2026 measured
(``tests/report_support.py``): the same figures as the command line, behind the walls."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api_support import Api, FixedClock
from tests.report_support import NOW, portal_world

COSTS = "service,period,amount,currency\neportal,2026-10,240000,SAR\nnetwork,2026-10,30000,SAR\n"
CSV = {"Content-Type": "text/csv"}


@pytest.fixture
def api() -> Iterator[Api]:
    # The world keeps its own clock at 5 November 2026; the app reads that one.
    with portal_world() as slmo:
        yield Api(slmo, FixedClock(NOW))


def test_compute_list_and_settle(api: Api) -> None:
    admin = api.token("admin")
    done = api.request("POST", "/api/v1/credits/compute?period=2026-10", token=admin)
    assert done.status_code == 200, done.text
    lines = done.json()["lines"]
    assert [(x["outcome"], x["line"]["agreement"], x["line"]["amount"]) for x in lines] == [
        ("created", "eportal-sla", "12500.00"),
        ("created", "nimbus-uc", "9000.00"),
        ("created", "service-desk-ola", "0.00"),
    ]
    portal = lines[0]["line"]
    assert portal["calculation"]["tier"] == {"below": 0.999, "credit": 0.05}
    assert (portal["status"], portal["objective"], portal["covered"]) == (
        "computed",
        "availability",
        ["availability", "success-rate"],
    )
    page = api.request("GET", "/api/v1/credits?period=2026-10", token=admin).json()
    assert page["total"] == 3
    confirmed = api.request("POST", f"/api/v1/credits/{portal['id']}/confirm", token=api.token("manager"))
    assert (confirmed.status_code, confirmed.json()["status"]) == (200, "confirmed")
    paid = api.request("POST", f"/api/v1/credits/{portal['id']}/pay", token=admin)
    assert paid.json()["status"] == "paid" and paid.json()["paid_by"] == "admin-token"
    again = api.request("POST", f"/api/v1/credits/{portal['id']}/pay", token=admin)
    assert again.status_code == 409 and "cannot be marked paid" in again.json()["detail"]


def test_a_customer_sees_its_own_agreements_lines_only(api: Api) -> None:
    api.request("POST", "/api/v1/credits/compute?period=2026-10", token=api.token("admin"))
    ministry = api.token("customer", party="ministry")
    page = api.request("GET", "/api/v1/credits", token=ministry).json()
    # The cloud contract is between the provider and Nimbus; the desk's OLA is internal.
    assert [x["agreement"] for x in page["items"]] == ["eportal-sla"]
    cloud = api.request("GET", "/api/v1/credits?agreement=nimbus-uc", token=api.token("viewer")).json()["items"][0]
    assert api.request("GET", f"/api/v1/credits/{cloud['id']}", token=ministry).status_code == 404
    assert api.request("POST", f"/api/v1/credits/{cloud['id']}/confirm", token=ministry).status_code == 403
    assert api.request("POST", "/api/v1/credits/compute?period=2026-10", token=ministry).status_code == 403


def test_a_period_still_running_is_refused(api: Api) -> None:
    answer = api.request("POST", "/api/v1/credits/compute?period=2026-11", token=api.token("admin"))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["message"] == (
        "2026-11 has not ended; credits are computed once a period has closed"
    )


def test_costs_and_the_cost_effectiveness_view(api: Api) -> None:
    admin = api.token("admin")
    api.request("POST", "/api/v1/credits/compute?period=2026-10", token=admin)
    sent = api.request("POST", "/api/v1/costs", token=admin, content=COSTS, headers=CSV)
    assert sent.json() == {"name": "request body", "rows": 2, "written": 2, "unchanged": 0}
    assert api.request("POST", "/api/v1/costs", token=admin, content=COSTS, headers=CSV).json()["unchanged"] == 2
    bad = api.request("POST", "/api/v1/costs", token=admin, content=COSTS + "nope,2026-10,1,SAR\n", headers=CSV)
    assert bad.status_code == 422
    assert [(e["line"], e["field"], e["message"]) for e in bad.json()["errors"]] == [
        (4, "service", "Service 'nope' does not exist")
    ]
    viewer = api.token("viewer")
    assert [c["amount"] for c in api.request("GET", "/api/v1/costs?period=2026-10", token=viewer).json()["items"]] == [
        "240000",
        "30000",
    ]
    rows = {
        r["agreement"]: r
        for r in api.request("GET", "/api/v1/costs/report?period=2026-10", token=viewer).json()["items"]
    }
    portal = rows["eportal-sla"]
    assert (portal["net"], portal["verdict"], portal["costs_more_than_it_returns"]) == ("-2500.00", "loss", True)
    assert portal["cost_per_point"] == "2406.56"
    for role, party in (("customer", "ministry"), ("owner", "it-operations")):
        token = api.token(role, party=party)
        assert api.request("GET", "/api/v1/costs/report?period=2026-10", token=token).status_code == 403
    assert api.request("POST", "/api/v1/costs", token=viewer, content=COSTS, headers=CSV).status_code == 403
    wrong = api.request("POST", "/api/v1/costs", token=admin, json=[{"service": "eportal"}])
    assert wrong.status_code == 415
