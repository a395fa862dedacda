"""``GET /api/v1/breaches``: episodes from the stored evaluations, filtered, paged and sorted,
and a customer's only of its agreements.

The story (Monday 2 November 2026, in the office hours of both agreements' calendar):
09:00 nothing measured yet (no data); 09:00-09:30 one request in ten fails on both services;
evaluated at 09:30 and 09:45, both breached; 10:00-10:30 portal serves 30 million good
requests; at 10:30 portal is met again and payments still breached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from slmo.core.engine.breaches import breach_episodes
from tests.api_support import Api, api_over

T = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _iso(at: dt.datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def _events(start: dt.datetime, minutes: int, good: int, total: int) -> str:
    rows = (f"{_iso(start + dt.timedelta(minutes=i))},{good},{total}\n" for i in range(minutes))
    return "timestamp,good,total\n" + "".join(rows)


def _send(api: Api, token: str, indicator: str, body: str) -> None:
    answer = api.request(
        "POST",
        f"/api/v1/ingest/events?indicator={indicator}",
        token=token,
        content=body,
        headers={"Content-Type": "text/csv"},
    )
    assert answer.status_code == 200, answer.text


def _evaluate(api: Api, minutes: int) -> None:
    api.clock.at = T + dt.timedelta(minutes=minutes)
    api.slmo.evaluation.evaluate(api.clock.at)


@pytest.fixture
def api() -> Iterator[Api]:
    with api_over() as made:
        admin = made.token("admin")
        _evaluate(made, 0)
        for indicator in ("portal-requests", "payments-requests"):
            _send(made, admin, indicator, _events(T, 30, 90, 100))
        _evaluate(made, 30)
        _evaluate(made, 45)
        _send(made, admin, "portal-requests", _events(T + dt.timedelta(minutes=60), 30, 1_000_000, 1_000_000))
        _evaluate(made, 90)
        yield made


@pytest.fixture
def admin(api: Api) -> str:
    return api.token("admin")


def get(api: Api, token: str, query: str = "") -> dict[str, Any]:
    answer = api.request("GET", f"/api/v1/breaches{query}", token=token)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def spans(page: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [(i["objective"], i["start"], i["end"]) for i in page["items"]]


def test_episodes_with_their_worst_figures(api: Api, admin: str) -> None:
    page = get(api, admin)
    assert (page["total"], page["limit"], page["offset"]) == (2, 100, 0)
    assert spans(page) == [
        ("payments-sla/success", "2026-11-02T09:30:00+00:00", None),
        ("portal-sla/success", "2026-11-02T09:30:00+00:00", "2026-11-02T10:30:00+00:00"),
    ]
    payments, portal = page["items"]
    assert (payments["open"], payments["evaluations"], payments["last_breached"]) == (
        True,
        3,
        "2026-11-02T10:30:00+00:00",
    )
    assert (portal["open"], portal["evaluations"], portal["last_breached"]) == (False, 2, "2026-11-02T09:45:00+00:00")
    # 90 good of 100: attainment 0.9; budget (1 - 0.999) of 3000 = 3 bad allowed, 300 spent.
    assert (portal["worst_attainment"], portal["target"]) == (pytest.approx(0.9), 0.999)
    assert portal["lowest_budget_left"] == pytest.approx(-99.0)
    assert (portal["agreement"], portal["name"], portal["service"], portal["indicator"]) == (
        "portal-sla",
        "success",
        "portal",
        "portal-requests",
    )


def test_the_service_is_the_engine_over_the_stored_evaluations(api: Api, admin: str) -> None:
    expected = breach_episodes(api.slmo.evaluation.evaluations())
    assert [(i["objective"], i["evaluations"]) for i in get(api, admin)["items"]] == [
        (e.key, e.evaluations) for e in expected
    ]


@pytest.mark.parametrize(
    ("query", "objectives"),
    [
        ("?objective=portal-sla/success", ["portal-sla/success"]),
        ("?objective=success", ["payments-sla/success", "portal-sla/success"]),
        ("?objective=payments-sla/nothing", []),
        ("?agreement=payments-sla", ["payments-sla/success"]),
        ("?agreement=portal-sla&objective=payments-sla/success", []),
        ("?open=true", ["payments-sla/success"]),
        ("?since=2026-11-02T10:30:00Z", ["payments-sla/success"]),
        ("?since=2026-11-02T10:29:59%2B00:00", ["payments-sla/success", "portal-sla/success"]),
        ("?sort=-start&limit=1", ["portal-sla/success"]),
        ("?limit=1&offset=1", ["portal-sla/success"]),
        ("?offset=5", []),
    ],
)
def test_filters_sort_and_pages(api: Api, admin: str, query: str, objectives: list[str]) -> None:
    assert [o for o, _, _ in spans(get(api, admin, query))] == objectives


def test_a_page_counts_every_match(api: Api, admin: str) -> None:
    page = get(api, admin, "?limit=1")
    assert (page["total"], len(page["items"])) == (2, 1)


@pytest.mark.parametrize(
    ("query", "field"), [("?since=last-week", "since"), ("?limit=0", "limit"), ("?open=perhaps", "open")]
)
def test_bad_parameters_are_422_with_the_field(api: Api, admin: str, query: str, field: str) -> None:
    answer = api.request("GET", f"/api/v1/breaches{query}", token=admin)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in answer.json()["errors"]] == [field]


def test_a_customer_sees_the_breaches_of_its_agreements_only(api: Api) -> None:
    ministry = api.token("customer", party="ministry")
    bank = api.token("customer", party="bank")
    assert [o for o, _, _ in spans(get(api, ministry))] == ["portal-sla/success"]
    assert [o for o, _, _ in spans(get(api, bank))] == ["payments-sla/success"]
    for query in ("?agreement=payments-sla", "?objective=payments-sla/success", "?open=true"):
        assert get(api, ministry, query) == {"items": [], "total": 0, "limit": 100, "offset": 0}, query


def test_every_role_reads_breaches_and_no_token_is_401(api: Api) -> None:
    for role, party in (("viewer", None), ("manager", None), ("owner", "ops")):
        assert get(api, api.token(role, party=party))["total"] == 2
    assert api.request("GET", "/api/v1/breaches").status_code == 401
