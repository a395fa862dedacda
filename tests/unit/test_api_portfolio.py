"""``GET /api/v1/portfolio`` over the portfolio's hand-worked world (``tests/portfolio_support.py``):
the same lines as the use case, grouped and sorted by the query, behind the walls."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from slmo.api.schemas.portfolio import PortfolioPublic
from tests.api_support import Api
from tests.api_support import FixedClock as ApiClock
from tests.portfolio_support import NOW, portfolio_world


@pytest.fixture
def api() -> Iterator[Api]:
    with portfolio_world() as slmo:
        yield Api(slmo, ApiClock(NOW))


def test_the_portfolio_grouped_by_supplier_and_sorted_by_risk(api: Api) -> None:
    answer = api.request(
        "GET", "/api/v1/portfolio?period=2026-Q3&group=supplier&sort=risk&order=desc", token=api.token("viewer")
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert answer.headers["content-type"] == "application/json"
    # The body is written by hand for speed: it is exactly what the documented models say.
    assert PortfolioPublic.model_validate(body).model_dump(mode="json") == body
    # Asked again (by another of the staff), the kept lines give the same answer.
    again = api.request(
        "GET", "/api/v1/portfolio?period=2026-Q3&group=supplier&sort=risk&order=desc", token=api.token("admin")
    )
    assert again.json() == body
    assert (body["period"], body["complete"], body["group"], body["sort"], body["order"], body["costs_shown"]) == (
        "2026-Q3",
        True,
        "supplier",
        "risk",
        "desc",
        True,
    )
    assert body["periods"] == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert [x["agreement"] for x in body["lines"]] == ["portal-sla", "payments-sla", "cloud-uc"]
    portal = body["lines"][0]
    assert portal["health"] == {"status": "breached", "met": 0, "at_risk": 1, "breached": 1, "no_data": 0}
    assert (portal["trend"]["direction"], portal["risk"], portal["risk_objective"]) == ("degrading", 0.6, "latency")
    assert portal["money"] == {
        "side": "sells",
        "currency": "SAR",
        "charge": "270000.00",
        "cost": "60000.00",
        "credits_paid": "13500.00",
        "credits_received": "0.00",
        "net": "196500.00",
        "verdict": "gain",
    }
    assert portal["review"] == {
        "next_review": "2026-09-15",
        "state": "overdue",
        "days": -25,
        "overdue": True,
        "last_review": "2026-03-15",
    }
    assert [(g["key"], g["agreements"]) for g in body["groups"]] == [
        ("cloudco", ["portal-sla", "cloud-uc"]),
        (None, ["payments-sla"]),
    ]
    assert body["totals"]["money"] == [
        {
            "currency": "SAR",
            "income": "360000.00",
            "cost": "141000.00",
            "credits_paid": "13500.00",
            "credits_received": "750.00",
            "net": "152250.00",
        }
    ]


def test_a_customer_sees_only_its_own_lines(api: Api) -> None:
    ministry = api.token("customer", party="ministry")
    answer = api.request("GET", "/api/v1/portfolio?period=2026-Q3&group=customer", token=ministry)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [x["agreement"] for x in body["lines"]] == ["portal-sla"]
    assert body["costs_shown"] is False
    line = body["lines"][0]
    assert (line["suppliers"], line["money"]["cost"], line["money"]["net"]) == ([], None, None)
    for other in ("payments", "bank", "cloud-uc", "cloudco"):
        assert other not in answer.text
    refused = api.request("GET", "/api/v1/portfolio?period=2026-Q3&group=supplier", token=ministry)
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=2026-W40", "period"),
        ("period=2027-Q1", "period"),
        ("group=region", "group"),
        ("sort=colour", "sort"),
        ("order=up", "order"),
    ],
)
def test_a_bad_query_is_a_problem_naming_the_field(api: Api, query: str, field: str) -> None:
    answer = api.request("GET", f"/api/v1/portfolio?{query}", token=api.token("admin"))
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == [field]


def test_the_answer_is_documented(api: Api) -> None:
    document = api.request("GET", "/openapi.json").json()
    answer = document["paths"]["/api/v1/portfolio"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PortfolioPublic"}
    assert {"lines", "groups", "totals"} <= set(document["components"]["schemas"]["PortfolioPublic"]["properties"])


def test_the_running_quarter_by_default(api: Api) -> None:
    body = api.request("GET", "/api/v1/portfolio", token=api.token("admin")).json()
    assert (body["period"], body["complete"], body["sort"], body["order"]) == ("2026-Q4", False, "agreement", "asc")
