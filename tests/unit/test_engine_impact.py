"""Dependency impact in the engine (``core.engine.impact``) and claim deadlines
(``core.engine.claims``), on small cases worked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from slmo.core.engine.claims import claim_deadline, days_left, urgency
from slmo.core.engine.grid import BucketGrid
from slmo.core.engine.impact import bad_time, overlapping, union, upstream, weakest_first
from slmo.core.engine.windows import Span, named_period
from slmo.core.model import (
    BudgetingMethod,
    LocalizedText,
    MaintenancePolicy,
    Objective,
    Service,
    TimeSlice,
    Window,
    WindowUnit,
)
from slmo.core.model.claims import Claim, ClaimStatus, Urgency
from slmo.core.model.impact import LinkKind, LinkStanding, Upstream
from slmo.core.model.ledger import CreditBasis

MINUTE = 60


def _service(name: str, services: tuple[str, ...] = (), suppliers: tuple[str, ...] = ()) -> Service:
    return Service(
        name=name, display_name=LocalizedText(en=name), depends_on_services=services, depends_on_suppliers=suppliers
    )


def _objective(budgeting: BudgetingMethod = BudgetingMethod.TIMESLICES, slice_seconds: int = MINUTE) -> Objective:
    return Objective(
        name="up",
        display_name=LocalizedText(en="up"),
        indicator="i",
        target=0.99,
        window=Window(length=1, unit=WindowUnit.DAY, rolling=False),
        budgeting=budgeting,
        time_slice=None if budgeting is BudgetingMethod.OCCURRENCES else TimeSlice(seconds=slice_seconds, target=1.0),
    )


# -- upstream ---------------------------------------------------------------------------------------


def test_upstream_is_transitive_nearest_first_and_survives_cycles() -> None:
    # portal -> api -> db -> api (a cycle), portal -> cdn; suppliers at each level.
    services = {
        s.name: s
        for s in (
            _service("portal", ("api", "cdn"), ("cloud",)),
            _service("api", ("db",)),
            _service("db", ("api",), ("cloud", "telco")),
            _service("cdn"),
        )
    }
    found = upstream(services, "portal")
    assert [(u.kind.value, u.name, u.depth, u.via) for u in found] == [
        ("service", "api", 1, ()),
        ("service", "cdn", 1, ()),
        ("supplier", "cloud", 1, ()),
        ("service", "db", 2, ("api",)),
        # telco is reached through api and db; cloud only once, at its shortest distance.
        ("supplier", "telco", 3, ("api", "db")),
    ]


def test_a_service_is_never_its_own_upstream_and_unknown_ones_are_listed_not_followed() -> None:
    services = {s.name: s for s in (_service("a", ("b", "ghost")), _service("b", ("a",)))}
    assert [(u.name, u.depth) for u in upstream(services, "a")] == [("b", 1), ("ghost", 1)]
    assert upstream(services, "missing") == []


# -- bad time -----------------------------------------------------------------------------------------


def test_bad_time_of_time_slices_counts_a_bad_slice_whole() -> None:
    # Ten 1-minute slices; slices 2, 3 and 4 down, slice 7 half up: with a slice target of 1.0
    # a half-up minute is a bad minute, so 4 bad minutes = 240 s.
    good = np.ones(10)
    good[2:5] = 0
    good[7] = 0.5
    bad = bad_time(_objective(), BucketGrid.of(0, MINUTE, good, np.ones(10)), Span(0, 600))
    assert bad.seconds == 240
    assert bad.edges.tolist() == list(range(0, 601, 60))
    runs = bad.intervals()
    assert (runs[0].tolist(), runs[1].tolist()) == ([120, 420], [300, 480])
    # Failing from 150 to 330 s covers half of slice 2 (30 s), slices 3 and 4 (120 s), and half
    # of slice 5, which was good: 150 s of the 240.
    assert bad.cover([150], [330]).tolist() == [0, 0, 0.5, 1, 1, 0.5, 0, 0, 0, 0]
    assert bad.overlap([150], [330]) == 150


def test_bad_time_of_occurrences_is_the_failed_events_share_of_each_bucket() -> None:
    # 90 of 100 good in minute 0 (10 % bad: 6 s), 50 of 100 in minute 2 (30 s): 36 s.
    grid = BucketGrid.of(0, MINUTE, [90, 100, 50, 100], [100, 100, 100, 100])
    bad = bad_time(_objective(BudgetingMethod.OCCURRENCES), grid, Span(0, 240))
    assert bad.seconds == pytest.approx(36)
    # Failing over [30, 150) covers half of minutes 0 and 2: min(10 %, 50 %) of 60 s + min(50 %,
    # 50 %) of 60 s = 6 + 30: the failing covers all the bad time slmo can place there.
    assert bad.overlap([30], [150]) == pytest.approx(36)
    # Over [0, 20): a third of minute 0 is failing, more than its 10 % bad share: 6 s.
    assert bad.overlap([0], [20]) == pytest.approx(6)


def test_bad_time_leaves_out_maintenance_and_time_outside_service_hours() -> None:
    # Four minutes all down; minute 1 is outside service hours, minute 2 agreed maintenance:
    # 2 counted bad minutes. Failing throughout covers both.
    grid = BucketGrid.of(
        0, MINUTE, [0, 0, 0, 0], [1, 1, 1, 1], service=[True, False, True, True], excluded=[False, False, True, False]
    )
    objective = _objective()
    assert objective.maintenance is MaintenancePolicy.EXCLUDE
    bad = bad_time(objective, grid, Span(0, 240))
    assert bad.seconds == 120
    assert bad.overlap([0], [240]) == 120


def test_bad_time_of_five_minute_slices_over_one_minute_buckets() -> None:
    # Ten 1-minute buckets in two 5-minute slices; one bad minute in the second: one bad slice of 300 s.
    good = np.ones(10)
    good[6] = 0
    objective = _objective(slice_seconds=300)
    bad = bad_time(objective, BucketGrid.of(0, MINUTE, good, np.ones(10)), Span(0, 600))
    assert (bad.edges.tolist(), bad.seconds) == ([0, 300, 600], 300)
    # Failing over the bad minute alone covers a fifth of the slice: 60 s of it.
    assert bad.overlap([360], [420]) == pytest.approx(60)


def test_bad_time_takes_only_the_units_in_the_span() -> None:
    good = np.zeros(10)
    bad = bad_time(_objective(), BucketGrid.of(0, MINUTE, good, np.ones(10)), Span(120, 300))
    assert (bad.edges.tolist(), bad.seconds) == ([120, 180, 240, 300], 180)
    assert bad_time(_objective(), BucketGrid.of(0, MINUTE, good, np.ones(10)), Span(300, 300)).seconds == 0


def test_union_and_overlapping_incidents() -> None:
    starts, ends = union([([0, 100], [50, 150]), ([40], [120])])
    assert (starts.tolist(), ends.tolist()) == ([0], [150])
    assert union([])[0].size == 0
    good = np.ones(10)
    good[2:4] = 0  # bad from 120 to 240
    bad = bad_time(_objective(), BucketGrid.of(0, MINUTE, good, np.ones(10)), Span(0, 600))
    # Incidents [0, 120) (touches, does not meet), [200, 500) (meets), [300, 400) (after).
    assert overlapping([0, 200, 300], [120, 500, 400], bad).tolist() == [False, True, False]


# -- the weakest link ---------------------------------------------------------------------------------


def test_weakest_link_is_the_lowest_attainment_ties_to_the_nearer() -> None:
    def link(kind: LinkKind, name: str, depth: int, attainment: float | None) -> LinkStanding:
        return LinkStanding(link=Upstream(kind=kind, name=name, depth=depth), attainment=attainment)

    ordered = weakest_first(
        [
            link(LinkKind.SERVICE, "network", 1, 0.9995),
            link(LinkKind.SUPPLIER, "cloud", 1, None),
            link(LinkKind.SERVICE, "db", 2, 0.998),
            link(LinkKind.SUPPLIER, "telco", 1, 0.998),
            link(LinkKind.SERVICE, "dns", 1, 0.998),
        ]
    )
    # 99.8 % three times: dns and telco at depth 1 (the service first), then db at depth 2;
    # the one without data last.
    assert [s.link.name for s in ordered] == ["dns", "telco", "db", "network", "cloud"]


# -- claim deadlines --------------------------------------------------------------------------------


def _claim(deadline: dt.datetime | None, status: ClaimStatus = ClaimStatus.DUE) -> Claim:
    return Claim(
        agreement="github-uc",
        supplier="github",
        period="2026-08",
        basis=CreditBasis.SCHEDULE,
        clause="",
        amount=Decimal("5250.00"),
        currency="USD",
        deadline=deadline,
        file_by=None,
        created_at=dt.datetime(2026, 9, 2, tzinfo=dt.UTC),
        status=status,
    )


def test_claim_deadline_counts_local_days_after_the_period() -> None:
    # August 2026 in UTC ends at 1 September 00:00; 30 days later the window closes at
    # 1 October 00:00, and 30 September is its last day.
    closes, last = claim_deadline(named_period("2026-08", "UTC"), 30, "UTC")
    assert (closes, last) == (dt.datetime(2026, 10, 1, tzinfo=dt.UTC), dt.date(2026, 9, 30))
    # In Riyadh (UTC+3) October ends at local midnight of 1 November (2026-10-31T21:00Z); 60
    # days on (30 in November, 30 in December) the window closes at local midnight of
    # 31 December, 2026-12-30T21:00Z; its last day is 30 December.
    closes, last = claim_deadline(named_period("2026-10", "Asia/Riyadh"), 60, "Asia/Riyadh")
    assert closes.astimezone(dt.UTC) == dt.datetime(2026, 12, 30, 21, tzinfo=dt.UTC)
    assert last == dt.date(2026, 12, 30)
    # A quarter in New York, across the end of daylight saving time (1 November 2026): Q3 ends
    # at local midnight of 1 October (04:00Z); 45 days on is 15 November, EST, 05:00Z.
    closes, last = claim_deadline(named_period("2026-Q3", "America/New_York"), 45, "America/New_York")
    assert closes.astimezone(dt.UTC) == dt.datetime(2026, 11, 15, 5, tzinfo=dt.UTC)
    assert last == dt.date(2026, 11, 14)
    with pytest.raises(ValueError, match="at least a day"):
        claim_deadline(named_period("2026-08", "UTC"), 0, "UTC")


def test_urgency_and_days_left() -> None:
    closes = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    due = _claim(closes)
    # 20 September 09:00: 10 days 15 hours left, 11 days rounded up; within 14 days: soon.
    at = dt.datetime(2026, 9, 20, 9, tzinfo=dt.UTC)
    assert (urgency(due, at, 14), days_left(due, at)) == (Urgency.SOON, 11)
    assert urgency(due, at, 10) is Urgency.OPEN
    # On the last day, an hour before midnight: one day left.
    at = dt.datetime(2026, 9, 30, 23, tzinfo=dt.UTC)
    assert (urgency(due, at, 0), days_left(due, at)) == (Urgency.OPEN, 1)
    # At the deadline and after: overdue, the days since rounded up.
    assert (urgency(due, closes, 14), days_left(due, closes)) == (Urgency.OVERDUE, 0)
    at = closes + dt.timedelta(days=2, hours=1)
    assert (urgency(due, at, 14), days_left(due, at)) == (Urgency.OVERDUE, -3)
    # Filed, or without a window.
    assert urgency(_claim(closes, ClaimStatus.FILED), at, 14) is Urgency.SETTLED
    assert (urgency(_claim(None), at, 14), days_left(_claim(None), at)) == (Urgency.OPEN, None)
