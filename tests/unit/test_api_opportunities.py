"""GET /api/v1/opportunities over the example catalogue with October 2026 measured and the desk's
tickets (``tests/report_support.py``; the figures are worked in ``test_opportunities``): the same
document as ``slmo opportunities --json``, a customer's own agreements behind the walls, and bad
requests as problems naming the field."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from slmo.services.opportunities import document
from tests.api_support import Api, FixedClock
from tests.report_support import ACTOR, NOW, TICKETS, portal_world

OUTAGE = 120 / 44.04 + 120 / 3.27


@pytest.fixture(scope="module")
def api() -> Iterator[Api]:
    with portal_world() as slmo:
        slmo.tickets.ingest(io.BytesIO(TICKETS.encode()), "tickets.csv", ACTOR)
        yield Api(slmo, FixedClock(NOW))


def test_the_document_is_the_command_lines(api: Api) -> None:
    answer = api.request("GET", "/api/v1/opportunities?period=2026-10&top=6", token=api.token("viewer"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body == document(api.slmo.opportunities.find("2026-10", top=6))
    assert [(p["rank"], p["slice"]["dimension"], p["slice"]["item"], p["owner"]) for p in body["proposals"]] == [
        (1, "service", "eportal", "it-operations"),
        (2, "cause", "-", "it-operations"),
        (3, "supplier", "nimbus-cloud", "it-operations"),
        (4, "ticket_category", "-", "service-desk"),
        (5, "week_hour", "fri 00:00", "it-operations"),
        (6, "ticket_priority", "P1", "service-desk"),
    ]
    supplier = body["proposals"][2]
    assert supplier["reference"] == "2026-10:3" and supplier["action"] == "opportunity.action_supplier"
    assert supplier["args"] == {"item": "nimbus-cloud", "contracts": "nimbus-uc"}
    assert supplier["slice"]["spent"] == pytest.approx(OUTAGE)
    assert [(i["id"], i["cause"]) for i in supplier["slice"]["incidents"]] == [("INC-1", None)]
    assert list(body["breakdowns"]) == [
        "service",
        "week_hour",
        "weekday",
        "hour",
        "cause",
        "ticket_category",
        "ticket_priority",
        "supplier",
    ]


def test_a_customer_sees_its_own_agreements(api: Api) -> None:
    body = api.request(
        "GET", "/api/v1/opportunities?period=2026-10", token=api.token("customer", party="ministry")
    ).json()
    # The ministry is the customer of the portal's SLA and of the report engine's expectation.
    assert {o["objective"].split("/")[0] for o in body["objectives"]} == {"eportal-sla", "report-engine-headroom"}
    assert body["breakdowns"]["supplier"] == [] and "nimbus" not in str(body)
    assert "service-desk" not in str(body)
    assert {p["owner"] for p in body["proposals"]} == {None}
    assert body["spent"] == pytest.approx(120 / 44.04 + 30_000 / 44_040)


@pytest.mark.parametrize(
    ("query", "status", "detail"),
    [
        ("period=2026-13", 422, "'2026-13' is not a period"),
        ("period=2026-12", 422, "2026-12 has not begun"),
        ("top=0", 422, "top"),
        ("top=51", 422, "top"),
    ],
)
def test_bad_requests(api: Api, query: str, status: int, detail: str) -> None:
    answer = api.request("GET", f"/api/v1/opportunities?{query}", token=api.token("admin"))
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert detail in answer.text


def test_the_current_windows_by_default(api: Api) -> None:
    body = api.request("GET", "/api/v1/opportunities", token=api.token("manager")).json()
    assert (body["period"], body["spent"], body["proposals"]) == (None, 0.0, [])
    assert api.request("GET", "/api/v1/opportunities").status_code == 401
