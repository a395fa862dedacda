"""``GET /metrics``: where every objective stands, in Prometheus's text exposition format 0.0.4,
so that Prometheus can scrape slmo and Grafana chart it.

The figures are the rows of ``GET /api/v1/status`` (each objective's newest stored evaluation,
``Access.current_status``), never a new evaluation; the same walls hold, so a customer's token
sees its own objectives only. Series are labelled ``agreement``, ``objective``, ``service``
(empty when the indicator has none) and ``indicator``:

| metric | value |
|---|---|
| ``slmo_objective_attainment`` | good / total over the window (no sample without data) |
| ``slmo_objective_target`` | the objective's target, a ratio |
| ``slmo_objective_error_budget_remaining`` | share of the error budget left (1 untouched, negative overspent) |
| ``slmo_objective_burn_rate{window}`` | burn rate over each burn-rate window (no sample for a window without data) |
| ``slmo_objective_status{status}`` | 1 for the objective's status (met, at_risk, breached, no_data), 0 for the others |
| ``slmo_objective_good_events``, ``slmo_objective_events`` | good and all events of the window (time slices for the time-slice methods) |
| ``slmo_objective_evaluated_timestamp_seconds`` | when the row was evaluated (Unix seconds) |

The window's counts are gauges (they fall as the window moves on), so they are not named
``..._total``, a suffix Prometheus keeps for counters.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from prometheus_client.exposition import generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import CollectorRegistry

from slmo.api.deps import AccessDep
from slmo.core.model.results import EvaluationStatus, ObjectiveEvaluation
from slmo.services.access import CurrentStatus

router = APIRouter(tags=["metrics"])

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LABELS = ("agreement", "objective", "service", "indicator")
# Answers kept at once: one per side of the walls (staff, each customer party).
KEPT = 64
_LOCK = threading.Lock()

_HELP = {
    "attainment": "Good over total events in the objective's window (no sample without data).",
    "target": "The objective's target, a ratio.",
    "error_budget_remaining": "Share of the window's error budget left: 1 untouched, 0 spent, negative overspent.",
    "burn_rate": "Burn rate over the window named by the label: 1 spends the budget exactly by the window's end.",
    "status": "1 for where the objective stands (met, at_risk, breached, no_data), 0 for the others.",
    "good_events": "Good events in the objective's window (good time slices for the time-slice methods).",
    "events": "Events counted in the objective's window (time slices for the time-slice methods).",
    "evaluated_timestamp_seconds": "When the figures were evaluated, in seconds since the Unix epoch.",
}


def _add(metric: GaugeMetricFamily, labels: list[str], value: float | None) -> None:
    """A sample, unless there is no number to give (no data, or not finite)."""
    if value is not None and math.isfinite(value):
        metric.add_metric(labels, value)


class _Rows:
    """A collector over status rows, for ``generate_latest``."""

    def __init__(self, rows: Sequence[ObjectiveEvaluation]) -> None:
        self._rows = rows

    def collect(self) -> Iterator[Metric]:
        def family(name: str, extra: tuple[str, ...] = ()) -> GaugeMetricFamily:
            return GaugeMetricFamily(f"slmo_objective_{name}", _HELP[name], labels=[*LABELS, *extra])

        attainment, target, budget = family("attainment"), family("target"), family("error_budget_remaining")
        burn, status = family("burn_rate", ("window",)), family("status", ("status",))
        good, events, evaluated = family("good_events"), family("events"), family("evaluated_timestamp_seconds")
        for row in self._rows:
            e = row.evaluation
            labels = [row.agreement, e.objective, row.service or "", row.indicator]
            for metric, value in ((attainment, e.attainment), (target, e.target), (budget, e.budget_left)):
                _add(metric, labels, value)
            for window, rate in e.burn_rates.items():
                _add(burn, [*labels, window], rate)
            for state in EvaluationStatus:
                status.add_metric([*labels, state.value], 1.0 if e.status is state else 0.0)
            _add(good, labels, e.good)
            _add(events, labels, e.total)
            evaluated.add_metric(labels, e.at.timestamp())
        yield from (attainment, target, budget, burn, status, good, events, evaluated)


def exposition(rows: Iterable[ObjectiveEvaluation]) -> bytes:
    """The rows in the text format 0.0.4 (``prometheus_client`` writes the HELP and TYPE lines
    and escapes label values)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Rows(list(rows)))
    return generate_latest(registry)


class Exposed:
    """Answers by ``CurrentStatus.key`` (board version and side of the walls); thread-safe."""

    def __init__(self, kept: int = KEPT) -> None:
        self._kept = kept
        self._lock = threading.Lock()
        self._bodies: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
        self._version = 0

    def get(self, current: CurrentStatus) -> bytes:
        with self._lock:
            found = self._bodies.get(current.key)
            if found is not None:
                self._bodies.move_to_end(current.key)
                return found
            if current.version > self._version:
                self._bodies.clear()
                self._version = current.version
            body = exposition(row.record for row in current.rows())
            if current.version == self._version:
                self._bodies[current.key] = body
                while len(self._bodies) > self._kept:
                    self._bodies.popitem(last=False)
            return body


def _exposed(request: Request) -> Exposed:
    state = request.app.state
    with _LOCK:
        found = getattr(state, "metrics_bodies", None)
        if not isinstance(found, Exposed):
            found = state.metrics_bodies = Exposed()
        return found


@router.get(
    "/metrics",
    summary="Where every objective stands, for Prometheus",
    description=(
        "Prometheus text exposition format 0.0.4 of the rows of GET /api/v1/status: attainment, "
        "target, error budget remaining, burn rates and status per objective. Needs a token like "
        "the API (a scraper's token with the viewer role); a customer's token sees its own objectives."
    ),
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {"schema": {"type": "string"}}}, "description": "The metrics."}},
)
async def metrics(access: AccessDep, request: Request) -> Response:
    exposed = _exposed(request)
    # The store is read (and the text made) in a worker thread, as GET /status does.
    body = await run_in_threadpool(lambda: exposed.get(access.current_status()))
    return Response(body, media_type=CONTENT_TYPE, headers={"Cache-Control": "private, no-cache"})
