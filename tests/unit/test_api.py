"""The REST API in process over the in-memory fakes: resources, ETags, ingestion, status,
and bad input answered with a clear 4xx and nothing changed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterator

import pytest

from slmo.api.routes.catalogue import RESOURCES
from slmo.cli.evaluation import as_json
from tests.api_support import Api, api_over
from tests.conftest import ROOT
from tests.factories import SERVICE

NEW_SERVICE = {
    "apiVersion": "slmo/v1",
    "kind": "Service",
    "metadata": {"name": "billing", "displayName": {"en": "Billing"}},
    "spec": {"owner": "ops", "tier": 2},
}


@pytest.fixture
def api() -> Iterator[Api]:
    with api_over() as made:
        yield made


@pytest.fixture
def admin(api: Api) -> str:
    return api.token("admin", name="alice-admin")


def test_openapi_and_docs_are_served(api: Api) -> None:
    spec = api.request("GET", "/openapi.json").json()
    assert "/api/v1/agreements/{name}" in spec["paths"]
    assert "/api/v1/status" in spec["paths"]
    assert api.request("GET", "/docs").status_code == 200


def test_every_route_is_in_the_docs(api: Api) -> None:
    """Resource routes are documented once as ``/api/v1/{resource}`` (and ``/{name}``); every
    other path as is (``/api/v1/agreements/{name}/history``)."""
    docs = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for route in api.request("GET", "/openapi.json").json()["paths"]:
        parts = route.split("/")
        path = route.replace("{kind}", "{events,samples,probes}")
        if len(parts) in (4, 5) and parts[3] in RESOURCES:
            assert f"`{parts[3]}`" in docs, route
            path = path.replace(parts[3], "{resource}")
        assert path in docs, f"{route} is not in docs/api.md"


def test_health_and_readiness(api: Api) -> None:
    assert api.request("GET", "/healthz").json() == {"status": "ok"}
    assert api.request("GET", "/readyz").json() == {"status": "ready"}


def test_create_read_update_with_etags_and_audit(api: Api, admin: str) -> None:
    created = api.request("POST", "/api/v1/services", token=admin, json=NEW_SERVICE)
    assert created.status_code == 201, created.text
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == "/api/v1/services/billing"
    read = api.request("GET", "/api/v1/services/billing", token=admin)
    assert read.json()["spec"] == {"owner": "ops", "tier": 2}
    changed = {**NEW_SERVICE, "spec": {"owner": "ops", "tier": 1}}
    updated = api.request(
        "PUT", "/api/v1/services/billing", token=admin, json=changed, headers={"If-Match": read.headers["etag"]}
    )
    assert updated.status_code == 200, updated.text
    assert updated.json() == {"kind": "Service", "name": "billing", "action": "changed", "revision": 2}
    entries = api.request("GET", "/api/v1/audit?kind=Service&name=billing", token=admin).json()
    assert [(e["action"], e["actor"], e["interface"]) for e in entries] == [
        ("create", "alice-admin", "api"),
        ("change", "alice-admin", "api"),
    ]


def test_update_without_if_match_is_428_and_stale_is_412(api: Api, admin: str) -> None:
    document = {**NEW_SERVICE, "metadata": {"name": "portal", "displayName": {"en": "P"}}}
    missing = api.request("PUT", "/api/v1/services/portal", token=admin, json=document)
    assert missing.status_code == 428
    assert missing.headers["content-type"] == "application/problem+json"
    first = api.request("PUT", "/api/v1/services/portal", token=admin, json=document, headers={"If-Match": '"1"'})
    assert first.status_code == 200
    stale = api.request(
        "PUT",
        "/api/v1/services/portal",
        token=admin,
        json={**document, "spec": {"owner": "ops", "tier": 3}},
        headers={"If-Match": '"1"'},
    )
    assert stale.status_code == 412
    assert api.request("GET", "/api/v1/services/portal", token=admin).json()["spec"]["owner"] == "ops"
    assert api.request("GET", "/api/v1/services/portal", token=admin).headers["etag"] == '"2"'


def test_create_twice_is_409(api: Api, admin: str) -> None:
    assert api.request("POST", "/api/v1/services", token=admin, json=NEW_SERVICE).status_code == 201
    again = api.request("POST", "/api/v1/services", token=admin, json=NEW_SERVICE)
    assert again.status_code == 409


def test_validation_speaks_as_for_yaml_with_the_field_path(api: Api, admin: str) -> None:
    document = {**NEW_SERVICE, "spec": {"owner": "ops", "tier": 2, "colour": "blue"}}
    answer = api.request("POST", "/api/v1/services", token=admin, json=document)
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["status"] == 422
    assert any("colour" in e["field"] or "colour" in e["message"] for e in problem["errors"]), problem
    assert all("line" in e for e in problem["errors"])
    broken_ref = {**NEW_SERVICE, "spec": {"owner": "nobody"}}
    answer = api.request("POST", "/api/v1/services", token=admin, json=broken_ref)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "spec.owner"
    assert api.request("GET", "/api/v1/services/billing", token=admin).status_code == 404


def test_a_document_of_another_kind_or_name_is_refused(api: Api, admin: str) -> None:
    answer = api.request("POST", "/api/v1/parties", token=admin, json=NEW_SERVICE)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "kind"
    renamed = api.request("PUT", "/api/v1/services/portal", token=admin, json=NEW_SERVICE, headers={"If-Match": '"1"'})
    assert renamed.status_code == 422
    assert renamed.json()["errors"][0]["field"] == "metadata.name"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b'{"apiVersion": "slmo/v1", "kind": ', "application/json", 422),
        (b"\xff\xfe", "application/json", 422),
        (SERVICE.format(name="x", owner="ops").encode(), "application/yaml", 415),
        (json.dumps(NEW_SERVICE).encode(), "text/plain", 415),
        (b"[1, 2]", "application/json", 422),
    ],
)
def test_bad_bodies_change_nothing(api: Api, admin: str, body: bytes, content_type: str, status: int) -> None:
    before = api.request("GET", "/api/v1/audit", token=admin).json()
    answer = api.request("POST", "/api/v1/services", token=admin, content=body, headers={"Content-Type": content_type})
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert api.request("GET", "/api/v1/audit", token=admin).json() == before


@pytest.mark.parametrize("name", ["x'; DROP TABLE catalogue_objects; --", "../../etc/passwd", "a/b", "..", " "])
def test_hostile_names_are_refused_and_change_nothing(api: Api, admin: str, name: str) -> None:
    document = {**NEW_SERVICE, "metadata": {"name": name, "displayName": {"en": "x"}}}
    answer = api.request("POST", "/api/v1/services", token=admin, json=document)
    assert answer.status_code == 422, answer.text
    names = [i["metadata"]["name"] for i in api.request("GET", "/api/v1/services", token=admin).json()["items"]]
    assert names == ["payments", "portal"]


def test_hostile_names_in_paths_are_just_not_found(api: Api, admin: str) -> None:
    for path in ["/api/v1/services/x'%20OR%20'1'='1", "/api/v1/services/..%2F..%2Fetc%2Fpasswd"]:
        assert api.request("GET", path, token=admin).status_code == 404


def test_a_huge_declared_body_is_413_before_it_is_read() -> None:
    with api_over(body_limit=1024 * 1024) as api:
        admin = api.token("admin")
        sent = 0

        async def body() -> AsyncIterator[bytes]:
            nonlocal sent
            for _ in range(100):
                sent += 1
                yield b"x" * (1024 * 1024)

        answer = api.request(
            "POST",
            "/api/v1/ingest/events?indicator=portal-requests",
            token=admin,
            content=body(),
            headers={"Content-Type": "text/csv", "Content-Length": str(100 * 1024 * 1024)},
        )
        assert answer.status_code == 413
        assert sent <= 2


def test_a_huge_chunked_body_is_413_once_past_the_limit() -> None:
    with api_over(body_limit=1024 * 1024) as api:
        admin = api.token("admin")
        sent = 0

        async def body() -> AsyncIterator[bytes]:
            nonlocal sent
            for _ in range(100):
                sent += 1
                yield b"x" * (256 * 1024)

        answer = api.request(
            "POST",
            "/api/v1/ingest/events?indicator=portal-requests",
            token=admin,
            content=body(),
            headers={"Content-Type": "text/csv"},
        )
        assert answer.status_code == 413
        assert sent < 10


def test_a_document_over_a_mebibyte_is_413(api: Api, admin: str) -> None:
    document = {**NEW_SERVICE, "spec": {"owner": "ops", "description": {"en": "x" * (1024 * 1024)}}}
    answer = api.request("POST", "/api/v1/services", token=admin, json=document)
    assert answer.status_code == 413
    assert api.request("GET", "/api/v1/services/billing", token=admin).status_code == 404


def test_lists_paginate_filter_and_sort(api: Api, admin: str) -> None:
    page = api.request("GET", "/api/v1/services?limit=1&sort=-name", token=admin).json()
    assert [i["metadata"]["name"] for i in page["items"]] == ["portal"]
    assert page["total"] == 2
    second = api.request("GET", "/api/v1/services?limit=1&offset=1&sort=-name", token=admin).json()
    assert [i["metadata"]["name"] for i in second["items"]] == ["payments"]
    assert api.request("GET", "/api/v1/agreements?party=bank", token=admin).json()["total"] == 1
    assert api.request("GET", "/api/v1/indicators?q=pay", token=admin).json()["total"] == 1
    bad = api.request("GET", "/api/v1/services?limit=0&sort=colour", token=admin)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"limit", "sort"}


def _iso(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat().replace("+00:00", "Z")


def _events_csv(start: int, minutes: int) -> str:
    rows = ["timestamp,good,total"]
    for i in range(minutes):
        rows.append(f"{_iso(start + 60 * i)},99,100")
    return "\n".join(rows) + "\n"


def test_ingest_csv_and_json_batches_then_status_has_the_cli_keys(api: Api, admin: str) -> None:
    start = int(api.clock.at.timestamp()) - 3600
    csv = api.request(
        "POST",
        "/api/v1/ingest/events?indicator=portal-requests&source=edge",
        token=admin,
        content=_events_csv(start, 30),
        headers={"Content-Type": "text/csv"},
    )
    assert csv.status_code == 200, csv.text
    assert csv.json()["written"] == 30
    rows = [{"timestamp": _iso(start + 60 * (30 + i)), "good": 100, "total": 100} for i in range(30)]
    batch = api.request("POST", "/api/v1/ingest/events?indicator=portal-requests", token=admin, json=rows)
    assert batch.status_code == 200, batch.text
    assert batch.json()["rows"] == 30
    status = api.request("GET", "/api/v1/status", token=admin).json()
    portal = next(r for r in status if r["agreement"] == "portal-sla")
    assert portal["total"] == 6000
    assert set(portal) == set(as_json(api.slmo.evaluation.status()[0]))
    past = api.request("GET", "/api/v1/status?at=2026-01-01T00:00:00Z", token=admin).json()
    assert all(r["at"] == "2026-01-01T00:00:00+00:00" for r in past)
    assert api.request("GET", "/api/v1/status?at=yesterday", token=admin).status_code == 422


def test_idempotency_keys_replay_and_refuse_reuse(api: Api, admin: str) -> None:
    start = int(api.clock.at.timestamp()) - 600
    body = _events_csv(start, 5)
    path = "/api/v1/ingest/events?indicator=portal-requests"
    headers = {"Content-Type": "text/csv", "Idempotency-Key": "batch-1"}
    first = api.request("POST", path, token=admin, content=body, headers=headers)
    again = api.request("POST", path, token=admin, content=body, headers=headers)
    assert first.json() == again.json()
    audit = api.request("GET", "/api/v1/audit?kind=Measurements", token=admin).json()
    assert len(audit) == 1
    other = api.request("POST", path, token=admin, content=_events_csv(start, 4), headers=headers)
    assert other.status_code == 409


def test_bad_rows_are_a_problem_with_their_line_and_nothing_is_written(api: Api, admin: str) -> None:
    answer = api.request(
        "POST",
        "/api/v1/ingest/events?indicator=portal-requests",
        token=admin,
        content="timestamp,good,total\n2026-11-02T10:00:00Z,5,4\nnot-a-time,1,1\n",
        headers={"Content-Type": "text/csv"},
    )
    assert answer.status_code == 422
    assert {e["line"] for e in answer.json()["errors"]} == {2, 3}
    assert api.request("GET", "/api/v1/audit?kind=Measurements", token=admin).json() == []


def test_ingest_unknown_indicator_is_404(api: Api, admin: str) -> None:
    answer = api.request("POST", "/api/v1/ingest/events?indicator=nope", token=admin, json=[], headers={})
    assert answer.status_code == 404


def test_evaluations_history(api: Api, admin: str) -> None:
    api.slmo.evaluation.evaluate()
    rows = api.request("GET", "/api/v1/evaluations?objective=portal-sla/success", token=admin).json()
    assert [(r["agreement"], r["objective"]) for r in rows] == [("portal-sla", "success")]
