"""The walls between roles, walked over every endpoint: who may read and write what, and
that another party's objects answer 404 (never 403) so their existence does not leak."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.api_support import ADMIN, Api, api_over

READS = [
    "/api/v1/services",
    "/api/v1/parties",
    "/api/v1/calendars",
    "/api/v1/indicators",
    "/api/v1/agreements",
    "/api/v1/status",
    "/api/v1/evaluations",
]
BANK_OBJECTS = [
    "/api/v1/agreements/payments-sla",
    "/api/v1/services/payments",
    "/api/v1/indicators/payments-requests",
    "/api/v1/parties/bank",
]
MINISTRY_OBJECTS = [
    "/api/v1/agreements/portal-sla",
    "/api/v1/services/portal",
    "/api/v1/indicators/portal-requests",
    "/api/v1/parties/ministry",
    "/api/v1/calendars/office",
]
SERVICE = {
    "apiVersion": "slmo/v1",
    "kind": "Service",
    "metadata": {"name": "billing", "displayName": {"en": "Billing"}},
    "spec": {"owner": "ops"},
}


@pytest.fixture
def api() -> Iterator[Api]:
    with api_over() as made:
        yield made


def names(api: Api, path: str, token: str) -> list[str]:
    return [i["metadata"]["name"] for i in api.request("GET", path, token=token).json()["items"]]


def test_a_customer_sees_only_its_agreements_and_what_they_cover(api: Api) -> None:
    ministry = api.token("customer", party="ministry")
    assert names(api, "/api/v1/agreements", ministry) == ["portal-sla"]
    assert names(api, "/api/v1/services", ministry) == ["portal"]
    assert names(api, "/api/v1/indicators", ministry) == ["portal-requests"]
    assert names(api, "/api/v1/parties", ministry) == ["ministry"]
    assert names(api, "/api/v1/calendars", ministry) == ["office"]
    rows = api.request("GET", "/api/v1/status", token=ministry).json()
    assert {r["agreement"] for r in rows} == {"portal-sla"}
    api.slmo.evaluation.evaluate()
    history = api.request("GET", "/api/v1/evaluations", token=ministry).json()
    assert {r["agreement"] for r in history} == {"portal-sla"}
    own = api.request("GET", "/api/v1/history?objective=portal-sla/success&period=2026-10", token=ministry)
    assert [r["agreement"] for r in own.json()] == ["portal-sla"]
    other = api.request("GET", "/api/v1/history?objective=payments-sla/success&period=2026-10", token=ministry)
    assert other.status_code == 404
    for path in MINISTRY_OBJECTS:
        assert api.request("GET", path, token=ministry).status_code == 200, path


@pytest.mark.parametrize("path", BANK_OBJECTS)
def test_another_partys_objects_are_404_like_missing_ones(api: Api, path: str) -> None:
    ministry = api.token("customer", party="ministry")
    hidden = api.request("GET", path, token=ministry)
    missing = api.request("GET", path + "-nothing", token=ministry)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json().keys() == missing.json().keys()
    assert hidden.json()["title"] == missing.json()["title"]


@pytest.mark.parametrize("role", ["viewer", "customer", "manager", "owner", "admin"])
def test_every_role_reads_the_lists(api: Api, role: str) -> None:
    token = api.token(role, party="ops" if role == "owner" else "ministry" if role == "customer" else None)
    for path in READS:
        assert api.request("GET", path, token=token).status_code == 200, (role, path)


@pytest.mark.parametrize(
    ("role", "party", "kind_path", "allowed"),
    [
        ("viewer", None, "/api/v1/services", False),
        ("customer", "ministry", "/api/v1/services", False),
        ("manager", None, "/api/v1/services", False),
        ("owner", "ops", "/api/v1/services", True),
        ("owner", "ministry", "/api/v1/services", False),
        ("admin", None, "/api/v1/services", True),
    ],
)
def test_who_may_create_a_service(api: Api, role: str, party: str | None, kind_path: str, allowed: bool) -> None:
    token = api.token(role, party=party)
    answer = api.request("POST", kind_path, token=token, json=SERVICE)
    assert answer.status_code == (201 if allowed else 403), answer.text
    exists = api.request("GET", "/api/v1/services/billing", token=api.token("admin")).status_code
    assert exists == (200 if allowed else 404)


@pytest.mark.parametrize("role", ["viewer", "customer", "owner"])
def test_only_managers_and_admins_change_agreements(api: Api, role: str) -> None:
    token = api.token(role, party="ops" if role == "owner" else "ministry" if role == "customer" else None)
    admin = api.token("admin")
    document = api.request("GET", "/api/v1/agreements/portal-sla", token=admin).json()
    answer = api.request(
        "PUT", "/api/v1/agreements/portal-sla", token=token, json=document, headers={"If-Match": '"1"'}
    )
    assert answer.status_code == 403
    manager = api.token("manager")
    document["metadata"]["displayName"] = {"en": "Renamed"}
    ok = api.request("PUT", "/api/v1/agreements/portal-sla", token=manager, json=document, headers={"If-Match": '"1"'})
    assert ok.status_code == 200, ok.text


def test_viewer_and_customer_cannot_ingest_and_customer_cannot_read_the_audit(api: Api) -> None:
    for token in (api.token("viewer"), api.token("customer", party="ministry")):
        answer = api.request("POST", "/api/v1/ingest/events?indicator=portal-requests", token=token, json=[])
        assert answer.status_code == 403
    assert api.request("GET", "/api/v1/audit", token=api.token("customer", party="ministry")).status_code == 403
    assert api.request("GET", "/api/v1/audit", token=api.token("viewer")).status_code == 200


def test_unknown_expired_and_revoked_tokens_are_401_alike(api: Api) -> None:
    revoked = api.token("admin", name="old")
    assert api.request("GET", "/api/v1/services", token=revoked).status_code == 200
    api.slmo.auth.revoke(revoked.split("_")[1], ADMIN)
    _, expired = api.slmo.auth.create("viewer", ADMIN, expires_at=api.clock.at + dt.timedelta(minutes=1))
    api.clock.at += dt.timedelta(minutes=2)
    answers = [
        api.request("GET", "/api/v1/services", token=secret)
        for secret in (revoked, expired, "slmo_00000000_" + "A" * 43, "nonsense", "")
    ]
    answers.append(api.request("GET", "/api/v1/services"))
    answers.append(api.request("GET", "/api/v1/services", headers={"Authorization": "Basic YTpi"}))
    assert {a.status_code for a in answers} == {401}
    assert len({a.text for a in answers}) == 1
    assert all(a.headers["www-authenticate"] == "Bearer" for a in answers)


def _documents() -> dict[str, str]:
    from tests.factories import AGREEMENT, CALENDAR, INDICATOR, PARTY
    from tests.factories import SERVICE as SERVICE_YAML

    return {
        "parties": PARTY.format(name="newco", type="supplier"),
        "calendars": CALENDAR.format(name="night", zone="Europe/Paris"),
        "services": SERVICE_YAML.format(name="billing", owner="ops"),
        "indicators": INDICATOR.format(name="portal-latency", service="portal"),
        "agreements": AGREEMENT.format(
            name="portal-ola",
            party="ministry",
            service="portal",
            indicator="portal-requests",
            target="0.99",
            calendar="office",
        ),
    }


# Which resources each role may create (owner: its party "ops" owns the service created).
CREATES = {
    "admin": {"parties", "calendars", "services", "indicators", "agreements"},
    "manager": {"agreements"},
    "owner": {"services"},
    "viewer": set(),
    "customer": set(),
}


@pytest.mark.parametrize("role", sorted(CREATES))
def test_every_role_on_every_create(api: Api, role: str) -> None:
    token = api.token(role, party={"owner": "ops", "customer": "ministry"}.get(role))
    for resource, text in _documents().items():
        (loaded,) = api.slmo.codec.load_text(text, f"{resource}.yaml")
        body = api.slmo.codec.dump_one(loaded.obj)
        answer = api.request("POST", f"/api/v1/{resource}", token=token, json=body)
        expected = 201 if resource in CREATES[role] else 403
        assert answer.status_code == expected, (role, resource, answer.text)
