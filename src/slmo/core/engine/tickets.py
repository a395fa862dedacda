"""Ticket timers: from status histories and an objective's ticket targets to each ticket's
clock start, pauses, stop, elapsed time, deadline, breach and warnings, for arrays of tickets.

The rules (docs/tickets.md, shared/sla-clock-cases.md):
- pauses are the intervals a ticket spends in a pause status; for the resolution clock the
  solved time before a reopen is one too (case 17, ``resume``), so a reopened ticket resumes;
- ``new_cycle`` starts a fresh clock at each reopen; the ticket is in time only if every
  cycle is;
- a priority change cuts the ticket into segments; the target of each segment counts from
  the cycle's start (``retroactive``, case 14) or from the change (``from_change``);
- a segment is breached when its elapsed time at the segment's end exceeds its target; the
  breach instant is that segment's deadline. Breaches are kept whatever comes later: a
  downgrade (case 15) or a pause (case 23) never erases one;
- ``from_attachment`` starts the clock no earlier than the objective came into force (case 21).

Everything is numpy over all tickets at once: the history becomes flat arrays of segments
("rows") and pauses owned by them, and the business clock answers for all rows together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from slmo.core.engine.clock import BusinessClock
from slmo.core.engine.clock_days import WorkingDays
from slmo.core.engine.clock_pauses import Pauses
from slmo.core.engine.clock_units import ClockUnit, deadlines, elapsed
from slmo.core.engine.windows import epoch_seconds
from slmo.core.model.indicator import TicketClock
from slmo.core.model.ticket import (
    AttachPolicy,
    PriorityChangePolicy,
    ReopenPolicy,
    Ticket,
    TicketTargets,
)

Seconds = NDArray[np.int64]
Codes = NDArray[np.int32]
MISSING = np.iinfo(np.int64).min


def _codes(values: Sequence[str], names: dict[str, int]) -> Codes:
    return np.fromiter((names.setdefault(v, len(names)) for v in values), dtype=np.int32, count=len(values))


@dataclass(frozen=True)
class TicketFrame:
    """Tickets as arrays: ``n`` tickets and ``m`` status changes sorted by (ticket, instant,
    sequence). Missing instants are ``MISSING``; statuses and priorities are codes into
    ``statuses`` and ``priorities``."""

    opened: Seconds
    acknowledged: Seconds
    resolved: Seconds
    priority: Codes
    change_owner: NDArray[np.int64]
    change_at: Seconds
    change_status: Codes
    change_priority: Codes
    statuses: tuple[str, ...]
    priorities: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.opened.size)

    @classmethod
    def of(cls, tickets: Sequence[Ticket]) -> TicketFrame:
        statuses: dict[str, int] = {}
        priorities: dict[str, int] = {}

        def at(t: object) -> int:
            return MISSING if t is None else epoch_seconds(t)  # type: ignore[arg-type]

        owner: list[int] = []
        when: list[int] = []
        status: list[str] = []
        prio: list[str] = []
        for i, ticket in enumerate(tickets):
            changes = sorted(ticket.history, key=lambda c: (c.at, c.sequence))
            known = [c.priority for c in changes if c.priority is not None]
            current = known[0] if known else ticket.priority
            for change in changes:
                current = change.priority or current
                owner.append(i)
                when.append(epoch_seconds(change.at))
                status.append(change.status)
                prio.append(current)
        return cls(
            opened=np.array([epoch_seconds(t.opened) for t in tickets], dtype=np.int64),
            acknowledged=np.array([at(t.acknowledged) for t in tickets], dtype=np.int64),
            resolved=np.array([at(t.resolved) for t in tickets], dtype=np.int64),
            priority=_codes([t.priority for t in tickets], priorities),
            change_owner=np.array(owner, dtype=np.int64),
            change_at=np.array(when, dtype=np.int64),
            change_status=_codes(status, statuses),
            change_priority=_codes(prio, priorities),
            statuses=tuple(statuses),
            priorities=tuple(priorities),
        )


@dataclass(frozen=True)
class TicketTimers:
    """Per ticket. ``counted`` is False for a ticket whose priority has no target (or that
    opened after the evaluation instant); ``stop`` is MISSING while the clock runs;
    ``elapsed`` is up to the stop or the evaluation instant; ``left`` is business seconds to
    the deadline (negative when overdue); ``decided`` is when the verdict became final: the
    breach instant, else the stop."""

    counted: NDArray[np.bool_]
    start: Seconds
    stop: Seconds
    deadline: Seconds
    target: Seconds
    elapsed: Seconds
    left: Seconds
    breached: NDArray[np.bool_]
    breached_at: Seconds
    warnings: Seconds  # [n, len(warning levels)], MISSING when not crossed
    paused: Seconds
    priority: Codes
    decided: Seconds


def _next_in_owner(owner: NDArray[np.int64], values: Seconds, fill: Seconds) -> Seconds:
    """values[j + 1] where row j + 1 has the same owner, else fill[owner[j]]."""
    out = fill[owner].copy()
    if owner.size > 1:
        same = owner[1:] == owner[:-1]
        out[:-1] = np.where(same, values[1:], out[:-1])
    return out


def _group_last(owner: NDArray[np.int64], n: int) -> NDArray[np.int64]:
    """Index of the last row of each owner (rows sorted by owner), -1 where none."""
    last = np.full(n, -1, dtype=np.int64)
    last[owner] = np.arange(owner.size)
    return last


def ticket_timers(
    frame: TicketFrame,
    spec: TicketTargets,
    which: TicketClock,
    *,
    now: int,
    clock: BusinessClock,
    days: WorkingDays | None = None,
    attached: int | None = None,
) -> TicketTimers:
    """Every ticket's timers on ``clock`` at the instant ``now`` (later changes are ignored)."""
    n = len(frame)
    unit = ClockUnit(spec.unit.value)
    codes = {name: k for k, name in enumerate(frame.statuses)}
    pause_codes = np.array([codes[s] for s in spec.pause_statuses if s in codes], dtype=np.int32)
    resolved_codes = np.array([codes[s] for s in spec.resolved_statuses if s in codes], dtype=np.int32)
    new_codes = np.array([codes[s] for s in spec.new_statuses if s in codes], dtype=np.int32)
    target_of = np.full(len(frame.priorities) + 1, -1, dtype=np.int64)
    for k, name in enumerate(frame.priorities):
        target_of[k] = spec.targets.get(name, -1)

    keep = frame.change_at <= now
    o, at = frame.change_owner[keep], frame.change_at[keep]
    st, pr = frame.change_status[keep], frame.change_priority[keep]
    m = o.size
    first_change = np.full(n, -1, dtype=np.int64)
    if m:
        first_change[o[::-1]] = np.arange(m)[::-1]
    last_change = _group_last(o, n)
    has_history = last_change >= 0

    # -- the clock's start and stop ---------------------------------------------------------
    start = frame.opened.copy()
    if attached is not None and spec.policies.attached is AttachPolicy.FROM_ATTACHMENT:
        start = np.maximum(start, attached)
    is_res = np.isin(st, resolved_codes)
    is_pause = np.isin(st, pause_codes)
    same_prev = np.zeros(m, dtype=bool)
    same_prev[1:] = o[1:] == o[:-1]
    prev_res = np.zeros(m, dtype=bool)
    prev_res[1:] = is_res[:-1]
    reopen = same_prev & prev_res & ~is_res
    # The last change that is not a resolution: resolved changes after it form the final run.
    last_open = np.full(n, -1, dtype=np.int64)
    last_open[o[~is_res]] = np.flatnonzero(~is_res)
    final_run = is_res & (np.arange(m) > last_open[o])
    if which is TicketClock.RESOLUTION:
        # A batch in which no ticket has a status history yet has nothing to index.
        ends_resolved = has_history & (is_res[np.maximum(last_change, 0)] if m else False)
        run_start = np.full(n, MISSING, dtype=np.int64)
        first_final = np.flatnonzero(final_run & ~(same_prev & prev_res))
        run_start[o[first_final]] = at[first_final]
        last_reopen = np.full(n, MISSING, dtype=np.int64)
        last_reopen[o[reopen]] = at[reopen]
        field = frame.resolved
        use_field = (field != MISSING) & (field <= now) & (field >= last_reopen)
        stop = np.where(has_history, np.where(ends_resolved, np.where(use_field, field, run_start), MISSING), field)
        stop = np.where((stop != MISSING) & (stop > now), MISSING, stop)
        paused_status = is_pause | (is_res & ~final_run)
    else:
        responded = ~np.isin(st, new_codes)
        first_resp = np.full(n, MISSING, dtype=np.int64)
        idx = np.flatnonzero(responded)[::-1]
        first_resp[o[idx]] = at[idx]
        ack = frame.acknowledged
        stop = np.where((ack != MISSING) & (ack <= now), ack, first_resp)
        paused_status = is_pause
        reopen = np.zeros(m, dtype=bool)
    stop = np.where(stop != MISSING, np.maximum(stop, start), MISSING)
    end = np.where(stop != MISSING, stop, np.maximum(now, start))

    # -- pauses: the intervals in a pause status, owned by tickets ----------------------------
    pause_end = _next_in_owner(o, at, end)
    pj = np.flatnonzero(paused_status)
    held = Pauses.of(at[pj], np.maximum(pause_end[pj], at[pj]), o[pj]).merge()

    # -- rows: the clock's start, each priority change and (new_cycle) each reopen -----------
    prio_change = np.zeros(m, dtype=bool)
    prio_change[1:] = same_prev[1:] & (pr[1:] != pr[:-1])
    cut = prio_change | (reopen if spec.policies.reopen is ReopenPolicy.NEW_CYCLE else False)
    cut &= at < end[o]
    cj = np.flatnonzero(cut)
    initial = np.where(has_history, pr[np.maximum(first_change, 0)], frame.priority) if m else frame.priority.copy()
    row_owner = np.concatenate((np.arange(n, dtype=np.int64), o[cj]))
    row_at = np.concatenate((start, np.maximum(at[cj], start[o[cj]])))
    row_prio = np.concatenate((initial, pr[cj]))
    row_cycle = np.concatenate((np.ones(n, dtype=bool), reopen[cj] & (spec.policies.reopen is ReopenPolicy.NEW_CYCLE)))
    order = np.lexsort(
        (np.concatenate((np.zeros(n, dtype=np.int8), np.ones(cj.size, dtype=np.int8))), row_at, row_owner)
    )
    row_owner, row_at, row_prio, row_cycle = row_owner[order], row_at[order], row_prio[order], row_cycle[order]
    r = row_owner.size
    cycle_row = np.maximum.accumulate(np.where(row_cycle, np.arange(r), 0))
    row_start = row_at if spec.policies.priority_change is PriorityChangePolicy.FROM_CHANGE else row_at[cycle_row]
    row_end = _next_in_owner(row_owner, row_at, end)
    row_target = target_of[row_prio]
    has_target = row_target >= 0
    row_goal = np.maximum(row_target, 0)

    counts = np.bincount(row_owner, minlength=n)
    first_row = np.cumsum(counts) - counts
    p_owner = held.owner
    rep = counts[p_owner]
    pick = np.repeat(np.arange(p_owner.size), rep)
    offset = np.arange(pick.size) - np.repeat(np.cumsum(rep) - rep, rep)
    row_pauses = Pauses.of(held.starts[pick], held.ends[pick], first_row[p_owner[pick]] + offset).merge()

    row_deadline = deadlines(unit, row_start, row_goal, clock=clock, days=days, pauses=row_pauses)
    row_elapsed = elapsed(unit, row_start, row_end, clock=clock, pauses=row_pauses)
    row_breached = has_target & (row_end > row_deadline) if unit.counts_days else has_target & (row_elapsed > row_goal)

    # -- per ticket --------------------------------------------------------------------------
    last = _group_last(row_owner, n)
    breached = np.bincount(row_owner, weights=row_breached, minlength=n) > 0
    big = np.iinfo(np.int64).max
    # Rows are sorted by owner and every ticket has a row: the earliest breach per ticket
    # is a reduceat over each ticket's rows (np.minimum.at is an order slower).
    breached_at = (
        np.minimum.reduceat(np.where(row_breached, row_deadline, big), first_row) if n else np.zeros(0, np.int64)
    )
    breached_at = np.where(breached, breached_at, MISSING)
    t_start, t_deadline, t_elapsed = row_start[last], row_deadline[last], row_elapsed[last]
    counted = has_target[last] & (frame.opened <= now)
    goal = row_goal[last]
    counting = BusinessClock.always_open(clock.span) if unit is ClockUnit.CALENDAR else clock
    budget = goal if not unit.counts_days else clock.elapsed_with_pauses(t_start, t_deadline, held)
    warnings = np.full((n, len(spec.warnings)), MISSING, dtype=np.int64)
    for k, share in enumerate(spec.warnings):
        due = counting.deadline_with_pauses(t_start, np.floor(budget * share).astype(np.int64), held)
        warnings[:, k] = np.where(due <= end, due, MISSING)
    paused = counting.elapsed(t_start, end) - counting.elapsed_with_pauses(t_start, end, held)
    decided = np.where(breached, breached_at, stop)
    return TicketTimers(
        counted=counted,
        start=t_start,
        stop=stop,
        deadline=t_deadline,
        target=goal,
        elapsed=t_elapsed,
        left=budget - t_elapsed,
        breached=breached,
        breached_at=breached_at,
        warnings=warnings,
        paused=paused,
        priority=row_prio[last],
        decided=decided,
    )


def ticket_pauses(frame: TicketFrame, spec: TicketTargets, index: int, *, end: int) -> list[tuple[int, int, str]]:
    """One ticket's pauses (start, end, status), for its timeline."""
    sel = np.flatnonzero(frame.change_owner == index)
    found: list[tuple[int, int, str]] = []
    for pos, j in enumerate(sel):
        status = frame.statuses[int(frame.change_status[j])]
        if status in spec.pause_statuses:
            until = int(frame.change_at[sel[pos + 1]]) if pos + 1 < sel.size else end
            found.append((int(frame.change_at[j]), max(until, int(frame.change_at[j])), status))
    return found
