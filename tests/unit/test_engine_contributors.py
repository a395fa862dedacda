"""Contributors: the hours and incidents that spent the most budget."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from slmo.core.engine.contributors import Incidents, contributors, spent_by_group, spent_by_incident
from slmo.core.engine.evaluation import evaluate
from slmo.core.engine.grid import BucketGrid
from slmo.core.model.measurement import Impact, Incident
from slmo.core.model.objective import Objective, Window, WindowUnit
from slmo.core.model.results import ContributorKind
from slmo.core.model.text import LocalizedText

T0 = 1_790_000_000 - 1_790_000_000 % 3600  # a whole hour


def test_spent_by_group_by_hand() -> None:
    # Units start at 0, 60, 3600, 3660, 7200 s with 1, 2, 3, 4, 0 bad.
    starts = np.array([0, 60, 3600, 3660, 7200])
    groups, spent = spent_by_group(starts, np.array([1, 2, 3, 4, 0]), anchor=0, seconds=3600)
    assert groups.tolist() == [0, 3600, 7200]
    assert spent.tolist() == [3.0, 7.0, 0.0]


def test_spent_by_incident_takes_the_units_it_overlaps() -> None:
    edges = np.array([0, 60, 120, 180, 240])  # four one-minute units
    bad = np.array([1, 2, 4, 8])
    # [30, 90) overlaps units 0 and 1: 3. [120, 180): unit 2 only: 4. [200, 201): unit 3: 8.
    # [240, 300): nothing. [0, 240): all: 15.
    found = spent_by_incident(edges, bad, np.array([30, 120, 200, 240, 0]), np.array([90, 180, 201, 300, 240]))
    assert found.tolist() == [3.0, 4.0, 8.0, 0.0, 15.0]


def test_contributors_ranked_with_shares() -> None:
    edges = np.arange(0, 5 * 3600 + 1, 3600)
    bad = np.array([0, 5, 1, 10, 4])  # 20 bad in all
    incidents = Incidents.of([("INC-1", 3600, 7200), ("INC-2", 10800, 14400), ("INC-3", 100, 200)])
    found = contributors(edges, bad, anchor=0, top=2, incidents=incidents)
    kinds = [c.kind for c in found]
    assert kinds == [ContributorKind.INCIDENT] * 2 + [ContributorKind.HOUR] * 2
    # Incidents: INC-2 (10 bad, half) before INC-1 (5); INC-3 spent nothing and is left out.
    assert [(c.reference, c.budget_spent, c.share) for c in found[:2]] == [("INC-2", 10.0, 0.5), ("INC-1", 5.0, 0.25)]
    # Hours: 03:00 (10) then 01:00 (5).
    assert [(int(c.start.timestamp()), c.budget_spent) for c in found[2:]] == [(10800, 10.0), (3600, 5.0)]
    assert found[2].end - found[2].start == dt.timedelta(hours=1)
    assert contributors(edges, bad, anchor=0, top=0) == ()


def test_evaluate_reports_the_worst_hours_and_incidents() -> None:
    minutes = 6 * 60
    total = np.full(minutes, 10)
    good = total.copy()
    good[65:70] = 0  # 50 bad in hour 1 (minutes 65-69)
    good[200] = 7  # 3 bad in hour 3
    s = BucketGrid.of(T0, 60, good, total)
    objective = Objective(
        name="api",
        display_name=LocalizedText.plain("API"),
        indicator="requests",
        target=0.9,
        window=Window(length=6, unit=WindowUnit.HOUR, rolling=True),
    )
    # The incident starts half-way through minute 66 and ends with minute 68: it overlaps
    # minutes 66, 67 and 68: 30 bad.
    incidents = Incidents.of([("INC-9", T0 + 66 * 60 + 30, T0 + 69 * 60)])
    found = evaluate(objective, s, T0 + minutes * 60, top=3, incidents=incidents)
    incident, first, second = found.contributors
    assert (incident.reference, incident.budget_spent) == ("INC-9", 30.0)
    assert incident.share == pytest.approx(30 / 53)
    assert (int(first.start.timestamp()) - T0, first.budget_spent) == (3600, 50.0)
    assert (int(second.start.timestamp()) - T0, second.budget_spent) == (3 * 3600, 3.0)


def test_incidents_from_the_model_close_open_ones_at_the_instant() -> None:
    start = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)
    found = Incidents.of_model(
        [
            Incident(id="INC-1", service="api", start=start, end=start + dt.timedelta(hours=1), impact=Impact.OUTAGE),
            Incident(id="INC-2", service="api", start=start, end=None, impact=Impact.DEGRADED),
        ],
        until=start + dt.timedelta(hours=3),
    )
    assert found.references == ("INC-1", "INC-2")
    assert (found.ends - found.starts).tolist() == [3600, 3 * 3600]
