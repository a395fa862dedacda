"""Improvement opportunities (``core.engine.opportunities``) on a small week worked by hand.

Sunday 4 October 2026, six hours from 00:00 UTC (03:00-09:00 in Riyadh), four objectives:

- A ``a/avail`` (portal, Riyadh, time slices, a budget of 10): bad 2 in 01:00-02:00 UTC and 4 in
  03:00-04:00 UTC: 0.6 budgets, in Riyadh's Sunday 04:00 and 06:00;
- B ``b/requests`` (api, UTC, events, a budget of 100): bad 10 in 00:00-01:00 and 30 in
  03:00-04:00: 0.4 budgets;
- C ``c/resolution`` (desk, Riyadh, tickets, a budget of 2): three tickets decided at 06:30,
  07:00 and 07:10 UTC (09:30, 10:00 and 10:10 in Riyadh), the first and the last late: 1.0;
- D ``cloud-uc/uptime`` (network, UTC, a budget of 5), Cloudco's contract: bad 1 in 04:00-05:00.

2.2 budgets in all. Incidents: INC-1 on the network (power) 01:30-03:10, INC-2 on the portal
(change) 03:00-03:30, INC-3 on the api (no cause) 00:00-00:20. The portal depends on the
network; Cloudco's contract covers the network.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from slmo.core.engine.opportunities import (
    Dependencies,
    IncidentSpan,
    Spending,
    Supplier,
    opportunities,
    week_hours,
)
from slmo.core.engine.opportunity_ranking import rank, time_dimension
from slmo.core.model.opportunity import NO_LABEL, Dimension, Opportunities, SpendUnit

H = 3600
T0 = int(dt.datetime(2026, 10, 4, tzinfo=dt.UTC).timestamp())  # a Sunday, 03:00 in Riyadh
HOURS = [T0 + i * H for i in range(6)]
ENDS = [t + H for t in HOURS]


def world() -> tuple[list[Spending], list[IncidentSpan], Dependencies, list[Supplier]]:
    a = Spending.of(
        "a/avail",
        "portal",
        SpendUnit.SLICES,
        10,
        "Asia/Riyadh",
        HOURS,
        ENDS,
        [0, 2, 0, 4, 0, 0],
        [60] * 6,
        bad_seconds=[0, 120, 0, 240, 0, 0],
    )
    b = Spending.of("b/requests", "api", SpendUnit.EVENTS, 100, "UTC", HOURS, ENDS, [10, 0, 0, 30, 0, 0], [1000] * 6)
    decided = [T0 + 6 * H + 1800, T0 + 7 * H, T0 + 7 * H + 600]
    c = Spending.of(
        "c/resolution",
        "desk",
        SpendUnit.TICKETS,
        2,
        "Asia/Riyadh",
        decided,
        [t + 1 for t in decided],
        [1, 0, 1],
        [1, 1, 1],
        labels={"priority": ["P1", "P2", "P1"], "category": ["network", "access", None]},
        references=["T1", "T2", "T3"],
    )
    d = Spending.of("cloud-uc/uptime", "network", SpendUnit.SLICES, 5, "UTC", HOURS, ENDS, [0, 0, 0, 0, 1, 0], [60] * 6)
    incidents = [
        IncidentSpan("INC-1", "network", T0 + H + 1800, T0 + 3 * H + 600, "power"),
        IncidentSpan("INC-2", "portal", T0 + 3 * H, T0 + 3 * H + 1800, "change"),
        IncidentSpan("INC-3", "api", T0, T0 + 1200, None),
    ]
    dependencies = Dependencies(services={"portal": frozenset({"network"})})
    suppliers = [Supplier("cloudco", ("cloud-uc",), frozenset({"network"}), frozenset({"cloud-uc/uptime"}))]
    return [a, b, c, d], incidents, dependencies, suppliers


@pytest.fixture
def found() -> Opportunities:
    spendings, incidents, dependencies, suppliers = world()
    return opportunities(
        spendings,
        start=T0,
        end=T0 + 8 * H,
        period="2026-W40",
        incidents=incidents,
        dependencies=dependencies,
        suppliers=suppliers,
        top=10,
    )


def spent(found: Opportunities, dimension: Dimension) -> dict[str, float]:
    return {s.item: round(s.spent, 9) for s in found.breakdowns[dimension]}


def test_the_whole_and_each_objective(found: Opportunities) -> None:
    assert found.spent == pytest.approx(2.2)
    assert [(o.objective, o.spent, o.budget, o.share) for o in found.objectives] == [
        ("a/avail", 6, 10, 0.6),
        ("b/requests", 40, 100, 0.4),
        ("c/resolution", 2, 2, 1.0),
        ("cloud-uc/uptime", 1, 5, 0.2),
    ]
    assert found.objectives[0].minutes == 6  # 360 bad seconds
    assert found.objectives[1].minutes is None  # events are not time
    # A's and D's bad slices, B's unit 3, C's tickets and D's: 1.5 spent with no incident open.
    assert found.outside_incidents == pytest.approx(1.5)
    assert found.period == "2026-W40" and found.start == dt.datetime(2026, 10, 4, tzinfo=dt.UTC)


def test_by_service(found: Opportunities) -> None:
    assert spent(found, Dimension.SERVICE) == {"desk": 1.0, "portal": 0.6, "api": 0.4, "network": 0.2}
    assert [s.share for s in found.breakdowns[Dimension.SERVICE]] == pytest.approx(
        [1 / 2.2, 0.6 / 2.2, 0.4 / 2.2, 0.2 / 2.2]
    )
    portal = found.breakdowns[Dimension.SERVICE][1]
    assert [(o.objective, o.spent, o.minutes) for o in portal.objectives] == [("a/avail", 6, 6)]


def test_by_time_in_each_objectives_zone(found: Opportunities) -> None:
    # A's hours read in Riyadh (UTC+3), B's and D's in UTC, C's tickets at 09:30 and 10:10 Riyadh.
    assert spent(found, Dimension.WEEK_HOUR) == {
        "sun 09:00": 0.5,
        "sun 10:00": 0.5,
        "sun 04:00": 0.4,  # A's 2 of 10 in Riyadh and D's 1 of 5 in UTC
        "sun 06:00": 0.4,
        "sun 03:00": 0.3,
        "sun 00:00": 0.1,
    }
    assert spent(found, Dimension.WEEKDAY) == {"sun": 2.2}
    assert spent(found, Dimension.HOUR) == {
        "09:00": 0.5,
        "10:00": 0.5,
        "04:00": 0.4,
        "06:00": 0.4,
        "03:00": 0.3,
        "00:00": 0.1,
    }
    expected = {s.item: round(s.expected or 0, 9) for s in found.breakdowns[Dimension.WEEK_HOUR]}
    # An even rate: A 0.1 in each of its six hours, B 0.4 / 6 and D 0.2 / 6 in each of theirs,
    # C's budget over its three tickets (one at 09:30, two in the 10:00 hour).
    assert expected == pytest.approx(
        {"sun 09:00": 1 / 3, "sun 10:00": 2 / 3, "sun 04:00": 0.2, "sun 06:00": 0.1, "sun 03:00": 0.2, "sun 00:00": 0.1}
    )
    assert found.breakdowns[Dimension.WEEKDAY][0].expected == pytest.approx(2.2)


def test_by_cause_split_between_causes_open_together(found: Opportunities) -> None:
    # A's 03:00-04:00 UTC holds the end of INC-1 (power) and INC-2 (change): its 4 bad slices
    # go 2 and 2. With 01:00-02:00 (INC-1) power has 4 of A's 10: 0.4. B's 00:00 hour holds
    # INC-3, which has no cause. The desk and the network's contract spent with none open.
    assert spent(found, Dimension.CAUSE) == {"power": 0.4, "change": 0.2, NO_LABEL: 0.1}
    power, change, unknown = found.breakdowns[Dimension.CAUSE]
    # The evidence: what was spent in the units that overlap each incident, whole.
    assert [(i.id, round(i.spent, 9), i.cause) for i in power.incidents] == [("INC-1", 0.6, "power")]
    assert [(i.id, round(i.spent, 9)) for i in change.incidents] == [("INC-2", 0.4)]
    assert [(i.id, round(i.spent, 9)) for i in unknown.incidents] == [("INC-3", 0.1)]
    assert [(o.objective, o.spent) for o in power.objectives] == [("a/avail", 4)]


def test_by_ticket_category_and_priority(found: Opportunities) -> None:
    assert spent(found, Dimension.TICKET_PRIORITY) == {"P1": 1.0}
    assert spent(found, Dimension.TICKET_CATEGORY) == {NO_LABEL: 0.5, "network": 0.5}
    assert found.breakdowns[Dimension.TICKET_PRIORITY][0].tickets == ("T1", "T3")
    assert [(o.objective, o.spent, o.budget) for o in found.breakdowns[Dimension.TICKET_PRIORITY][0].objectives] == [
        ("c/resolution", 2, 2)
    ]


def test_by_supplier(found: Opportunities) -> None:
    # Cloudco's windows: INC-1 on the network it covers, and the hour its own objective spent
    # (04:00-05:00). The portal relies on it through the network: A's units 01:00 to 05:00 UTC
    # overlap them (6 bad of 10: 0.6); its contract's objective is wholly its (0.2).
    (cloudco,) = found.breakdowns[Dimension.SUPPLIER]
    assert (cloudco.item, round(cloudco.spent, 9), cloudco.contracts) == ("cloudco", 0.8, ("cloud-uc",))
    assert [(o.objective, o.spent) for o in cloudco.objectives] == [("a/avail", 6), ("cloud-uc/uptime", 1)]
    assert [i.id for i in cloudco.incidents] == ["INC-1"]


def test_the_proposals_take_turns(found: Opportunities) -> None:
    # Round one, by budgets spent: the desk 1.0, P1 1.0, Cloudco 0.8, tickets without a category
    # 0.5 (before "network"), Sunday 06:00 0.4 (0.3 beyond an even rate, the most of any hour),
    # power 0.4; round two: the portal 0.6, network tickets 0.5, Sunday 04:00, change.
    assert [(p.rank, p.slice.dimension.value, p.slice.item, p.action) for p in found.proposals] == [
        (1, "service", "desk", "opportunity.action_service"),
        (2, "ticket_priority", "P1", "opportunity.action_ticket_priority"),
        (3, "supplier", "cloudco", "opportunity.action_supplier"),
        (4, "ticket_category", NO_LABEL, "opportunity.action_ticket_category_unrecorded"),
        (5, "week_hour", "sun 06:00", "opportunity.action_time"),
        (6, "cause", "power", "opportunity.action_cause"),
        (7, "service", "portal", "opportunity.action_service"),
        (8, "ticket_category", "network", "opportunity.action_ticket_category"),
        (9, "week_hour", "sun 04:00", "opportunity.action_time"),
        (10, "cause", "change", "opportunity.action_cause"),
    ]
    assert found.proposals[2].args == {"item": "cloudco", "contracts": "cloud-uc"}
    assert found.proposals[4].slice.keys == ("a/avail",)
    assert time_dimension(found.breakdowns) is Dimension.WEEK_HOUR
    # Fewer asked for: the same first ones.
    assert [p.slice.item for p in rank(found.breakdowns, 3)] == ["desk", "P1", "cloudco"]
    assert rank(found.breakdowns, 0) == ()


def test_time_proposes_the_view_that_stands_out() -> None:
    # One objective spending the same every Monday hour but twice as much on Friday: the day
    # of the week stands out more than any one hour.
    start = int(dt.datetime(2026, 10, 5, tzinfo=dt.UTC).timestamp())  # a Monday
    starts = start + H * np.arange(7 * 24)
    bad = np.zeros(7 * 24)
    bad[:24] = 1  # Monday
    bad[4 * 24 : 5 * 24] = 2  # Friday
    one = Spending.of("x/y", "s", SpendUnit.SLICES, 72, "UTC", starts, starts + H, bad, np.full(7 * 24, 60))
    found = opportunities([one], start=start, end=start + 7 * 24 * H)
    # Friday spent 48 / 72 where an even rate gives 1/7 of the whole: 2/3 - 1/7 beyond it.
    assert time_dimension(found.breakdowns) is Dimension.WEEKDAY
    time = next(p for p in found.proposals if p.slice.dimension is Dimension.WEEKDAY)
    assert (time.slice.item, round(time.slice.spent, 9)) == ("fri", round(2 / 3, 9))
    assert time.slice.expected == pytest.approx(1 / 7)


def test_hours_follow_daylight_saving() -> None:
    # Berlin leaves summer time at 01:00 UTC on 25 October 2026: 00:30 and 01:30 UTC are both
    # 02:30 local, and 23:30 UTC the day before is 01:30 local on Sunday.
    at = np.array(
        [
            int(dt.datetime(2026, 10, 24, 23, 30, tzinfo=dt.UTC).timestamp()),
            int(dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC).timestamp()),
            int(dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC).timestamp()),
        ]
    )
    sunday = 6 * 24
    assert week_hours(at, "Europe/Berlin").tolist() == [sunday + 1, sunday + 2, sunday + 2]
    assert week_hours(at, "Asia/Riyadh").tolist() == [sunday + 2, sunday + 3, sunday + 4]


def test_a_zero_budget_is_named_and_left_out() -> None:
    full = Spending.of("z/perfect", "s", SpendUnit.EVENTS, 0, "UTC", [T0], [T0 + H], [3], [10])
    other = Spending.of("o/k", "s", SpendUnit.EVENTS, 4, "UTC", [T0], [T0 + H], [1], [10])
    found = opportunities([full, other], start=T0, end=T0 + H)
    assert found.unbudgeted == ("z/perfect",)
    assert found.spent == 0.25
    assert [o.objective for o in found.breakdowns[Dimension.SERVICE][0].objectives] == ["o/k"]


def test_nothing_spent_proposes_nothing() -> None:
    quiet = Spending.of("q/q", "s", SpendUnit.EVENTS, 4, "UTC", HOURS, ENDS, [0] * 6, [10] * 6)
    found = opportunities([quiet], start=T0, end=T0 + 6 * H, top=5)
    assert found.spent == 0 and found.proposals == ()
    assert all(rows == () for rows in found.breakdowns.values())


@pytest.mark.parametrize(
    ("ends", "bad", "total", "message"),
    [
        ([T0 + H], [1, 1], [2, 2], "ends has 1 values for 2 units"),
        ([T0 + H, T0 + H], [1, 1], [2, 2], "units must be non-empty"),
        ([T0 + H, T0 + 2 * H], [3, 1], [2, 2], "bad must lie between 0 and total"),
    ],
)
def test_bad_spendings_are_refused(ends: list[int], bad: list[int], total: list[int], message: str) -> None:
    starts = [T0, T0 + H]
    with pytest.raises(ValueError, match=message):
        Spending.of("x/y", None, SpendUnit.EVENTS, 1, "UTC", starts, ends, bad, total)


def test_labels_and_top_are_checked() -> None:
    with pytest.raises(ValueError, match="label 'priority' has 1 values for 2 units"):
        Spending.of(
            "x/y",
            None,
            SpendUnit.TICKETS,
            1,
            "UTC",
            [T0, T0],
            [T0 + 1, T0 + 1],
            [1, 0],
            [1, 1],
            labels={"priority": ["P1"]},
        )
    with pytest.raises(ValueError, match="top must be 0 or more"):
        opportunities([], start=T0, end=T0, top=-1)
