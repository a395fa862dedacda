"""``GET /api/v1/jobs`` and ``/jobs/{id}/runs``: the scheduler's jobs as ``slmo jobs --json``
shows them, their recorded runs, and who may read them (staff only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from slmo.core.ports import UnitOfWork
from tests.api_support import Api, api_over

KEYS = {
    "id",
    "kind",
    "key",
    "due_at",
    "every_seconds",
    "lease_owner",
    "lease_until",
    "attempts",
    "last_run_at",
    "last_error",
}


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    """Two evaluation jobs, run once by ``worker-a`` at noon: portal's done, payments' failed."""
    with api_over() as made:
        scheduler, evaluation = made.slmo.scheduler, made.slmo.evaluation
        scheduler.sync()
        evaluate_in = evaluation.evaluate_in

        def failing(uow: UnitOfWork, when: dt.datetime, objective: str | None = None) -> Any:
            if objective == "payments-sla/success":
                raise RuntimeError("the measurements are unreadable")
            return evaluate_in(uow, when, objective)

        monkeypatch.setattr(evaluation, "evaluate_in", failing)
        outcomes = scheduler.run_due("worker-a")
        # Besides, the daily review and the hourly close jobs ran (``services.reviews``, ``closes``).
        assert sorted((o.job.key, o.completed) for o in outcomes if o.job.kind == "evaluate") == [
            ("payments-sla/success", False),
            ("portal-sla/success", True),
        ]
        yield made


@pytest.fixture
def admin(api: Api) -> str:
    return api.token("admin")


def page(api: Api, token: str, path: str) -> dict[str, Any]:
    answer = api.request("GET", path, token=token)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def test_jobs_with_due_time_lease_attempts_last_run_and_error(api: Api, admin: str) -> None:
    api.clock.at += dt.timedelta(hours=1)
    (leased,) = api.slmo.scheduler.lease("worker-b", 1)
    found = page(api, admin, "/api/v1/jobs?kind=evaluate")
    assert (found["total"], found["limit"], found["offset"]) == (2, 100, 0)
    jobs = {j["key"]: j for j in found["items"]}
    assert all(set(j) == KEYS for j in jobs.values())
    portal, payments = jobs["portal-sla/success"], jobs["payments-sla/success"]
    assert (portal["kind"], portal["every_seconds"], portal["last_error"]) == ("evaluate", 60, None)
    assert (portal["last_run_at"], portal["due_at"]) == ("2026-11-02T12:00:00+00:00", "2026-11-02T12:01:00+00:00")
    assert payments["last_error"] == "RuntimeError: the measurements are unreadable"
    # The failed job is due first (its back-off is shorter than the interval), so it is leased.
    assert leased.key == "payments-sla/success"
    assert (payments["lease_owner"], payments["lease_until"]) == ("worker-b", "2026-11-02T13:01:00+00:00")
    assert (portal["lease_owner"], portal["lease_until"]) == (None, None)


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("?failing=true", ["payments-sla/success"]),
        ("?q=PORTAL", ["portal-sla/success"]),
        ("?kind=evaluate&limit=1&offset=1", ["portal-sla/success"]),  # by id: synced in key order
        ("?kind=evaluate&sort=-due_at", ["portal-sla/success", "payments-sla/success"]),
        ("?kind=pull", []),
    ],
)
def test_jobs_filter_and_page(api: Api, admin: str, query: str, keys: list[str]) -> None:
    found = page(api, admin, f"/api/v1/jobs{query}")
    assert [j["key"] for j in found["items"]] == keys


def test_runs_of_one_job_newest_first(api: Api, admin: str) -> None:
    jobs = {j["key"]: j["id"] for j in page(api, admin, "/api/v1/jobs")["items"]}
    api.clock.at += dt.timedelta(hours=1)
    api.slmo.scheduler.run_due("worker-c")  # payments fails again, portal is done again
    runs = page(api, admin, f"/api/v1/jobs/{jobs['payments-sla/success']}/runs")
    assert runs["total"] == 2
    assert [(r["owner"], r["outcome"], r["attempt"]) for r in runs["items"]] == [
        ("worker-c", "failed", 2),
        ("worker-a", "failed", 1),
    ]
    assert runs["items"][0]["error"] == "RuntimeError: the measurements are unreadable"
    oldest = page(api, admin, f"/api/v1/jobs/{jobs['payments-sla/success']}/runs?sort=due_at&limit=1")
    assert [r["owner"] for r in oldest["items"]] == ["worker-a"] and oldest["total"] == 2
    done = page(api, admin, f"/api/v1/jobs/{jobs['portal-sla/success']}/runs")["items"]
    assert [(r["owner"], r["outcome"], r["error"]) for r in done] == [
        ("worker-c", "done", None),
        ("worker-a", "done", None),
    ]
    assert set(done[0]) == {"job_id", "due_at", "owner", "attempt", "started_at", "finished_at", "outcome", "error"}


def test_an_unknown_job_is_404_and_a_bad_id_422(api: Api, admin: str) -> None:
    missing = api.request("GET", "/api/v1/jobs/9999/runs", token=admin)
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    bad = api.request("GET", "/api/v1/jobs/first/runs", token=admin)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "job_id"


@pytest.mark.parametrize(
    ("role", "party", "status"),
    [
        ("admin", None, 200),
        ("manager", None, 200),
        ("viewer", None, 200),
        ("owner", "ops", 403),
        ("customer", "bank", 403),
    ],
)
def test_staff_read_jobs_and_the_others_are_refused(api: Api, role: str, party: str | None, status: int) -> None:
    token = api.token(role, party=party)
    job = api.slmo.scheduler.jobs()[0].id
    for path in ("/api/v1/jobs", f"/api/v1/jobs/{job}/runs", "/api/v1/jobs/9999/runs"):
        expected = 404 if status == 200 and path.endswith("9999/runs") else status
        assert api.request("GET", path, token=token).status_code == expected, path
    assert api.request("GET", "/api/v1/jobs").status_code == 401
