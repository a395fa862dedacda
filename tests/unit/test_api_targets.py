"""Achievable targets and the what-if over the API, on the example SLA at 26 November 2026 with a
year of daily request counts (12 bad of 10,000 a day: every month 99.88 %): the figures, a
customer's walls, bad questions named by field, and the what-if the negotiation's evidence
carries."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest

from slmo.services.ingest import MeasurementKind
from tests.api_support import Api, FixedClock
from tests.negotiation_support import ADMIN, NOW, example_slmo

FIRST = dt.date(2025, 11, 1)


@pytest.fixture
def api() -> Iterator[Api]:
    clock = FixedClock(NOW)
    with example_slmo(clock) as slmo:
        days = [FIRST + dt.timedelta(days=i) for i in range(365)]
        rows = "".join(f"{d.isoformat()}T12:00:00+03:00,9988,10000\n" for d in days)
        stream = io.BytesIO(("timestamp,good,total\n" + rows).encode())
        slmo.ingest.measurements(MeasurementKind.EVENTS, "eportal-requests", stream, "requests.csv", ADMIN)
        yield Api(slmo, clock)


def test_the_targets_of_an_objective(api: Api) -> None:
    token = api.token("customer", party="ministry", name="noura-token")
    found = api.request(
        "GET", "/api/v1/targets?objective=eportal-sla/success-rate&confidence=0.9&periods=12", token=token
    )
    assert found.status_code == 200, found.text
    body = found.json()
    assert (body["agreement"], body["version"], body["unit"], len(body["periods"])) == ("eportal-sla", 1, "M", 12)
    assert body["simulation"] == {"period": "2026-11", "history_days": 364, "draws": 5200, "note": None}
    # At 90 %: history's lowest of 12 months and the draws' quantile, both 99.88 %; history binds on the tie.
    (ninety,) = body["achievable"]
    assert ninety["target"] == pytest.approx(0.9988) and ninety["binding"] == "history"
    assert (ninety["history_rank"], ninety["periods_needed"]) == (1, 9)
    what_if = body["what_if"]
    # 99.9 % is missed every month: 12 a year; 5 % of 250,000 SAR a month, 150,000.00 a year.
    assert (what_if["history"]["breaches"], what_if["history"]["per_year"]) == (12, 12.0)
    assert what_if["history_exposure"]["per_year"] == "150000.00"
    assert what_if["simulation_exposure"]["year_p95"] == "150000.00"


def test_a_proposed_target(api: Api) -> None:
    token = api.token("viewer")
    found = api.request("GET", "/api/v1/targets?objective=eportal-sla/success-rate&what_if=0.998", token=token)
    assert found.status_code == 200, found.text
    what_if = found.json()["what_if"]
    # Met every month: 0 breaches, but at most 12 * (1 - 0.05^(1/12)) = 2.65 a year at 95 %.
    assert (what_if["target"], what_if["history"]["breaches"]) == (0.998, 0)
    assert what_if["history"]["per_year_upper"] == pytest.approx(2.651066, abs=1e-6)
    assert what_if["credit_note"] == "not_graded" and what_if["history_exposure"] is None


def test_walls_and_bad_questions(api: Api) -> None:
    other = api.token("customer", party="network-team", name="network-token")
    viewer = api.token("viewer")
    # Another party's objective answers as a missing one.
    hidden = api.request("GET", "/api/v1/targets?objective=eportal-sla/success-rate", token=other)
    missing = api.request("GET", "/api/v1/targets?objective=eportal-sla/nothing", token=other)
    assert hidden.status_code == missing.status_code == 404
    assert "eportal-sla/success-rate" in hidden.json()["detail"]
    # The network team sees only its own OLA's availability, so the bare name is not ambiguous to it.
    own = api.request("GET", "/api/v1/targets?objective=availability&periods=1", token=other)
    assert own.status_code == 200, own.text
    assert own.json()["agreement"] == "network-ola"
    ambiguous = api.request("GET", "/api/v1/targets?objective=availability", token=viewer)
    assert ambiguous.status_code == 422 and ambiguous.json()["errors"][0]["field"] == "objective"
    bad = api.request("GET", "/api/v1/targets?objective=eportal-sla/success-rate&confidence=1.5", token=viewer)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "confidence"
    out_of_range = api.request("GET", "/api/v1/targets?objective=eportal-sla/success-rate&what_if=1", token=viewer)
    assert out_of_range.status_code == 422


def test_the_evidence_carries_the_what_if(api: Api) -> None:
    token = api.token("customer", party="ministry", name="noura-token")
    found = api.request(
        "GET",
        "/api/v1/agreements/eportal-sla/versions/1/evidence?objective=success-rate&periods=12",
        token=token,
    )
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["credits_total"] == "150000.00"
    assert body["what_if"]["history"]["per_year"] == 12.0
    assert body["what_if"]["history_exposure"]["per_year"] == "150000.00"
    assert body["what_if"]["simulation"]["breaches"] == 5200
    assert body["simulation"]["history_days"] == 364
