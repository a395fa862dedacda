"""/api/v1/proposals over the example catalogue in memory at 26 November 2026, with a year of the
portal's requests at 99.88 % (``tests/unit/test_proposals.py`` works the figures): the same
proposal as the command line, behind the walls, with If-Match on every decision."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api_support import Api, FixedClock
from tests.negotiation_support import NOW, example_slmo
from tests.proposal_support import portal_requests


@pytest.fixture
def api() -> Iterator[Api]:
    clock = FixedClock(NOW)
    with example_slmo(clock) as slmo:
        portal_requests(slmo, lambda d: 12)
        yield Api(slmo, clock)


def test_draft_read_and_accept_with_if_match(api: Api) -> None:
    manager = api.token("manager")
    drafted = api.request("POST", "/api/v1/proposals", token=manager, json={"period": "2027"})
    assert drafted.status_code == 200, drafted.text
    (change,) = drafted.json()["changes"]
    proposal = change["proposal"]
    assert (change["outcome"], proposal["kind"], proposal["agreement"], proposal["objective"]) == (
        "created",
        "relax_target",
        "eportal-sla",
        "success-rate",
    )
    assert proposal["change"]["target"] == {"objective": "success-rate", "before": 0.999, "after": 0.9985}
    assert proposal["effect"]["credits_per_year_before"] == "150000.00"
    assert proposal["effect"]["credits_per_year_after"] == "0.00"
    again = api.request("POST", "/api/v1/proposals", token=manager, json={"period": "2027"}).json()
    assert [c["outcome"] for c in again["changes"]] == ["unchanged"]

    one = api.request("GET", f"/api/v1/proposals/{proposal['id']}", token=api.token("viewer"))
    assert (one.status_code, one.headers["etag"], one.json()["status"]) == (200, '"1"', "draft")
    path = f"/api/v1/proposals/{proposal['id']}/accept"
    assert api.request("POST", path, token=manager).status_code == 428
    stale = api.request("POST", path, token=manager, headers={"If-Match": '"7"'})
    assert stale.status_code == 412 and "at revision 1, not 7" in stale.json()["detail"]
    assert api.slmo.negotiation.agreement("eportal-sla").latest_version().number == 1  # type: ignore[union-attr]
    accepted = api.request("POST", path, token=manager, headers={"If-Match": one.headers["etag"]}, json={})
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert (body["status"], body["draft_version"], body["decided_by"], accepted.headers["etag"]) == (
        "accepted",
        2,
        "manager-token",
        '"2"',
    )
    (step,) = api.slmo.negotiation.history("eportal-sla", 2)
    assert (step.kind.value, step.party, step.interface) == ("drafted", "it-operations", "api")
    twice = api.request("POST", path, token=manager, headers={"If-Match": '"2"'})
    assert twice.status_code == 409 and "only a draft is accepted or rejected" in twice.json()["detail"]


def test_refusals_and_walls(api: Api) -> None:
    admin = api.token("admin")
    bad = api.request("POST", "/api/v1/proposals", token=admin, json={"period": "soon"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "period"
    api.request("POST", "/api/v1/proposals", token=admin, json={"period": "2027"})
    (proposal,) = api.request("GET", "/api/v1/proposals?status=draft", token=admin).json()["items"]
    wrong = api.request("GET", "/api/v1/proposals?status=pending", token=admin)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "status"
    path = f"/api/v1/proposals/{proposal['id']}"

    # The ministry reads its own agreement's proposal, and decides nothing.
    ministry = api.token("customer", party="ministry")
    assert api.request("GET", "/api/v1/proposals", token=ministry).json()["total"] == 1
    assert api.request("GET", path, token=ministry).status_code == 200
    for call in ("accept", "reject"):
        refused = api.request("POST", f"{path}/{call}", token=ministry, json={"reason": "no"})
        assert refused.status_code == 403
    assert api.request("POST", "/api/v1/proposals", token=ministry, json={"period": "2027"}).status_code == 403
    # Nimbus, the cloud supplier, sees none of the portal SLA's.
    nimbus = api.token("customer", party="nimbus-cloud", name="nimbus")
    assert api.request("GET", "/api/v1/proposals", token=nimbus).json()["total"] == 0
    assert api.request("GET", path, token=nimbus).status_code == 404
    assert api.request("GET", "/api/v1/proposals/99", token=admin).status_code == 404

    empty = api.request("POST", f"{path}/reject", token=admin, json={"reason": " "}, headers={"If-Match": '"1"'})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "reason"
    done = api.request(
        "POST", f"{path}/reject", token=admin, json={"reason": "Not this year"}, headers={"If-Match": '"1"'}
    )
    assert (done.status_code, done.json()["status"], done.json()["reason"]) == (200, "rejected", "Not this year")
    listed = api.request("GET", "/api/v1/proposals?status=rejected&period=2027", token=ministry).json()
    assert [p["id"] for p in listed["items"]] == [proposal["id"]]
