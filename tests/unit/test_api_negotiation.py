"""The negotiation over the API, on the example SLA: a manager speaks for the provider
(it-operations), a customer token of the ministry for the ministry; the walls between them,
and each refusal with nothing changed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.api_support import Api, FixedClock
from tests.negotiation_support import ADMIN, NOW, add_draft, example_slmo, snapshot

DECEMBER = {"effective": {"from": "2026-12-01"}}
V = "/api/v1/agreements/eportal-sla/versions"


@pytest.fixture
def api() -> Iterator[Api]:
    clock = FixedClock(NOW)
    with example_slmo(clock) as slmo:
        yield Api(slmo, clock)


@pytest.fixture
def tokens(api: Api) -> dict[str, str]:
    return {
        "manager": api.token("manager", name="faisal-token"),
        "ministry": api.token("customer", party="ministry", name="noura-token"),
        "network": api.token("customer", party="network-team", name="network-token"),
        "owner": api.token("owner", party="it-operations", name="owner-token"),
        "viewer": api.token("viewer", name="viewer-token"),
    }


def post(api: Api, token: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
    return api.request("POST", path, token=token, json=body)


def test_a_version_negotiated_over_the_api(api: Api, tokens: dict[str, str]) -> None:
    number = add_draft(api.slmo, edits={"objectives.availability.target": 0.995}, **DECEMBER)
    done = post(api, tokens["manager"], f"{V}/{number}/propose", {"comment": "99.5 % from December"})
    assert done.status_code == 200, done.text
    assert (done.json()["version"], done.json()["state"]) == (2, "proposed")
    assert done.json()["steps"][0] | {"at": None, "id": None} == {
        "id": None,
        "agreement": "eportal-sla",
        "version": 2,
        "step": "proposed",
        "state": "proposed",
        "actor": "faisal-token",
        "party": "it-operations",
        "interface": "api",
        "at": None,
        "comment": "99.5 % from December",
        "related_version": None,
        "signatory": None,
    }
    countered = post(
        api,
        tokens["ministry"],
        f"{V}/2/counter",
        {"set": {"objectives.availability.target": 0.999}, "comment": "The portal needs 99.9 %"},
    )
    assert countered.status_code == 201, countered.text
    assert (countered.json()["version"], countered.json()["state"]) == (3, "proposed")
    assert countered.headers["location"] == "/api/v1/agreements/eportal-sla/versions/3/diff?against=2"
    diff = api.request("GET", f"{V}/3/diff", token=tokens["ministry"])
    assert diff.json() == {
        "agreement": "eportal-sla",
        "before": 2,
        "after": 3,
        "changes": [{"field": "objectives.availability.target", "change": "changed", "before": 0.995, "after": 0.999}],
    }
    assert api.request("GET", f"{V}/3/diff?against=1", token=tokens["viewer"]).json()["changes"][0]["field"] == (
        "effective.from"
    )
    assert post(api, tokens["manager"], f"{V}/3/comment", {"comment": "We can live with it"}).status_code == 201
    first = post(api, tokens["manager"], f"{V}/3/approve")
    assert (first.json()["state"], first.json()["steps"][0]["signatory"]) == ("proposed", "Faisal Al-Harbi")
    last = post(api, tokens["ministry"], f"{V}/3/approve", {"comment": "Approved by the deputy minister"})
    assert last.json()["state"] == "agreed"
    api.clock.at = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
    active = post(api, tokens["manager"], f"{V}/3/activate")
    assert active.status_code == 200, active.text
    assert [(s["version"], s["step"], s["related_version"]) for s in active.json()["steps"]] == [
        (3, "activated", 1),
        (1, "superseded", 3),
    ]
    history = api.request("GET", "/api/v1/agreements/eportal-sla/history", token=tokens["ministry"]).json()
    assert [(s["version"], s["step"], s["party"], s["actor"]) for s in history["items"]][1:] == [
        (2, "drafted", None, "tester"),
        (2, "proposed", "it-operations", "faisal-token"),
        (2, "countered", "ministry", "noura-token"),
        (3, "proposed", "ministry", "noura-token"),
        (3, "commented", "it-operations", "faisal-token"),
        (3, "approved", "it-operations", "faisal-token"),
        (3, "approved", "ministry", "noura-token"),
        (3, "activated", "it-operations", "faisal-token"),
        (1, "superseded", "it-operations", "faisal-token"),
    ]
    only_three = api.request("GET", "/api/v1/agreements/eportal-sla/history?version=3", token=tokens["viewer"])
    assert {s["version"] for s in only_three.json()["items"]} == {3} and only_three.json()["total"] == 5
    audit = api.slmo.catalogue.audit(kind="Negotiation")
    assert {(e.interface, e.actor) for e in audit} == {("api", "faisal-token"), ("api", "noura-token")}


def test_who_speaks_for_which_party(api: Api, tokens: dict[str, str]) -> None:
    number = add_draft(api.slmo, **DECEMBER)
    post(api, tokens["manager"], f"{V}/{number}/propose")
    held = snapshot(api.slmo)
    refusals = [
        # A customer speaks for its own party only; staff for the provider only.
        (tokens["ministry"], f"{V}/2/approve", {"party": "it-operations"}, 403, "error.negotiation_other_party"),
        (tokens["manager"], f"{V}/2/approve", {"party": "ministry"}, 403, "error.negotiation_staff_party"),
        # Customers neither propose nor activate; owners and viewers take no step.
        (tokens["ministry"], f"{V}/2/activate", None, 403, "error.negotiation_role"),
        (tokens["owner"], f"{V}/2/comment", {"comment": "hi"}, 403, "error.negotiation_role"),
        (tokens["viewer"], f"{V}/2/approve", None, 403, "error.negotiation_role"),
        # Another party's agreement is not found, exactly as a missing one.
        (tokens["network"], f"{V}/2/approve", None, 404, "error.object_not_found"),
        (tokens["network"], f"{V}/2/comment", {"comment": "hi"}, 404, "error.object_not_found"),
    ]
    for token, path, body, status, key in refusals:
        answer = post(api, token, path, body)
        assert (answer.status_code, answer.headers["content-type"]) == (status, "application/problem+json"), (
            path,
            answer.text,
        )
        assert key in answer.text or status == 404, answer.text
    for path in ("/api/v1/agreements/eportal-sla/history", f"{V}/2/diff", f"{V}/1/evidence?objective=availability"):
        hidden = api.request("GET", path, token=tokens["network"])
        missing = api.request("GET", path.replace("eportal-sla", "no-such-sla"), token=tokens["network"])
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json()["title"] == missing.json()["title"]
    assert snapshot(api.slmo) == held


def test_the_bad_input_of_the_issue_over_the_api(api: Api, tokens: dict[str, str]) -> None:
    number = add_draft(api.slmo, **DECEMBER)
    post(api, tokens["manager"], f"{V}/{number}/propose")
    post(api, tokens["ministry"], f"{V}/{number}/approve")
    held = snapshot(api.slmo)
    # Activating a version the provider has not approved.
    api.clock.at = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
    refused = post(api, tokens["manager"], f"{V}/{number}/activate")
    assert refused.status_code == 409
    assert "version 2 is proposed, not agreed" in refused.json()["detail"]
    assert snapshot(api.slmo) == held
    # Overlapping effective dates.
    overlapping = add_draft(api.slmo, effective={"from": "2025-12-01"})
    held = snapshot(api.slmo)
    refused = post(api, tokens["manager"], f"{V}/{overlapping}/propose")
    assert refused.status_code == 409 and "overlaps version 1" in refused.json()["detail"]
    # An empty comment, a bad edit, a body of another shape.
    assert post(api, tokens["ministry"], f"{V}/{number}/comment", {"comment": " "}).status_code == 422
    bad = post(api, tokens["ministry"], f"{V}/{number}/counter", {"set": {"objectives.availability.target": 2}})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].endswith("objectives[0].target")
    assert post(api, tokens["ministry"], f"{V}/{number}/approve", {"nonsense": 1}).status_code == 422
    assert snapshot(api.slmo) == held


def test_the_evidence_over_the_api(api: Api, tokens: dict[str, str]) -> None:
    found = api.request(
        "GET", f"{V}/1/evidence?objective=success-rate&periods=3&target=0.998", token=tokens["ministry"]
    )
    assert found.status_code == 200, found.text
    body = found.json()
    assert (body["version"], body["target"], body["unit"], body["measured"]) == (1, 0.998, "M", 0)
    assert [p["period"] for p in body["periods"]] == ["2026-08", "2026-09", "2026-10"]
    assert [c["periods_needed"] for c in body["confidence"]] == [9, 19, 99]
    assert api.request("GET", f"{V}/1/evidence?objective=nothing", token=tokens["viewer"]).status_code == 404
    assert api.request(
        "GET", f"{V}/1/evidence?objective=success-rate&periods=0", token=tokens["viewer"]
    ).status_code == (422)


def test_the_staff_of_an_agreement_with_several_providers_name_one(api: Api, tokens: dict[str, str]) -> None:
    document = api.slmo.codec.dump_one(api.slmo.negotiation.agreement("eportal-sla"))
    document["spec"]["parties"].append({"party": "nimbus-cloud", "role": "provider"})
    api.slmo.catalogue.apply(api.slmo.codec.load_text(json.dumps(document, default=str), "sla.json"), ADMIN)
    number = add_draft(api.slmo, **DECEMBER)
    several = post(api, tokens["manager"], f"{V}/{number}/propose")
    assert several.status_code == 422
    assert "has several providers (it-operations, nimbus-cloud); name one" in several.text
    named = post(api, tokens["manager"], f"{V}/{number}/propose", {"party": "nimbus-cloud"})
    assert named.status_code == 200 and named.json()["steps"][0]["party"] == "nimbus-cloud"
    # The same token has now spoken for nimbus-cloud: it may not speak for it-operations as well.
    other = post(api, tokens["manager"], f"{V}/{number}/approve", {"party": "it-operations"})
    assert other.status_code == 403 and "may not act for it-operations" in other.text
