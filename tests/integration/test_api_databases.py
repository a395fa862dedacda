"""The API over real databases (SQLite, and PostgreSQL when reachable): tokens kept as
hashes in the api_tokens table, ETags from the store's revisions, walls, readiness."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api_support import ADMIN, Api, api_over


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    with api_over(db_url) as made:
        yield made


def test_tokens_round_trip_through_the_database(api: Api) -> None:
    secret = api.token("customer", party="ministry", name="ministry-portal")
    (token,) = api.slmo.auth.list()
    assert (token.name, token.role.value, token.party) == ("ministry-portal", "customer", "ministry")
    assert secret not in repr(token)
    assert api.request("GET", "/api/v1/agreements/portal-sla", token=secret).status_code == 200
    assert api.request("GET", "/api/v1/agreements/payments-sla", token=secret).status_code == 404
    api.slmo.auth.revoke(token.id, ADMIN)
    assert api.request("GET", "/api/v1/agreements/portal-sla", token=secret).status_code == 401


def test_etags_follow_the_store_revision(api: Api) -> None:
    admin = api.token("admin")
    read = api.request("GET", "/api/v1/services/portal", token=admin)
    document = read.json()
    document["spec"]["tier"] = 2
    first = api.request(
        "PUT", "/api/v1/services/portal", token=admin, json=document, headers={"If-Match": read.headers["etag"]}
    )
    assert first.status_code == 200, first.text
    document["spec"]["tier"] = 3
    stale = api.request(
        "PUT", "/api/v1/services/portal", token=admin, json=document, headers={"If-Match": read.headers["etag"]}
    )
    assert stale.status_code == 412
    assert api.request("GET", "/api/v1/services/portal", token=admin).json()["spec"]["tier"] == 2


def test_ready_and_status(api: Api) -> None:
    assert api.request("GET", "/readyz").json() == {"status": "ready"}
    rows = api.request("GET", "/api/v1/status", token=api.token("viewer")).json()
    assert {r["agreement"] for r in rows} == {"portal-sla", "payments-sla"}
