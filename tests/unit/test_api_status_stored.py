"""``GET /status`` from the stored evaluations (``services.board``): the same rows as a live
evaluation at the same instant, complete when an objective has no recent record, the walls
kept in the cached bodies, and every write seen at the next request."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest

from slmo.cli.evaluation import as_json
from slmo.services.ingest import MeasurementKind
from tests.api_support import ADMIN, NOW, Api, api_over
from tests.factories import AGREEMENT, INDICATOR, SERVICE

STATUS = "/api/v1/status"


@pytest.fixture
def api() -> Iterator[Api]:
    with api_over() as made:
        yield made


@pytest.fixture
def admin(api: Api) -> str:
    return api.token("admin")


def _iso(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat().replace("+00:00", "Z")


def feed(api: Api, indicator: str, *, minutes: int = 120, bad_every: int = 7) -> None:
    """Buckets up to the clock's minute, some of them with bad events."""
    end = int(api.clock.at.timestamp()) // 60 * 60
    rows = ["timestamp,good,total"]
    for i in range(minutes):
        rows.append(f"{_iso(end - 60 * (minutes - i))},{100 - (i % bad_every == 0) * 3},100")
    stream = io.BytesIO(("\n".join(rows) + "\n").encode())
    api.slmo.ingest.measurements(MeasurementKind.EVENTS, indicator, stream, "feed.csv", ADMIN)


def later(api: Api, **delta: float) -> dt.datetime:
    api.clock.at = api.clock.at + dt.timedelta(**delta)
    return api.clock.at


def get(api: Api, token: str, **headers: str) -> Any:
    answer = api.request("GET", STATUS, token=token, headers=headers)
    assert answer.status_code in (200, 304), answer.text
    return answer


def by_agreement(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["agreement"]: r for r in rows}


def test_stored_status_equals_the_live_evaluation_at_the_same_instant(api: Api, admin: str) -> None:
    feed(api, "portal-requests")
    feed(api, "payments-requests", bad_every=3)
    stored = api.slmo.evaluation.evaluate()
    at = api.clock.at
    later(api, seconds=40)  # a live evaluation now would differ; the stored one is from `at`
    rows = get(api, admin).json()
    assert rows == [as_json(r) for r in api.slmo.evaluation.status(at)]
    assert rows == [as_json(r) for r in stored]
    assert {r["at"] for r in rows} == {at.isoformat()}
    assert {r["total"] for r in rows} == {12_000}


def test_an_objective_without_a_recent_stored_evaluation_is_evaluated_on_the_spot(api: Api, admin: str) -> None:
    api.slmo.evaluation.evaluate()
    stored_at = api.clock.at
    now = later(api, seconds=30)
    new = "---\n".join(
        [
            SERVICE.format(name="search", owner="ops"),
            INDICATOR.format(name="search-requests", service="search"),
            AGREEMENT.format(
                name="search-sla",
                party="ministry",
                service="search",
                indicator="search-requests",
                target="0.99",
                calendar="office",
            ),
        ]
    )
    api.slmo.catalogue.apply(api.slmo.codec.load_text(new, "new.yaml"), ADMIN)
    rows = by_agreement(get(api, admin).json())
    assert set(rows) == {"portal-sla", "payments-sla", "search-sla"}
    assert rows["search-sla"]["at"] == now.isoformat()
    assert rows["portal-sla"]["at"] == stored_at.isoformat()
    assert rows["search-sla"] == as_json(api.slmo.evaluation.status(now, "search-sla/success")[0])
    # Past the staleness bound, every stored record is too old: all are evaluated again.
    stale = later(api, minutes=11)
    rows = by_agreement(get(api, admin).json())
    assert {r["at"] for r in rows.values()} == {stale.isoformat()}


def test_a_record_for_another_agreement_version_is_not_used(api: Api, admin: str) -> None:
    (old,) = [r for r in api.slmo.evaluation.evaluate() if r.agreement == "portal-sla"]
    with api.slmo.evaluation._uow() as uow:
        # As if stored before version 2 took force, a second after the one just stored.
        moved = dataclasses.replace(old.evaluation, at=old.evaluation.at + dt.timedelta(seconds=1))
        uow.evaluations.add([dataclasses.replace(old, version=old.version + 1, evaluation=moved)])
        uow.commit()
    later(api, seconds=5)
    rows = by_agreement(get(api, admin).json())
    assert rows["portal-sla"]["version"] == old.version
    assert rows["portal-sla"]["at"] == api.clock.at.isoformat()


def test_customers_see_only_their_rows_and_never_each_others_cached_body(api: Api, admin: str) -> None:
    api.slmo.evaluation.evaluate()
    ministry = api.token("customer", party="ministry")
    bank = api.token("customer", party="bank")
    staff = get(api, admin)
    for _ in range(2):  # the second round comes from the cache
        mine, theirs = get(api, ministry), get(api, bank)
        assert [r["agreement"] for r in mine.json()] == ["portal-sla"]
        assert [r["agreement"] for r in theirs.json()] == ["payments-sla"]
        assert len({mine.headers["etag"], theirs.headers["etag"], staff.headers["etag"]}) == 3
    # Another customer's ETag is not a way in either.
    assert get(api, ministry, **{"If-None-Match": theirs.headers["etag"]}).status_code == 200
    assert {r["agreement"] for r in get(api, admin).json()} == {"portal-sla", "payments-sla"}


def test_the_etag_gives_304_until_a_new_evaluation_is_stored(api: Api, admin: str) -> None:
    api.slmo.evaluation.evaluate()
    first = get(api, admin)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "private, no-cache"
    again = get(api, admin, **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    feed(api, "portal-requests")
    now = later(api, seconds=60)
    assert get(api, admin, **{"If-None-Match": etag}).status_code == 304  # nothing stored yet
    api.slmo.evaluation.evaluate(now, "portal-sla/success")
    fresh = get(api, admin, **{"If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh.headers["etag"] != etag
    rows = by_agreement(fresh.json())
    assert rows["portal-sla"]["at"] == now.isoformat()
    assert rows["portal-sla"]["total"] == 12_000
    assert rows["payments-sla"]["at"] == NOW.isoformat()


def test_a_catalogue_change_is_seen_at_the_next_request(api: Api, admin: str) -> None:
    api.slmo.evaluation.evaluate()
    etag = get(api, admin).headers["etag"]
    api.slmo.catalogue.delete("Agreement", "payments-sla", ADMIN)
    answer = get(api, admin, **{"If-None-Match": etag})
    assert answer.status_code == 200
    assert [r["agreement"] for r in answer.json()] == ["portal-sla"]


def test_filters_and_at_still_work(api: Api, admin: str) -> None:
    api.slmo.evaluation.evaluate()
    one = api.request("GET", STATUS + "?agreement=payments-sla", token=admin).json()
    assert [r["agreement"] for r in one] == ["payments-sla"]
    assert api.request("GET", STATUS + "?service=portal", token=admin).json()[0]["agreement"] == "portal-sla"
    past = api.request("GET", STATUS + "?at=2026-10-01T00:00:00Z", token=admin)
    assert "etag" not in past.headers
    assert {r["at"] for r in past.json()} == {"2026-10-01T00:00:00+00:00"}
