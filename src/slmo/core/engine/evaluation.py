"""Evaluating objectives: attainment, error budget, burn rates and status, for many at once.

``evaluate_group`` is the vectorised core: one window, budgeting method and maintenance
policy, ``k`` objectives as the rows of a ``BucketGrid``, each with its own target. It
reads each bucket array once. ``evaluate`` (one objective, with contributors) and
``evaluate_batch`` (any mix of objectives) sit on it and return ``Evaluation`` records.

Only measurements before ``at`` count. Burn-rate windows are ``[at - w, at)`` and may
reach back before a calendar window's start: they are about the recent pace. For the
minutes of a time-based budget the weights should cover the whole window (also the part
after ``at``); time outside the bucket grid counts as service time.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from slmo.core.engine.attainment import check_slice_target, check_target, ratio
from slmo.core.engine.budget import budget_left, budget_minutes, budget_spent, budget_total
from slmo.core.engine.burnrate import BURN_WINDOWS, burn_rate
from slmo.core.engine.contributors import Incidents, contributors
from slmo.core.engine.grid import BucketGrid
from slmo.core.engine.status import STATUS_CODES, StatusRules, status_codes
from slmo.core.engine.tally import Tally, occurrence_tally, slice_tally
from slmo.core.engine.windows import Instant, Span, calendar_period, epoch_seconds, window_at
from slmo.core.model.calendar import Weekday
from slmo.core.model.objective import BudgetingMethod, MaintenancePolicy, Objective, Window, WindowUnit
from slmo.core.model.results import Contributor, Evaluation
from slmo.errors import Problem, SpecError


@dataclass(frozen=True, eq=False)
class EvaluationArrays:
    """Results for ``k`` objectives as arrays of shape (k,); burn rates (k, len(burn_labels)).

    ``attainment`` and burn rates are NaN where there is no data; ``status`` holds codes
    into ``status.STATUS_CODES``; the ``minutes_*`` arrays are ``None`` for Occurrences.
    """

    at: int
    window: Span
    budgeting: BudgetingMethod
    good: NDArray[Any]
    total: NDArray[Any]
    attainment: NDArray[np.float64]
    target: NDArray[np.float64]
    budget_total: NDArray[np.float64]
    budget_spent: NDArray[np.float64]
    budget_left: NDArray[np.float64]
    burn_labels: tuple[str, ...]
    burn_rates: NDArray[np.float64]
    status: NDArray[np.int8]
    tally: Tally
    minutes_total: NDArray[np.float64] | None = None
    minutes_spent: NDArray[np.float64] | None = None
    minutes_left: NDArray[np.float64] | None = None


def as_matrix(grid: BucketGrid) -> BucketGrid:
    if grid.good.ndim == 2:
        return grid
    return BucketGrid(
        start=grid.start,
        bucket_seconds=grid.bucket_seconds,
        good=grid.good[None, :],
        total=grid.total[None, :],
        service=grid.service,
        excluded=grid.excluded,
    )


def counted_seconds(grid: BucketGrid, policy: MaintenancePolicy, span: Span) -> NDArray[np.float64]:
    """Seconds of ``span`` that count (in service hours; under EXCLUDE, out of maintenance),
    per objective. Time outside the bucket grid counts whole."""
    i0, i1 = grid.index(span.start), grid.index(span.end)
    outside = max(span.seconds - (i1 - i0) * grid.bucket_seconds, 0)
    service = None if grid.service is None else grid.service[..., i0:i1].astype(np.float64)
    if grid.excluded is not None and policy is MaintenancePolicy.EXCLUDE:
        kept = 1.0 - grid.excluded[..., i0:i1].astype(np.float64)
        service = kept if service is None else service * kept
    inside = np.asarray(float(i1 - i0) if service is None else np.sum(service, axis=-1))
    return np.asarray(inside * grid.bucket_seconds + outside, dtype=np.float64)


def evaluate_group(
    grid: BucketGrid,
    at: Instant,
    *,
    window: Window,
    target: ArrayLike,
    budgeting: BudgetingMethod = BudgetingMethod.OCCURRENCES,
    slice_seconds: int | None = None,
    slice_target: float | None = None,
    maintenance: MaintenancePolicy = MaintenancePolicy.EXCLUDE,
    time_zone: str | None = None,
    week_start: Weekday = Weekday.MON,
    burn_windows: Mapping[str, int] = BURN_WINDOWS,
    rules: StatusRules | None = None,
    points: Sequence[int] = (),
) -> EvaluationArrays:
    """Evaluate the objectives in the rows of ``grid`` that share a window and method.

    ``target`` is one number or one per row. ``points`` are extra instants to cut
    Occurrences units at (for contributors).
    """
    rules = rules or StatusRules()
    t = epoch_seconds(at)
    matrix = as_matrix(grid)
    k = matrix.good.shape[0]
    targets = np.broadcast_to(np.asarray(target, dtype=np.float64), (k,))
    for value in np.unique(targets):
        check_target(float(value))
    span = window_at(window, t, time_zone=time_zone, week_start=week_start)
    measured = Span(span.start, t)
    labels = tuple(burn_windows)
    spans = [measured, *(Span(t - burn_windows[label], t) for label in labels)]
    if budgeting is BudgetingMethod.OCCURRENCES:
        edges = [p for s in spans for p in (s.start, s.end)]
        tally = occurrence_tally(matrix, maintenance, until=t, points=[*edges, *points])
    else:
        slice_seconds = _slice_seconds(slice_seconds, matrix.bucket_seconds)
        if budgeting is BudgetingMethod.TIMESLICES and slice_target is not None:
            check_slice_target(slice_target)  # a missing one is refused by slice_scores
        first = min(s.start for s in spans)
        tally = slice_tally(
            matrix,
            maintenance,
            budgeting,
            anchor=span.start,
            slice_seconds=slice_seconds,
            first=first,
            until=t,
            slice_target=slice_target,
        )
    good, total = tally.sums(spans)
    g, n = good[:, 0], total[:, 0]
    left = budget_left(g, n, targets)
    rates = burn_rate(good[:, 1:], total[:, 1:], targets[:, None])
    projection = [i for i, label in enumerate(labels) if label in rules.projection_windows]
    projected = np.fmax.reduce(rates[:, projection], axis=1) if projection else np.full(k, np.nan)
    rolling = window.rolling
    elapsed = span.seconds if rolling else t - span.start
    horizon = span.seconds if rolling else span.end - t
    attainment = ratio(g, n)
    codes = status_codes(
        total=n,
        attainment=attainment,
        target=targets,
        budget_left=left,
        projected_rate=projected,
        elapsed=elapsed,
        horizon=horizon,
        rules=rules,
    )
    minutes: dict[str, NDArray[np.float64]] = {}
    if budgeting is not BudgetingMethod.OCCURRENCES:
        window_minutes = np.broadcast_to(counted_seconds(matrix, maintenance, span) / 60.0, (k,))
        minutes["minutes_total"] = budget_minutes(window_minutes, targets)
        minutes["minutes_spent"] = np.broadcast_to(tally.bad_seconds(measured) / 60.0, (k,)).astype(np.float64)
        minutes["minutes_left"] = minutes["minutes_total"] - minutes["minutes_spent"]
    return EvaluationArrays(
        at=t,
        window=span,
        budgeting=budgeting,
        good=g,
        total=n,
        attainment=attainment,
        target=np.asarray(targets, dtype=np.float64),
        budget_total=budget_total(n, targets),
        budget_spent=budget_spent(g, n),
        budget_left=left,
        burn_labels=labels,
        burn_rates=rates,
        status=codes,
        tally=tally,
        **minutes,
    )


def _slice_seconds(seconds: int | None, bucket_seconds: int) -> int:
    if seconds is None or seconds <= 0 or seconds % bucket_seconds:
        raise SpecError(
            [
                Problem(
                    None,
                    "timeSliceWindow",
                    f"the time-slice methods need a time slice that is a whole number of {bucket_seconds} s buckets,"
                    f" got {seconds}",
                )
            ]
        )
    return seconds


def slice_settings(objective: Objective) -> tuple[int | None, float | None]:
    """The time slice length and target of an objective; a threshold objective (one with an
    operator) without ``timeSliceTarget`` needs every bucket of a slice to meet the bound."""
    if objective.budgeting is BudgetingMethod.OCCURRENCES:
        return None, None
    if objective.time_slice is None:
        raise SpecError([Problem(None, "timeSliceWindow", f"objective {objective.name!r} needs a time slice")])
    target = objective.time_slice.target
    if target is None and objective.operator is not None:
        target = 1.0
    return objective.time_slice.seconds, target


def _utc(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value


def records(
    arrays: EvaluationArrays, names: Sequence[str], contributors: Sequence[tuple[Contributor, ...]] = ()
) -> list[Evaluation]:
    """``Evaluation`` records, one per row of ``arrays`` (``names`` in row order)."""
    at, start, end = _utc(arrays.at), _utc(arrays.window.start), _utc(arrays.window.end)
    columns: dict[str, list[Any]] = {
        "good": arrays.good.tolist(),
        "total": arrays.total.tolist(),
        "attainment": arrays.attainment.tolist(),
        "target": arrays.target.tolist(),
        "budget_total": arrays.budget_total.tolist(),
        "budget_spent": arrays.budget_spent.tolist(),
        "budget_left": arrays.budget_left.tolist(),
    }
    for key in ("minutes_total", "minutes_spent", "minutes_left"):
        values = getattr(arrays, key)
        columns[key] = [None] * len(names) if values is None else values.tolist()
    rates = arrays.burn_rates.tolist()
    codes = arrays.status.tolist()
    labels = arrays.burn_labels
    found = []
    for i, name in enumerate(names):
        found.append(
            Evaluation(
                objective=name,
                at=at,
                window_start=start,
                window_end=end,
                budgeting=arrays.budgeting,
                good=columns["good"][i],
                total=columns["total"][i],
                attainment=_number(columns["attainment"][i]),
                target=columns["target"][i],
                budget_total=columns["budget_total"][i],
                budget_spent=columns["budget_spent"][i],
                budget_left=columns["budget_left"][i],
                burn_rates=dict(zip(labels, map(_number, rates[i]), strict=True)),
                status=STATUS_CODES[codes[i]],
                budget_minutes_total=columns["minutes_total"][i],
                budget_minutes_spent=columns["minutes_spent"][i],
                budget_minutes_left=columns["minutes_left"][i],
                contributors=contributors[i] if contributors else (),
            )
        )
    return found


def evaluate(
    objective: Objective,
    grid: BucketGrid,
    at: Instant,
    *,
    time_zone: str | None = None,
    week_start: Weekday = Weekday.MON,
    burn_windows: Mapping[str, int] = BURN_WINDOWS,
    rules: StatusRules | None = None,
    top: int = 5,
    incidents: Incidents | None = None,
) -> Evaluation:
    """Evaluate one objective over its window at ``at``, with its ``top`` contributing hours
    and incidents. ``grid`` holds this objective's buckets (one row)."""
    if grid.good.ndim == 2 and grid.good.shape[0] != 1:
        raise ValueError(f"evaluate takes one objective's grid, got {grid.good.shape[0]} rows")
    t = epoch_seconds(at)
    zone_name = objective.window.time_zone or time_zone or "UTC"
    span = window_at(objective.window, t, time_zone=time_zone, week_start=week_start)
    hour_anchor = calendar_period(span.start, WindowUnit.HOUR, zone_name).start
    points: list[int] = []
    if top > 0 and objective.budgeting is BudgetingMethod.OCCURRENCES:
        points.extend(range(hour_anchor, t, 3600))
        if incidents is not None:
            # Cut at the bucket holding each incident's start, so the overlap is exact.
            origin, size = grid.start, grid.bucket_seconds
            points.extend((origin + (incidents.starts - origin) // size * size).tolist())
            points.extend(incidents.ends.tolist())
    slice_seconds, slice_target = slice_settings(objective)
    arrays = evaluate_group(
        grid,
        t,
        window=objective.window,
        target=objective.target,
        budgeting=objective.budgeting,
        slice_seconds=slice_seconds,
        slice_target=slice_target,
        maintenance=objective.maintenance,
        time_zone=time_zone,
        week_start=week_start,
        burn_windows=burn_windows,
        rules=rules,
        points=points,
    )
    tally = arrays.tally
    (lo,), (hi,) = tally.positions([Span(span.start, t)])
    group = max(3600, slice_seconds or 0)
    found = contributors(
        tally.edges[lo : hi + 1],
        tally.bad[0, lo:hi],
        anchor=hour_anchor if group == 3600 else span.start,
        group_seconds=group,
        top=top,
        incidents=incidents,
    )
    return records(arrays, [objective.name], [found])[0]


def _group_key(objective: Objective) -> tuple[Any, ...]:
    return (objective.window, objective.budgeting, *slice_settings(objective), objective.maintenance)


def evaluate_batch(
    objectives: Sequence[Objective],
    grid: BucketGrid,
    at: Instant,
    *,
    time_zone: str | None = None,
    week_start: Weekday = Weekday.MON,
    burn_windows: Mapping[str, int] = BURN_WINDOWS,
    rules: StatusRules | None = None,
) -> list[Evaluation]:
    """Evaluate many objectives, row ``i`` of ``grid`` for ``objectives[i]``, without
    contributors. Objectives sharing a window, method and maintenance policy are evaluated
    together; when all of them do, no bucket is copied."""
    if grid.good.ndim != 2 or grid.good.shape[0] != len(objectives):
        raise ValueError(f"{len(objectives)} objectives need a ({len(objectives)}, n) grid, got {grid.good.shape}")
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, objective in enumerate(objectives):
        groups.setdefault(_group_key(objective), []).append(i)
    found: list[Evaluation | None] = [None] * len(objectives)
    for rows in groups.values():
        first = objectives[rows[0]]
        part = grid if len(rows) == len(objectives) else grid.rows(rows)
        slice_seconds, slice_target = slice_settings(first)
        arrays = evaluate_group(
            part,
            at,
            window=first.window,
            target=[objectives[i].target for i in rows],
            budgeting=first.budgeting,
            slice_seconds=slice_seconds,
            slice_target=slice_target,
            maintenance=first.maintenance,
            time_zone=time_zone,
            week_start=week_start,
            burn_windows=burn_windows,
            rules=rules,
        )
        for i, record in zip(rows, records(arrays, [objectives[i].name for i in rows]), strict=True):
            found[i] = record
    return [r for r in found if r is not None]
