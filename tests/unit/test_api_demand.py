"""GET /api/v1/demand: the document of ``slmo demand --json``, a customer's walls, bad requests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from slmo.services.demand import demand_json
from tests.api_support import Api, api_over
from tests.demand_support import AT, seed_demand


@pytest.fixture(scope="module")
def api() -> Iterator[Api]:
    with api_over() as made:
        made.clock.at = AT
        seed_demand(made.slmo)
        yield made


def test_the_document_is_the_command_lines(api: Api) -> None:
    answer = api.request("GET", "/api/v1/demand?service=portal&days=7", token=api.token("viewer"))
    assert answer.status_code == 200, answer.text
    (found,) = answer.json()
    assert found == demand_json(api.slmo.demand.forecast("portal", 7))
    assert found["service"] == "portal" and len(found["events_daily"]["steps"]) == 7
    assert len(found["events_hourly"]["steps"]) == 7 * 24
    assert [p["key"] for p in found["proposals"]][:1] == ["demand.proposal.events.rise"]


def test_every_service_for_staff_and_its_own_for_a_customer(api: Api) -> None:
    staff = api.request("GET", "/api/v1/demand?days=2", token=api.token("manager")).json()
    assert [d["service"] for d in staff] == ["payments", "portal"]
    ministry = api.token("customer", party="ministry")
    own = api.request("GET", "/api/v1/demand?days=2", token=ministry)
    assert [d["service"] for d in own.json()] == ["portal"]
    assert "payments" not in own.text
    other = api.request("GET", "/api/v1/demand?service=payments", token=ministry)
    assert other.status_code == 404
    missing = api.request("GET", "/api/v1/demand?service=nowhere", token=api.token("admin"))
    assert missing.status_code == 404


def test_bad_requests(api: Api) -> None:
    token = api.token("admin")
    assert api.request("GET", "/api/v1/demand?days=0", token=token).status_code == 422
    assert api.request("GET", "/api/v1/demand?days=93", token=token).status_code == 422
    assert api.request("GET", "/api/v1/demand").status_code == 401
