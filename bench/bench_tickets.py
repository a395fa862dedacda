"""Ticket engine benchmark: a year of tickets with status histories, timed on an objective.

Builds N tickets (default 1,000,000) on the Saudi week (Sunday to Thursday 08:00-16:00,
Asia/Riyadh, Saudi holidays), each with a history of 3 to 6 status changes: New, Active,
sometimes an "Awaiting User Info" pause, sometimes a priority change, sometimes a reopen,
then Resolved. Times ``ticket_timers`` (history to pauses, segments, deadlines, elapsed time,
immutable breaches and three warnings per ticket) and then the compliance per priority, and
as the reference measured in the same run, the business clock alone on the same tickets
(elapsed time and deadlines with the same pauses). Prints the figures and the ratio.

    .venv/bin/python -m bench.bench_tickets [--tickets 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from bench.bench_clock import CALENDAR, FIRST, LAST, best_of, epoch

from slmo.calendars import HolidayCalendarExpander
from slmo.core.engine.clock import BusinessClock
from slmo.core.engine.clock_pauses import Pauses
from slmo.core.engine.ticket_compliance import compliance, decided_in
from slmo.core.engine.tickets import TicketFrame, ticket_timers
from slmo.core.model import TicketClock, TicketTargets

HOUR, DAY = 3600, 86_400
STATUSES = ("New", "Active", "Awaiting User Info", "Resolved")
PRIORITIES = ("P1", "P2", "P3", "P4")
SPEC = TicketTargets(
    targets={"P1": 4 * HOUR, "P2": 8 * HOUR, "P3": 24 * HOUR, "P4": 40 * HOUR},
    pause_statuses=("Awaiting User Info",),
)


def frame(n: int, seed: int = 7) -> TicketFrame:
    """N tickets opened over 2025, histories as flat arrays (New, Active, [pause, Active],
    [reopen: Resolved, Active], Resolved), a tenth with a priority change at Active."""
    rng = np.random.default_rng(seed)
    opened = rng.integers(epoch(FIRST) + 31 * DAY, epoch(LAST) - 400 * DAY, n)
    prio = rng.integers(0, 4, n).astype(np.int32)
    paused = rng.random(n) < 0.3
    reopened = rng.random(n) < 0.05
    length = 3 + 2 * paused + 2 * reopened
    owner = np.repeat(np.arange(n, dtype=np.int64), length)
    first = np.cumsum(length) - length
    k = np.arange(owner.size) - first[owner]
    steps = rng.integers(10 * 60, 2 * DAY, owner.size)
    steps[k == 0] = 0
    at = opened[owner] + np.cumsum(steps) - np.repeat(np.cumsum(steps)[first], length)
    # status by position: New, Active, then (pause, Active), then (Resolved, Active), then Resolved
    status = np.full(owner.size, 1, dtype=np.int32)
    status[k == 0] = 0
    last = k == length[owner] - 1
    status[last] = 3
    pause_at = paused[owner] & (k == 2)
    status[pause_at] = 2
    reopen_at = reopened[owner] & (k == length[owner] - 3)
    status[reopen_at] = 3
    change = prio[owner].copy()
    bump = (rng.random(n) < 0.1)[owner] & (k >= 1)
    change[bump] = np.maximum(change[bump] - 1, 0)
    none = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    return TicketFrame(
        opened=opened,
        acknowledged=none,
        resolved=none,
        priority=change[first + length - 1],
        change_owner=owner,
        change_at=at,
        change_status=status,
        change_priority=change,
        statuses=STATUSES,
        priorities=PRIORITIES,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    began = time.perf_counter()
    expander = HolidayCalendarExpander()
    span = (epoch(FIRST), epoch(LAST))
    clock = BusinessClock.from_service(expander.service_intervals(CALENDAR, *span), span=span, name=CALENDAR.name)
    built = time.perf_counter() - began
    tickets = frame(args.tickets)
    now = int(tickets.change_at.max()) + 1
    print(f"{args.tickets:,} tickets, {tickets.change_at.size:,} status changes; clock built in {built:.2f} s")

    found = ticket_timers(tickets, SPEC, TicketClock.RESOLUTION, now=now, clock=clock)
    engine = best_of(args.repeat, lambda: ticket_timers(tickets, SPEC, TicketClock.RESOLUTION, now=now, clock=clock))
    selected = decided_in(found, epoch(FIRST), now)
    figures = best_of(
        args.repeat,
        lambda: [compliance(found, selected & (found.priority == p)) for p in range(len(PRIORITIES))],
    )

    # Reference: the clock alone on the same tickets (the start, stop, targets and pauses the
    # engine found), elapsed time and deadlines with pauses.
    stop = np.where(found.stop > 0, found.stop, now)
    sel = np.isin(tickets.change_status, [2])
    nxt = np.append(tickets.change_at[1:], now)
    pauses = Pauses.of(tickets.change_at[sel], nxt[sel], tickets.change_owner[sel]).merge()
    reference = best_of(
        args.repeat,
        lambda: (
            clock.elapsed_with_pauses(found.start, stop, pauses),
            clock.deadline_with_pauses(found.start, found.target, pauses),
        ),
    )
    print(f"ticket engine (timers, breaches, warnings): {engine * 1000:,.0f} ms")
    print(f"compliance per priority:                    {figures * 1000:,.0f} ms")
    print(f"clock alone (elapsed + deadlines, pauses):  {reference * 1000:,.0f} ms")
    print(f"ratio engine / clock alone:                 {engine / reference:.1f}x")
    print(f"breached: {int(found.breached.sum()):,} of {int(found.counted.sum()):,} counted")


if __name__ == "__main__":
    main()
