"""``GET /api/v1/alerts``, ``POST /alerts/{id}/ack`` and ``GET /alerts/{id}/notifications``:
the rows of ``slmo alerts --json``, the walls of each role, and targets never shown whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from slmo.bootstrap import in_memory
from slmo.cli.alerts import alert_json
from tests.alert_support import BURST, catalogue, page_then_recover, seed
from tests.api_support import Api, FixedClock
from tests.factories import PARTY


@pytest.fixture
def api() -> Iterator[Api]:
    """The page of ``tests/alert_support.py`` open since 09:03, and a second customer."""
    clock = FixedClock(BURST)
    with in_memory(clock=clock) as slmo:
        seed(slmo, catalogue() + "---\n" + PARTY.format(name="bank", type="customer"))
        page_then_recover(slmo)
        clock.at = BURST + dt.timedelta(minutes=3)
        slmo.alerts.evaluate(clock.at)
        yield Api(slmo, clock)


def get(api: Api, path: str, token: str, status: int = 200) -> Any:
    answer = api.request("GET", path, token=token)
    assert answer.status_code == status, answer.text
    return answer.json()


def test_the_list_has_the_keys_of_the_command_and_filters(api: Api) -> None:
    admin = api.token("admin")
    found = get(api, "/api/v1/alerts", admin)
    (page,) = api.slmo.alerts.alerts()
    assert found == {"items": [alert_json(page)], "total": 1, "limit": 100, "offset": 0}
    assert found["items"][0]["state"] == "firing" and found["items"][0]["reasons"] == ["burn 1h/5m"]
    assert get(api, "/api/v1/alerts?objective=portal-sla/success", admin)["total"] == 1
    assert get(api, "/api/v1/alerts?objective=success&agreement=portal-sla", admin)["total"] == 1
    assert get(api, "/api/v1/alerts?agreement=other", admin)["total"] == 0
    assert get(api, "/api/v1/alerts?state=resolved", admin)["total"] == 0
    assert get(api, "/api/v1/alerts?state=all&limit=1&offset=1", admin)["items"] == []
    assert api.request("GET", "/api/v1/alerts?state=closed", token=admin).status_code == 422


def test_customers_see_their_agreements_alerts_only(api: Api) -> None:
    (page,) = api.slmo.alerts.alerts()
    mine = api.token("customer", party="ministry")
    other = api.token("customer", party="bank", name="bank-token")
    assert get(api, "/api/v1/alerts", mine)["total"] == 1
    assert get(api, "/api/v1/alerts?state=all", other) == {"items": [], "total": 0, "limit": 100, "offset": 0}
    hidden = get(api, f"/api/v1/alerts/{page.id}/notifications", other, 404)
    missing = get(api, "/api/v1/alerts/999/notifications", other, 404)
    assert hidden["title"] == missing["title"]
    # Its own party's contact only: not the policy's target.
    told = get(api, f"/api/v1/alerts/{page.id}/notifications", mine)["items"]
    assert [(n["recipient"], n["lang"]) for n in told] == [("ministry/Noura", "ar")]


def test_notifications_show_the_channel_never_the_url(api: Api) -> None:
    (page,) = api.slmo.alerts.alerts()
    api.slmo.delivery.deliver_due()
    answer = api.request("GET", f"/api/v1/alerts/{page.id}/notifications", token=api.token("viewer"))
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert sorted((n["recipient"], n["channel"], n["event"], n["status"], n["attempts"]) for n in items) == [
        ("ministry/Noura", "json", "firing", "sent", 1),
        ("target/ops-hook", "json", "firing", "sent", 1),
    ]
    assert "example" not in answer.text  # the hosts of the targets
    assert items[0]["history"][0]["error"] is None and items[0]["sent_at"] == "2026-11-02T09:03:00+00:00"


@pytest.mark.parametrize(
    ("role", "party", "status"),
    [
        ("admin", None, 200),
        ("manager", None, 200),
        ("owner", "ops", 200),
        ("owner", "bank", 403),  # another party's service
        ("viewer", None, 403),
        ("customer", "ministry", 403),
    ],
)
def test_who_may_acknowledge(api: Api, role: str, party: str | None, status: int) -> None:
    (page,) = api.slmo.alerts.alerts()
    token = api.token(role, party=party, name=f"{role}-{party}")
    answer = api.request("POST", f"/api/v1/alerts/{page.id}/ack", token=token)
    assert answer.status_code == status, answer.text
    if status == 200:
        body = answer.json()
        assert (body["state"], body["acknowledged_by"]) == ("acknowledged", f"{role}-{party}")
        assert body["acknowledged_at"] == "2026-11-02T09:03:00+00:00"
        (entry,) = api.slmo.catalogue.audit("Alert", str(page.id))
        assert (entry.actor, entry.interface) == (f"{role}-{party}", "api")
    else:
        assert api.slmo.alerts.alerts()[0].state.value == "firing"


def test_acknowledging_a_missing_or_resolved_alert(api: Api) -> None:
    admin = api.token("admin")
    assert api.request("POST", "/api/v1/alerts/999/ack", token=admin).status_code == 404
    (page,) = api.slmo.alerts.alerts()
    api.clock.at = BURST + dt.timedelta(minutes=70)
    api.slmo.alerts.evaluate(api.clock.at)
    gone = api.request("POST", f"/api/v1/alerts/{page.id}/ack", token=admin)
    assert gone.status_code == 409 and gone.headers["content-type"] == "application/problem+json"
    assert api.slmo.catalogue.audit("Alert") == []
