"""The ticket engine on the ticket-policy cases of shared/sla-clock-cases.md (5, 14, 15, 16,
17, 21, 23) under each policy the case names, on the std calendar (Mon-Fri 09:00-17:00,
Europe/London)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

import numpy as np

from slmo.core.engine.ticket_compliance import compliance, decided_in
from slmo.core.engine.tickets import MISSING, TicketFrame, TicketTimers, ticket_timers
from slmo.core.model.indicator import TicketClock
from slmo.core.model.ticket import (
    AttachPolicy,
    PriorityChangePolicy,
    ReopenPolicy,
    StatusChange,
    TargetUnit,
    Ticket,
    TicketPolicies,
    TicketTargets,
)
from tests.unit.test_clock_cases import STD, calendar, clock, working_days

H = 3600
LONDON = zoneinfo.ZoneInfo("Europe/London")
STD_CAL = calendar(STD)
STD_CLOCK = clock(STD_CAL)
SPEC = TicketTargets(
    targets={"P1": 2 * H, "P2": 4 * H, "P3": 8 * H},
    pause_statuses=("Pending",),
)


def t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def ticket(*changes: tuple[str, str, str | None], resolved: str | None = None, priority: str = "P3") -> Ticket:
    history = tuple(
        StatusChange(sequence=k, at=t(when), status=status, priority=prio)
        for k, (when, status, prio) in enumerate(changes)
    )
    return Ticket(
        id="T1",
        service="desk",
        priority=priority,
        opened=history[0].at,
        resolved=t(resolved) if resolved else None,
        history=history,
    )


def timers(tk: Ticket, spec: TicketTargets = SPEC, *, now: str = "2025-01-20 09:00", **kw: object) -> TicketTimers:
    return ticket_timers(
        TicketFrame.of([tk]),
        spec,
        TicketClock.RESOLUTION,
        now=int(t(now).timestamp()),
        clock=STD_CLOCK,
        days=working_days(STD_CAL),
        **kw,  # type: ignore[arg-type]
    )


def local(at: int) -> str:
    return dt.datetime.fromtimestamp(at, LONDON).strftime("%a %H:%M")


def policies(**kw: object) -> TicketTargets:
    return dataclasses.replace(SPEC, policies=dataclasses.replace(TicketPolicies(), **kw))  # type: ignore[arg-type]


def test_case_05_pause_across_the_night_is_met_exactly() -> None:
    tk = ticket(
        ("2025-01-13 10:00", "New", "P3"),
        ("2025-01-13 15:00", "Pending", None),
        ("2025-01-14 11:00", "Active", None),
        ("2025-01-14 14:00", "Resolved", None),
    )
    found = timers(tk)
    assert int(found.elapsed[0]) == 8 * H
    assert local(int(found.deadline[0])) == "Tue 14:00"
    assert not found.breached[0]
    assert int(found.paused[0]) == 4 * H


def test_case_14_priority_upgrade_retroactive_and_from_change() -> None:
    tk = ticket(("2025-01-13 09:00", "New", "P3"), ("2025-01-13 12:00", "Active", "P1"))
    retro = timers(tk, now="2025-01-13 12:30")
    assert retro.breached[0]
    assert local(int(retro.breached_at[0])) == "Mon 11:00"
    change = timers(tk, policies(priority_change=PriorityChangePolicy.FROM_CHANGE), now="2025-01-13 12:30")
    assert not change.breached[0]
    assert local(int(change.deadline[0])) == "Mon 14:00"


def test_case_15_downgrade_after_breach_keeps_the_breach() -> None:
    tk = ticket(
        ("2025-01-13 09:00", "New", "P1"), ("2025-01-13 11:30", "Active", "P3"), ("2025-01-13 13:00", "Resolved", None)
    )
    found = timers(tk)
    assert found.breached[0]
    assert local(int(found.breached_at[0])) == "Mon 11:00"
    assert int(found.elapsed[0]) == 4 * H  # the P3 clock itself is on time


def test_case_16_created_in_a_paused_state() -> None:
    tk = ticket(("2025-01-13 10:00", "Pending", "P3"), ("2025-01-13 14:00", "Active", None))
    found = ticket_timers(
        TicketFrame.of([dataclasses.replace(tk, acknowledged=t("2025-01-13 14:30"))]),
        SPEC,
        TicketClock.RESPONSE,
        now=int(t("2025-01-14 09:00").timestamp()),
        clock=STD_CLOCK,
    )
    assert int(found.elapsed[0]) == 30 * 60


def test_case_17_reopen_resume_and_new_cycle() -> None:
    tk = ticket(
        ("2025-01-13 09:00", "New", "P3"),
        ("2025-01-13 12:00", "Resolved", None),
        ("2025-01-14 10:00", "Active", None),
        ("2025-01-14 16:00", "Resolved", None),
    )
    resume = timers(tk)
    assert int(resume.elapsed[0]) == 9 * H
    assert resume.breached[0]
    assert local(int(resume.breached_at[0])) == "Tue 15:00"
    cycles = timers(tk, policies(reopen=ReopenPolicy.NEW_CYCLE))
    assert int(cycles.elapsed[0]) == 6 * H
    assert not cycles.breached[0]


def test_case_21_attached_mid_life() -> None:
    tk = ticket(("2025-01-13 09:00", "New", "P2"))
    attached = int(t("2025-01-13 15:00").timestamp())
    opening = timers(tk, now="2025-01-13 15:00", attached=attached)
    assert local(int(opening.deadline[0])) == "Mon 13:00"
    assert opening.breached[0]
    later = timers(tk, policies(attached=AttachPolicy.FROM_ATTACHMENT), now="2025-01-13 15:00", attached=attached)
    assert local(int(later.deadline[0])) == "Tue 11:00"
    assert not later.breached[0]


def test_case_23_pause_after_breach_stands() -> None:
    tk = ticket(("2025-01-13 09:00", "New", "P1"), ("2025-01-13 11:30", "Pending", None))
    found = timers(tk, now="2025-01-13 16:00")
    assert found.breached[0]
    assert local(int(found.breached_at[0])) == "Mon 11:00"
    assert int(found.elapsed[0]) == 2 * H + 30 * 60


def test_warnings_and_day_units() -> None:
    tk = ticket(("2025-01-13 09:00", "New", "P3"), ("2025-01-13 16:00", "Resolved", None))
    found = timers(tk)
    # 90 % (7 h 12) would be Mon 16:12, after the resolution at 16:00: not crossed.
    assert [local(int(w)) for w in found.warnings[0][:2]] == ["Mon 13:00", "Mon 15:00"]
    assert int(found.warnings[0][2]) == MISSING
    days = dataclasses.replace(SPEC, unit=TargetUnit.END_OF_DAY, targets={"P3": 1})
    late = ticket(("2025-01-13 10:00", "New", "P3"), ("2025-01-15 09:30", "Resolved", None))
    d = timers(late, days)
    assert local(int(d.deadline[0])) == "Tue 17:00"
    assert d.breached[0]


def test_unknown_priority_is_not_counted_and_compliance_groups() -> None:
    a = ticket(("2025-01-13 09:00", "New", "P3"), ("2025-01-13 10:00", "Resolved", None))
    b = dataclasses.replace(ticket(("2025-01-13 09:00", "New", "P1"), ("2025-01-13 12:00", "Resolved", None)), id="T2")
    c = dataclasses.replace(ticket(("2025-01-13 09:00", "New", "P9")), id="T3")
    found = ticket_timers(
        TicketFrame.of([a, b, c]),
        SPEC,
        TicketClock.RESOLUTION,
        now=int(t("2025-01-20 09:00").timestamp()),
        clock=STD_CLOCK,
    )
    assert found.counted.tolist() == [True, True, False]
    assert int(found.stop[2]) == MISSING
    sel = decided_in(found, int(t("2025-01-01 00:00").timestamp()), int(t("2025-02-01 00:00").timestamp()))
    figures = compliance(found, sel)
    assert (figures.volume, figures.breaches, figures.compliance) == (2, 1, 0.5)
    assert figures.median == 2 * H
    assert np.isclose(figures.p90 or 0, H + 0.9 * 2 * H)


def test_no_tickets_at_all() -> None:
    found = ticket_timers(
        TicketFrame.of([]), SPEC, TicketClock.RESOLUTION, now=int(t("2025-01-20 09:00").timestamp()), clock=STD_CLOCK
    )
    assert found.counted.size == 0
    assert compliance(found, found.counted).volume == 0
