"""/api/v1/claims and /api/v1/impact over the example catalogue with GitHub's contract
(``tests/supplier_support.py``) and the outage of ``tests/unit/test_impact_service.py``: the same
figures as the services, behind the walls, claims moved with ``If-Match``.

GitHub Actions down 15:05 on 6 August 2026 to 00:14 on 7 August: 549 of 44,640 minutes, an
uptime of 98.7702 %, below 99 %: 25 % of 21,000 USD = 5,250.00 USD, claimed by 30 September.
The pipeline down 15:20-23:50 (510 minutes), all of it while GitHub was failing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest

from tests.api_support import Api
from tests.report_support import ACTOR, FixedClock
from tests.supplier_support import supplier_world

LOG = """id,service,start,end,impact
PIPE-0,release-pipeline,2026-07-01T00:00:00Z,2026-07-01T00:01:00Z,outage
PIPE-1,release-pipeline,2026-08-06T15:20:00Z,2026-08-06T23:50:00Z,outage
GH-0,github-actions,2026-07-01T00:00:00Z,2026-07-01T00:01:00Z,outage
GH-1,github-actions,2026-08-06T15:05:00Z,2026-08-07T00:14:00Z,outage
"""
BREACH = "release-sla/availability@2026-08-07T00:00:00Z"


@pytest.fixture
def api() -> Iterator[Api]:
    clock = FixedClock(dt.datetime(2026, 9, 20, 9, 0, tzinfo=dt.UTC))
    with supplier_world(clock) as slmo:
        slmo.ingest.incidents(io.BytesIO(LOG.encode()), "log.csv", ACTOR)
        for at in ("2026-08-06T12:00:00+00:00", "2026-08-07T00:00:00+00:00", "2026-09-01T01:00:00+00:00"):
            slmo.evaluation.evaluate(dt.datetime.fromisoformat(at), "release-sla/availability")
        slmo.credits.compute("2026-08", ACTOR)
        yield Api(slmo, clock)


def test_claims_are_listed_with_their_deadline_and_moved_with_if_match(api: Api) -> None:
    manager = api.token("manager")
    page = api.request("GET", "/api/v1/claims?within=14", token=api.token("viewer")).json()
    assert page["total"] == 1
    (claim,) = page["items"]
    assert {k: claim[k] for k in ("id", "supplier", "amount", "currency", "status", "file_by", "urgency")} == {
        "id": 1,
        "supplier": "github",
        "amount": "5250.00",
        "currency": "USD",
        "status": "due",
        "file_by": "2026-09-30",
        "urgency": "soon",
    }
    # 20 September 09:00 to 1 October 00:00: 10 days 15 hours, 11 days rounded up.
    assert (claim["deadline"], claim["days_left"]) == ("2026-10-01T00:00:00+00:00", 11)
    one = api.request("GET", "/api/v1/claims/1", token=manager)
    assert (one.status_code, one.headers["etag"]) == (200, '"1"')
    # No If-Match: 428; a stale one: 412; nothing moves.
    assert api.request("POST", "/api/v1/claims/1/file", token=manager).status_code == 428
    stale = api.request("POST", "/api/v1/claims/1/file", token=manager, headers={"If-Match": '"7"'})
    assert stale.status_code == 412 and stale.headers["content-type"].startswith("application/problem+json")
    filed = api.request(
        "POST", "/api/v1/claims/1/file", token=manager, headers={"If-Match": '"1"'}, json={"reference": "GH-4411"}
    )
    assert filed.status_code == 200, filed.text
    assert (filed.json()["status"], filed.json()["reference"], filed.headers["etag"]) == ("filed", "GH-4411", '"2"')
    # Rejecting takes the supplier's reason.
    rejected = api.request(
        "POST", "/api/v1/claims/1/reject", token=manager, headers={"If-Match": '"2"'}, json={"reason": "late logs"}
    )
    assert (rejected.json()["status"], rejected.json()["reason"]) == ("rejected", "late logs")
    again = api.request("POST", "/api/v1/claims/1/accept", token=manager, headers={"If-Match": '"3"'})
    assert again.status_code == 409 and "claim 1 is rejected; it cannot be accepted" in again.json()["detail"]
    assert api.request("GET", "/api/v1/claims?status=rejected", token=manager).json()["total"] == 1
    bad = api.request("GET", "/api/v1/claims?status=owed", token=manager)
    assert bad.status_code == 422 and "'owed' is not a claim status" in bad.text
    unknown = api.request("POST", "/api/v1/claims/1/cancel", token=manager, headers={"If-Match": '"3"'})
    assert unknown.status_code == 422


def test_claims_behind_the_walls(api: Api) -> None:
    customer = api.token("customer", party="ministry")
    owner = api.token("owner", party="it-operations")
    viewer = api.token("viewer")
    for token in (customer, owner):
        assert api.request("GET", "/api/v1/claims", token=token).status_code == 403
        assert api.request("GET", "/api/v1/claims/1", token=token).status_code == 403
    # A viewer reads but may not move a claim, with or without If-Match.
    assert api.request("GET", "/api/v1/claims/1", token=viewer).status_code == 200
    assert api.request("POST", "/api/v1/claims/1/file", token=viewer).status_code == 403
    assert api.request("POST", "/api/v1/claims/1/file", token=viewer, headers={"If-Match": '"1"'}).status_code == 403
    assert api.request("GET", "/api/v1/claims/99", token=viewer).status_code == 404


def test_impact_of_a_breach_a_service_and_a_period(api: Api) -> None:
    owner = api.token("owner", party="it-operations")
    found = api.request("GET", f"/api/v1/impact?breach={BREACH}", token=owner)
    assert found.status_code == 200, found.text
    breach = found.json()["breach"]
    assert (breach["bad_seconds"], breach["explained_seconds"], breach["explained_share"]) == (30_600, 30_600, 1.0)
    assert breach["caused_by"] == ["github"] and breach["causes"][0]["incidents"] == ["GH-1"]
    service = api.request("GET", "/api/v1/impact?service=release-pipeline&period=2026-08", token=owner).json()
    weakest = service["service"]["weakest_link"]["weakest"]
    assert (weakest["name"], weakest["objective"]) == ("github", "github-uc/uptime")
    assert weakest["attainment"] == pytest.approx(1 - 549 / 44_640)
    every = api.request("GET", "/api/v1/impact?period=2026-08", token=api.token("viewer")).json()
    assert [b["breach"] for b in every["breaches"]] == ["release-sla/availability@2026-08-07T00:00:00+00:00"]
    assert (
        api.request("GET", "/api/v1/impact?period=2026-08", token=api.token("customer", party="ministry")).status_code
        == 403
    )
    assert api.request("GET", "/api/v1/impact", token=owner).status_code == 422
    both = api.request("GET", f"/api/v1/impact?breach={BREACH}&service=release-pipeline", token=owner)
    assert both.status_code == 422 and "give breach or service, not both" in both.text
    missing = api.request("GET", "/api/v1/impact?breach=release-sla/availability@2026-08-09T00:00:00Z", token=owner)
    assert missing.status_code == 404
