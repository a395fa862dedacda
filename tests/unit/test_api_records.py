"""Procedures, reviews and improvement actions over the API: documents through the catalogue's
routes, a review recorded with its actions, refusals as problems with nothing changed, and an
action's attainment before and after once done. The walls are in ``test_api_wall_matrix``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.api_support import NOW, Api, api_over
from tests.factories import PROCEDURE


@pytest.fixture
def api() -> Iterator[Api]:
    with api_over() as made:
        yield made


def procedure(api: Api, admin: str) -> None:
    (loaded,) = api.slmo.codec.load_text(
        PROCEDURE.format(name="portal-runbook", owner="ops", service="portal"), "p.yaml"
    )
    document = api.slmo.codec.dump_one(loaded.obj)
    made = api.request("POST", "/api/v1/procedures", token=admin, json=document)
    assert made.status_code == 201, made.text


def test_procedures_through_the_catalogue_routes(api: Api) -> None:
    admin = api.token("admin")
    procedure(api, admin)
    read = api.request("GET", "/api/v1/procedures/portal-runbook", token=admin)
    assert read.status_code == 200 and read.headers["etag"] == '"1"'
    assert read.json()["spec"] == {
        "type": "runbook",
        "owner": "ops",
        "services": ["portal"],
        "review": {"everyMonths": 6},
    }
    past = dict(read.json())
    past["spec"] = {**past["spec"], "nextReview": "2026-11-01"}
    refused = api.request(
        "PUT", "/api/v1/procedures/portal-runbook", token=admin, json=past, headers={"If-Match": read.headers["etag"]}
    )
    assert refused.status_code == 422
    assert "the next review date 2026-11-01 is in the past" in refused.text
    customer = api.token("customer", party="ministry")
    assert [
        d["metadata"]["name"] for d in api.request("GET", "/api/v1/procedures", token=customer).json()["items"]
    ] == ["portal-runbook"]


def test_a_review_with_its_actions_and_the_register(api: Api) -> None:
    admin = api.token("admin")
    procedure(api, admin)
    today = NOW.date().isoformat()
    body = {
        "subject": "procedure/portal-runbook",
        "date": today,
        "attendees": ["Omar"],
        "findings": ["The restore step is untested"],
        "decisions": ["Test restores monthly"],
        "actions": [{"title": "Test a restore", "objectives": ["portal-sla/success"]}],
    }
    made = api.request("POST", "/api/v1/reviews", token=admin, json=body)
    assert made.status_code == 201, made.text
    review = made.json()
    assert review["subject"] == "Procedure/portal-runbook" and review["next_review"] == "2027-05-02"
    assert made.headers["location"] == f"/api/v1/reviews/{review['id']}"
    (action_id,) = review["actions"]
    assert api.request("GET", f"/api/v1/reviews/{review['id']}", token=admin).json() == review
    schedule = api.request("GET", "/api/v1/reviews/schedule", token=admin).json()["items"]
    runbook = next(r for r in schedule if r["subject"] == "Procedure/portal-runbook")
    assert (runbook["last_review_id"], runbook["next_review"], runbook["state"]) == (
        review["id"],
        "2027-05-02",
        "scheduled",
    )

    action = api.request("GET", f"/api/v1/actions/{action_id}", token=admin).json()
    assert (action["owner"], action["due"], action["origin"], action["effects"]) == (
        "ops",
        "2027-05-02",
        f"review:{review['id']}",
        [],
    )
    going = api.request("PATCH", f"/api/v1/actions/{action_id}", token=admin, json={"status": "in_progress"})
    assert going.status_code == 200 and going.json()["status"] == "in_progress"
    assert [a["id"] for a in api.request("GET", "/api/v1/actions?open=true", token=admin).json()["items"]] == [
        action_id
    ]
    done_at = (NOW - dt.timedelta(hours=1)).isoformat()
    done = api.request("PATCH", f"/api/v1/actions/{action_id}", token=admin, json={"status": "done", "doneAt": done_at})
    assert done.status_code == 200 and done.json()["done_at"] == done_at
    (effect,) = api.request("GET", f"/api/v1/actions/{action_id}", token=admin).json()["effects"]
    assert effect["objective"] == "portal-sla/success" and effect["seconds"] == 3600
    assert effect["before"]["end"] == effect["after"]["start"] == done_at
    again = api.request("PATCH", f"/api/v1/actions/{action_id}", token=admin, json={"status": "open"})
    assert again.status_code == 409 and "cannot go from done to open" in again.text


def test_bad_input_is_a_problem_and_changes_nothing(api: Api) -> None:
    admin = api.token("admin")
    audit = len(api.slmo.catalogue.audit())
    yesterday = (NOW.date() - dt.timedelta(days=1)).isoformat()
    past = api.request(
        "POST",
        "/api/v1/reviews",
        token=admin,
        json={"subject": "portal-sla", "date": yesterday, "nextReview": yesterday},
    )
    assert past.status_code == 422 and past.headers["content-type"].startswith("application/problem+json")
    assert f"the next review date {yesterday} is in the past" in past.text
    late = {"title": "x", "origin": "trend:y", "owner": "ops", "due": yesterday}
    assert api.request("POST", "/api/v1/actions", token=admin, json=late).status_code == 422
    unknown = {"title": "x", "origin": "incident:1", "owner": "ops", "due": "2027-01-01"}
    assert api.request("POST", "/api/v1/actions", token=admin, json=unknown).status_code == 422
    extra = {"subject": "portal-sla", "date": yesterday, "attendes": []}
    assert api.request("POST", "/api/v1/reviews", token=admin, json=extra).status_code == 422
    assert api.request("PATCH", "/api/v1/actions/41", token=admin, json={"status": "done"}).status_code == 404
    assert api.request("GET", "/api/v1/reviews", token=admin).json()["total"] == 0
    assert api.request("GET", "/api/v1/actions", token=admin).json()["total"] == 0
    assert len(api.slmo.catalogue.audit()) == audit
