"""``GET /api/v1/trends``: the document ``slmo trends --json`` prints, a customer's walls, and
bad queries as problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from slmo.bootstrap import in_memory
from tests.api_support import ADMIN, Api, FixedClock
from tests.unit.test_trend_service import CATALOGUE, write_days


@pytest.fixture
def api() -> Iterator[Api]:
    # The catalogue of the service's tests (two customers on one service), not api_over's.
    clock = FixedClock()
    with in_memory(clock=clock) as slmo:
        slmo.catalogue.apply(slmo.codec.load_text(CATALOGUE, "trends.yaml"), ADMIN)
        write_days(slmo, "portal-requests", dt.date(2026, 10, 1), [998] * 16 + [990] * 15)
        write_days(slmo, "portal-logins", dt.date(2026, 10, 31), [19990, 20000], total=20000)
        yield Api(slmo, clock, 64 * 1024 * 1024)


def test_an_objective_by_day(api: Api) -> None:
    answer = api.request(
        "GET", "/api/v1/trends?objective=portal-sla/success&unit=day&periods=30", token=api.token("viewer")
    )
    assert answer.status_code == 200, answer.text
    (trend,) = answer.json()
    assert (trend["subject"], trend["name"], trend["verdict"], trend["periods_read"]) == (
        "objective",
        "portal-sla/success",
        "degrading",
        29,
    )
    assert trend["test"]["method"] == "hamed_rao" and trend["test"]["s"] == -210
    assert [s["period"] for s in trend["steps"]] == ["2026-10-17"]


def test_a_customer_sees_its_own_agreements_only(api: Api) -> None:
    token = api.token("customer", party="ministry")
    found = api.request("GET", "/api/v1/trends?unit=day&periods=3", token=token).json()
    assert [(t["subject"], t["name"]) for t in found] == [("objective", "portal-sla/success"), ("service", "portal")]
    assert found[1]["objectives"] == ["portal-sla/success"]
    assert "bank" not in str(found) and "logins" not in str(found) and "payments" not in str(found)
    for query in ("objective=portal-bank/logins", "service=payments"):
        hidden = api.request("GET", f"/api/v1/trends?{query}", token=token)
        assert hidden.status_code == 404 and hidden.headers["content-type"].startswith("application/problem+json")


def test_bad_queries(api: Api) -> None:
    admin = api.token("admin")
    for query in ("unit=quarter", "periods=0", "periods=400", "alpha=1"):
        assert api.request("GET", f"/api/v1/trends?{query}", token=admin).status_code == 422, query
    assert api.request("GET", "/api/v1/trends?service=nothing", token=admin).status_code == 404
    assert api.request("GET", "/api/v1/trends").status_code == 401
