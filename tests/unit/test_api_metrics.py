"""``GET /metrics``: the rows of ``GET /api/v1/status`` in Prometheus's text format, parsed back
with prometheus_client's own parser, value by value; the walls of the API."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from slmo.api.routes.metrics import exposition
from slmo.core.model.objective import BudgetingMethod
from slmo.core.model.results import Evaluation, EvaluationStatus, ObjectiveEvaluation
from tests.api_support import Api, api_over, seed_walls

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture(scope="module")
def api() -> Iterator[Api]:
    """Both customers' request objectives evaluated and stored by the scheduler: portal with one
    request in a hundred failing for an hour, payments with none; the ticket objectives too."""
    with api_over() as made:
        seed_walls(made.slmo)
        admin = made.token("admin")
        start = made.clock.at - dt.timedelta(hours=1)
        for indicator, good in (("portal-requests", 99), ("payments-requests", 100)):
            rows = [
                {"timestamp": (start + dt.timedelta(minutes=i)).isoformat(), "good": good, "total": 100}
                for i in range(60)
            ]
            sent = made.request("POST", f"/api/v1/ingest/events?indicator={indicator}", token=admin, json=rows)
            assert sent.is_success, sent.text
        made.slmo.scheduler.sync()
        made.slmo.scheduler.run_due("metrics-worker", limit=100)
        yield made


def samples(text: str) -> Samples:
    found: Samples = {}
    for family in text_string_to_metric_families(text):
        assert family.type == "gauge", family.name
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def expected(rows: list[dict[str, Any]]) -> Samples:
    """What /metrics must say of the status rows, by hand."""
    found: Samples = {}
    for row in rows:
        base = {"agreement": row["agreement"], "objective": row["objective"]}
        base |= {"service": row["service"] or "", "indicator": row["indicator"]}

        def put(name: str, value: float | None, base: dict[str, str] = base, **extra: str) -> None:
            if value is not None:
                found[(f"slmo_objective_{name}", tuple(sorted((base | extra).items())))] = value

        put("attainment", row["attainment"])
        put("target", row["target"])
        put("error_budget_remaining", row["budget_left"])
        for window, rate in row["burn_rates"].items():
            put("burn_rate", rate, window=window)
        for state in ("met", "at_risk", "breached", "no_data"):
            put("status", 1.0 if row["status"] == state else 0.0, status=state)
        put("good_events", row["good"])
        put("events", row["total"])
        put("evaluated_timestamp_seconds", dt.datetime.fromisoformat(row["at"]).timestamp())
    return found


@pytest.mark.parametrize(("role", "party"), [("viewer", None), ("customer", "ministry"), ("admin", None)])
def test_metrics_equal_the_status_rows(api: Api, role: str, party: str | None) -> None:
    token = api.token(role, party=party, name=f"scraper-{role}")
    answer = api.request("GET", "/metrics", token=token)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    rows = api.request("GET", "/api/v1/status", token=token).json()
    assert rows, "the side has objectives"
    got = samples(answer.text)
    want = expected(rows)
    assert set(got) == set(want)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-12, abs=0), key
    agreements = {row["agreement"] for row in rows}
    if role == "customer":
        assert agreements == {"portal-sla", "portal-desk"}
        assert "payments" not in answer.text and '"bank"' not in answer.text
    else:
        assert {"portal-sla", "payments-sla", "portal-desk", "payments-desk"} <= agreements


def test_the_figures_are_those_of_the_failing_hour(api: Api) -> None:
    got = samples(api.request("GET", "/metrics", token=api.token("viewer")).text)
    labels = (("agreement", "portal-sla"), ("indicator", "portal-requests"), ("objective", "success"))
    labels += (("service", "portal"),)
    assert got[("slmo_objective_attainment", labels)] == pytest.approx(0.99)
    assert got[("slmo_objective_events", labels)] == 6000
    assert got[("slmo_objective_burn_rate", tuple(sorted((*labels, ("window", "1h")))))] == pytest.approx(10.0)
    assert got[("slmo_objective_status", tuple(sorted((*labels, ("status", "breached")))))] == 1.0


def test_metrics_need_a_token(api: Api) -> None:
    assert api.request("GET", "/metrics").status_code == 401
    assert api.request("GET", "/metrics", token="slmo_nothing_here").status_code == 401


def test_the_answer_is_kept_until_the_board_changes(api: Api) -> None:
    token = api.token("viewer", name="scraper-kept")
    first = api.request("GET", "/metrics", token=token).text
    assert api.request("GET", "/metrics", token=token).text == first
    api.clock.at += dt.timedelta(minutes=1)
    api.slmo.scheduler.run_due("metrics-worker", limit=100)
    after = api.request("GET", "/metrics", token=token).text
    assert after != first  # new evaluation instants
    api.clock.at -= dt.timedelta(minutes=1)


def _row(objective: str, **values: Any) -> ObjectiveEvaluation:
    at = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    figures: dict[str, Any] = {
        "good": 0.0,
        "total": 0.0,
        "attainment": None,
        "target": 0.999,
        "budget_total": 0.0,
        "budget_spent": 0.0,
        "budget_left": 1.0,
        "burn_rates": {"5m": None, "1h": math.inf},
        "status": EvaluationStatus.NO_DATA,
    }
    evaluation = Evaluation(
        objective=objective,
        at=at,
        window_start=at - dt.timedelta(days=28),
        window_end=at,
        budgeting=BudgetingMethod.OCCURRENCES,
        **(figures | values),
    )
    return ObjectiveEvaluation(
        agreement='odd "sla"\\x', version=1, service=None, indicator="i\nj", evaluation=evaluation
    )


def test_label_values_are_escaped_and_missing_figures_left_out() -> None:
    text = exposition([_row("a")]).decode()
    assert 'agreement="odd \\"sla\\"\\\\x"' in text and 'indicator="i\\nj"' in text
    got = samples(text)
    names = {name for name, _ in got}
    # No attainment without data, no burn rate for a window without data or an infinite one.
    assert "slmo_objective_attainment" not in names and "slmo_objective_burn_rate" not in names
    (status,) = [labels for (name, labels), value in got.items() if name == "slmo_objective_status" and value == 1]
    assert dict(status) == {"agreement": 'odd "sla"\\x', "objective": "a", "service": "", "indicator": "i\nj"} | {
        "status": "no_data"
    }
    assert "# HELP slmo_objective_target " in text and "# TYPE slmo_objective_target gauge" in text
