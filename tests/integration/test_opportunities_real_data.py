"""Improvement opportunities on a real service desk: the UCI ServiceNow incident log (24,918
tickets, 2016-2017) read with the ServiceNow preset into the in-memory store, timed against a
resolution objective with the documented reading of the log's SLA (docs/tickets.md: 24x7 in
UTC, P1 4 h, P2 8 h, P3 72 h, P4 120 h), 90 % in time a month.

What the service finds for March 2016 is checked against the tickets timed directly by the
engine (``ticket_timers``, as ``test_ticket_real_data`` does), counted per priority and category
with plain Python: a late ticket spends one ticket of a budget of 10 % of the tickets decided.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterator

import numpy as np
import pytest

from slmo.bootstrap import Slmo, in_memory
from slmo.core.engine.clock import BusinessClock
from slmo.core.engine.ticket_compliance import decided_in
from slmo.core.engine.tickets import TicketFrame, ticket_timers
from slmo.core.model import TargetUnit, TicketClock, TicketTargets
from slmo.core.model.audit import Actor
from slmo.core.model.opportunity import Dimension, Opportunities
from slmo.sources.ticket_presets import SERVICENOW
from slmo.sources.tickets import TicketRead, read_tickets
from tests.conftest import SHARED, require
from tests.factories import PARTY, SERVICE
from tests.report_support import FixedClock

UCI = SHARED / "data" / "uci-incident-event-log" / "incident_event_log.csv.gz"
H = 3600
TARGETS = {"P1": 4 * H, "P2": 8 * H, "P3": 72 * H, "P4": 120 * H}
MARCH = (
    int(dt.datetime(2016, 3, 1, tzinfo=dt.UTC).timestamp()),
    int(dt.datetime(2016, 4, 1, tzinfo=dt.UTC).timestamp()),
)
ACTOR = Actor(name="tester", interface="cli")
DESK = """\
apiVersion: slmo/v1
kind: Indicator
metadata:
  name: desk-resolution
spec:
  service: desk
  kind: ticket
  ticket: {clock: resolution, priorities: [P1, P2, P3, P4]}
---
apiVersion: slmo/v1
kind: Agreement
metadata:
  name: desk-sla
spec:
  type: sla
  parties:
    - {party: ministry, role: customer}
  services: [desk]
  versions:
    - version: 1
      state: active
      objectives:
        - name: resolution
          indicator: desk-resolution
          target: 0.9
          window: {calendar: month}
          tickets:
            unit: calendar
            targets: {P1: 4h, P2: 8h, P3: 72h, P4: 120h}
"""


@pytest.fixture(scope="module")
def log() -> TicketRead:
    require(UCI.is_file(), f"{UCI} is missing")
    with UCI.open("rb") as handle:
        return read_tickets(handle, UCI.name, SERVICENOW, now_epoch=int(time.time()), tz="UTC", service="desk")


@pytest.fixture(scope="module")
def desk(log: TicketRead) -> Iterator[Slmo]:
    with in_memory(clock=FixedClock(dt.datetime(2017, 6, 1, tzinfo=dt.UTC))) as slmo:
        text = "---\n".join(
            [PARTY.format(name="ministry", type="customer"), SERVICE.format(name="desk", owner="ministry"), DESK]
        )
        slmo.catalogue.apply(slmo.codec.load_text(text, "desk.yaml"), ACTOR)
        # The tickets as ``slmo ingest tickets --preset servicenow --service desk`` reads them
        # (read once for both sides of the comparison: the log takes seconds to read).
        with slmo.reports._uow() as uow:
            assert uow.tickets.put(log.tickets) == 24_918
            uow.commit()
        yield slmo


@pytest.fixture(scope="module")
def march(desk: Slmo) -> Opportunities:
    started = time.perf_counter()
    found = desk.opportunities.find("2016-03", top=5)
    # Timing 24,918 tickets and breaking March down stays interactive.
    assert time.perf_counter() - started < 30
    return found


def direct(log: TicketRead) -> tuple[int, Counter[str], Counter[str]]:
    """Tickets decided in March 2016 and the late ones per priority and per category, from the
    log timed by the engine alone."""
    frame = TicketFrame.of(log.tickets)
    at = MARCH[1] - 1
    clock = BusinessClock.always_open((int(frame.opened.min()) - 86400, at + 400 * 86400))
    timers = ticket_timers(
        frame, TicketTargets(unit=TargetUnit.CALENDAR, targets=TARGETS), TicketClock.RESOLUTION, now=at, clock=clock
    )
    chosen = decided_in(timers, MARCH[0], MARCH[1])
    late = np.flatnonzero(chosen & timers.breached)
    priorities = Counter(frame.priorities[int(timers.priority[i])] for i in late)
    categories = Counter(log.tickets[int(i)].category or "-" for i in late)
    return int(chosen.sum()), priorities, categories


def test_march_2016_by_priority_and_category(march: Opportunities, log: TicketRead) -> None:
    decided, priorities, categories = direct(log)
    (objective,) = march.objectives
    assert (objective.objective, objective.spent) == ("desk-sla/resolution", sum(priorities.values()))
    assert objective.budget == pytest.approx(0.1 * decided)
    budget = 0.1 * decided
    found = {s.item: s.spent for s in march.breakdowns[Dimension.TICKET_PRIORITY]}
    assert found == pytest.approx({p: n / budget for p, n in priorities.items()})
    found = {s.item: s.spent for s in march.breakdowns[Dimension.TICKET_CATEGORY]}
    assert found == pytest.approx({c: n / budget for c, n in categories.items()})
    # The whole period is the desk's, spent with no incident recorded.
    assert march.spent == pytest.approx(sum(priorities.values()) / budget)
    assert march.outside_incidents == pytest.approx(march.spent)


def test_march_2016_figures(march: Opportunities) -> None:
    # Measured once from the log and kept: 8,726 tickets decided in March 2016, 3,844 of them
    # late (a budget of 872.6: 4.41 budgets spent), nine in ten of them P3. Tickets breach on
    # Saturdays at twice the rate of their share of decided tickets (the clock runs 24x7, the
    # desk does not): Saturday is the time proposed.
    (objective,) = march.objectives
    assert (objective.spent, round(objective.budget, 1)) == (3_844, 872.6)
    top = march.breakdowns[Dimension.TICKET_CATEGORY][:3]
    assert [(s.item, round(s.spent, 3)) for s in top] == [
        ("Category 26", 0.635),
        ("Category 53", 0.494),
        ("Category 46", 0.484),
    ]
    assert [(s.item, round(s.share, 4)) for s in march.breakdowns[Dimension.TICKET_PRIORITY]] == [
        ("P3", 0.9147),
        ("P4", 0.0382),
        ("P2", 0.0284),
        ("P1", 0.0187),
    ]
    saturday = next(s for s in march.breakdowns[Dimension.WEEKDAY] if s.item == "sat")
    assert (round(saturday.spent, 3), round(saturday.expected or 0, 3)) == (0.86, 0.452)
    assert [(p.slice.dimension.value, p.slice.item) for p in march.proposals] == [
        ("service", "desk"),
        ("ticket_priority", "P3"),
        ("weekday", "sat"),
        ("ticket_category", "Category 26"),
        ("weekday", "sun"),
    ]
