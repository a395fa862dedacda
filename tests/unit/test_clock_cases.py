"""The 23 worked cases of shared/sla-clock-cases.md, each with its expected value, on calendars
read from Calendar documents and expanded by ``HolidayCalendarExpander``.

Cases 14-17, 19-21 and 23 are ticket policies: here they are what the pure clock computes
for each policy (deadlines from different starts and targets, elapsed time with pauses);
the ticket engine that chooses a policy and records breaches is tested on its own
(docs/clock.md lists which tests belong there).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import numpy as np
from numpy.typing import NDArray

from slmo.calendars import HolidayCalendarExpander
from slmo.core.engine.clock import BusinessClock, is_breached
from slmo.core.engine.clock_days import WorkingDays
from slmo.core.engine.clock_pauses import Pauses
from slmo.core.engine.clock_units import ClockUnit, deadlines, elapsed, iso_instant
from slmo.core.model.calendar import Calendar
from slmo.spec.codec import YamlSpecCodec

H, M = 3600, 60
LONDON = "Europe/London"
RIYADH = "Asia/Riyadh"
NEW_YORK = "America/New_York"
FIRST, LAST = dt.date(2024, 12, 1), dt.date(2026, 12, 31)
expander = HolidayCalendarExpander()

STD = "  timeZone: Europe/London\n  hours: {mon: [09:00-17:00], tue: [09:00-17:00], wed: [09:00-17:00], thu: [09:00-17:00], fri: [09:00-17:00]}\n"
SAUDI = "  timeZone: Asia/Riyadh\n  hours: {sun: [08:00-16:00], mon: [08:00-16:00], tue: [08:00-16:00], wed: [08:00-16:00], thu: [08:00-16:00]}\n"
NIGHT_SHIFTS = "  timeZone: Asia/Riyadh\n  hours: {sun: [22:00-06:00], mon: [22:00-06:00], tue: [22:00-06:00], wed: [22:00-06:00], thu: [22:00-06:00]}\n"


def calendar(text: str) -> Calendar:
    (loaded,) = YamlSpecCodec().load_text(
        "apiVersion: slmo/v1\nkind: Calendar\nmetadata: {name: c}\nspec:\n" + text, "c.yaml"
    )
    assert isinstance(loaded.obj, Calendar)
    return loaded.obj


def epoch(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def clock(cal: Calendar) -> BusinessClock:
    span = (epoch(FIRST), epoch(LAST))
    service = expander.service_intervals(cal, *span)
    return BusinessClock.from_service(service, expander.excluded_intervals(cal, *span), span=span, name=cal.name)


def working_days(cal: Calendar) -> WorkingDays:
    return WorkingDays.from_calendar(cal, expander.closed_days(cal, FIRST, LAST), FIRST, LAST)


def at(zone: str, text: str) -> NDArray[np.int64]:
    """A local wall time such as ``2025-01-14 15:30`` in ``zone`` (first occurrence if repeated)."""
    local = dt.datetime.fromisoformat(text).replace(tzinfo=zoneinfo.ZoneInfo(zone))
    return np.array([int(local.timestamp())], dtype=np.int64)


def show(zone: str, instants: NDArray[np.int64]) -> str:
    """An instant as ``2025-01-15 11:30 +00:00``."""
    local = dt.datetime.fromtimestamp(int(instants[0]), zoneinfo.ZoneInfo(zone))
    return f"{local:%Y-%m-%d %H:%M} {local.isoformat()[-6:]}"


def one(values: NDArray[np.int64]) -> int:
    return int(values[0])


def test_case_01_carry_over_night() -> None:
    std = clock(calendar(STD))
    created = at(LONDON, "2025-01-14 15:30")
    assert show(LONDON, std.deadline(created, 4 * H)) == "2025-01-15 11:30 +00:00"
    assert one(std.elapsed(created, at(LONDON, "2025-01-15 10:00"))) == 2 * H + 30 * M


def test_case_02_created_before_opening_counts_from_opening() -> None:
    std = clock(calendar(STD))
    got = one(std.elapsed(at(LONDON, "2025-01-13 07:45"), at(LONDON, "2025-01-13 09:20")))
    assert got == 20 * M
    assert not is_breached(got, 30 * M)


def test_case_03_weekend_counts_nothing_in_business_time_but_counts_in_calendar_time() -> None:
    std = clock(calendar(STD))
    created, now = at(LONDON, "2025-01-17 21:00"), at(LONDON, "2025-01-20 09:30")
    assert one(std.elapsed(created, now)) == 30 * M
    assert one(elapsed(ClockUnit.CALENDAR, created, now, clock=std)) == 60 * H + 30 * M


def test_case_04_a_target_reached_at_closing_time_is_due_at_closing_time() -> None:
    std = clock(calendar(STD))
    assert show(LONDON, std.deadline(at(LONDON, "2025-01-13 09:00"), 8 * H)) == "2025-01-13 17:00 +00:00"
    assert one(std.elapsed(at(LONDON, "2025-01-13 17:00"), at(LONDON, "2025-01-14 09:00"))) == 0


def test_case_05_pause_across_the_night_meets_the_target_exactly() -> None:
    std = clock(calendar(STD))
    created, resolved = at(LONDON, "2025-01-13 10:00"), at(LONDON, "2025-01-14 14:00")
    pause = Pauses.of(at(LONDON, "2025-01-13 15:00"), at(LONDON, "2025-01-14 11:00"), [0])
    got = one(std.elapsed_with_pauses(created, resolved, pause))
    assert got == 8 * H
    assert not is_breached(got, 8 * H)
    assert show(LONDON, std.deadline_with_pauses(created, 8 * H, pause)) == "2025-01-14 14:00 +00:00"


def test_case_06_spring_forward_night_is_23_hours_in_calendar_time() -> None:
    always = clock(calendar("  timeZone: Europe/London\n  hours: 24x7\n"))
    created, resolved = at(LONDON, "2025-03-29 22:00"), at(LONDON, "2025-03-30 06:30")
    assert show(LONDON, always.deadline(created, 8 * H)) == "2025-03-30 07:00 +01:00"
    assert one(always.elapsed(created, resolved)) == 7 * H + 30 * M  # naive wall clocks say 8 h 30
    assert show(LONDON, deadlines(ClockUnit.CALENDAR, created, 8 * H, clock=always)) == "2025-03-30 07:00 +01:00"


def test_case_07_fall_back_night_is_25_hours_in_calendar_time() -> None:
    always = clock(calendar("  timeZone: America/New_York\n  hours: 24x7\n"))
    created, resolved = (
        at(NEW_YORK, "2025-11-01 20:00"),
        np.array([int(dt.datetime(2025, 11, 2, 13, tzinfo=dt.UTC).timestamp())]),
    )
    assert show(NEW_YORK, resolved) == "2025-11-02 08:00 -05:00"
    got = one(always.elapsed(created, resolved))
    assert got == 13 * H and is_breached(got, 12 * H)  # naive wall clocks say 12 h: met
    assert show(NEW_YORK, always.deadline(created, 12 * H)) == "2025-11-02 07:00 -05:00"
    # Local 01:30 on 2 November happens twice; instants keep them apart.
    first, second = (int(dt.datetime(2025, 11, 2, h, 30, tzinfo=dt.UTC).timestamp()) for h in (5, 6))
    assert iso_instant(first, NEW_YORK) == "2025-11-02T01:30:00-04:00"
    assert iso_instant(second, NEW_YORK) == "2025-11-02T01:30:00-05:00"


def test_case_08_overnight_shift() -> None:
    shifts = clock(calendar(NIGHT_SHIFTS))
    assert show(RIYADH, shifts.deadline(at(RIYADH, "2025-01-14 23:30"), 4 * H)) == "2025-01-15 03:30 +03:00"


def test_case_09_holiday_skips_the_shift_it_owns_not_the_one_running_into_it() -> None:
    shifts = clock(calendar(NIGHT_SHIFTS + "  holidays: {dates: [{date: 2025-01-15}]}\n"))
    # At Wed 05:00 the clock is inside Tuesday's shift, which still counts (05:00-06:00).
    assert bool(shifts.is_working(at(RIYADH, "2025-01-15 05:00"))[0])
    assert show(RIYADH, shifts.deadline(at(RIYADH, "2025-01-15 05:00"), 2 * H)) == "2025-01-16 23:00 +03:00"
    # The same, from a ticket opened Tue 23:00 with 8 h: 6 h done by Wed 05:00.
    assert show(RIYADH, shifts.deadline(at(RIYADH, "2025-01-14 23:00"), 8 * H)) == "2025-01-16 23:00 +03:00"
    assert not bool(shifts.is_working(at(RIYADH, "2025-01-15 23:00"))[0])


def test_case_10_saudi_week_and_founding_day() -> None:
    for holidays in ("  holidays: {dates: [{date: 2026-02-22}]}\n", "  holidays: {countries: [{country: SA}]}\n"):
        saudi = clock(calendar(SAUDI + holidays))
        created = at(RIYADH, "2026-02-19 14:00")
        assert show(RIYADH, saudi.deadline(created, 8 * H)) == "2026-02-23 14:00 +03:00"
        got = one(saudi.elapsed(created, at(RIYADH, "2026-02-23 15:00")))
        assert got == 9 * H and is_breached(got, 8 * H)


def test_case_11_eid_closure_given_as_data() -> None:
    eid = "  holidays: {dates: [{from: 2025-03-30, to: 2025-04-02, name: Eid al-Fitr}]}\n"
    created = at(RIYADH, "2025-03-27 15:00")
    assert show(RIYADH, clock(calendar(SAUDI + eid)).deadline(created, 16 * H)) == "2025-04-06 15:00 +03:00"
    # A wrongly assumed Saturday-Sunday weekend says Thursday 3 April.
    wrong = SAUDI.replace("sun: [08:00-16:00], ", "").replace(
        "thu: [08:00-16:00]", "thu: [08:00-16:00], fri: [08:00-16:00]"
    )
    assert show(RIYADH, clock(calendar(wrong + eid)).deadline(created, 16 * H)) == "2025-04-03 15:00 +03:00"


def test_case_12_weekday_and_hours_are_looked_up_in_the_calendar_zone() -> None:
    created = np.array([int(dt.datetime(2025, 1, 15, 21, 30, tzinfo=dt.UTC).timestamp())])
    due = clock(calendar(SAUDI)).deadline(created, 2 * H)
    assert iso_instant(one(due)) == "2025-01-16T07:00:00+00:00"
    assert iso_instant(one(due), RIYADH) == "2025-01-16T10:00:00+03:00"
    in_utc = clock(calendar(SAUDI.replace("Asia/Riyadh", "UTC"))).deadline(created, 2 * H)
    assert iso_instant(one(in_utc), RIYADH) == "2025-01-16T13:00:00+03:00"  # three hours late


def test_case_13_half_day_closure() -> None:
    christmas = "  holidays: {dates: [{date: 2025-12-24, hours: [09:00-13:00]}, {from: 2025-12-25, to: 2025-12-26}]}\n"
    std = clock(calendar(STD + christmas))
    assert show(LONDON, std.deadline(at(LONDON, "2025-12-24 11:00"), 4 * H)) == "2025-12-29 11:00 +00:00"


def test_case_14_priority_upgrade_retroactive_and_from_change() -> None:
    std = clock(calendar(STD))
    created, change = at(LONDON, "2025-01-13 09:00"), at(LONDON, "2025-01-13 12:00")
    # Retroactive: the P1 target counts from creation; breached at 11:00, before the change.
    assert is_breached(std.elapsed(created, change), 2 * H)[0]
    assert show(LONDON, std.deadline(created, 2 * H)) == "2025-01-13 11:00 +00:00"
    # From the change: a fresh 2 h from 12:00.
    assert show(LONDON, std.deadline(change, 2 * H)) == "2025-01-13 14:00 +00:00"


def test_case_15_downgrade_after_breach() -> None:
    std = clock(calendar(STD))
    created, change = at(LONDON, "2025-01-13 09:00"), at(LONDON, "2025-01-13 11:30")
    breach = std.deadline(created, 2 * H)
    assert show(LONDON, breach) == "2025-01-13 11:00 +00:00" and one(breach) < one(change)
    # Re-evaluated against P3 the clock says on track: the ticket engine keeps the P1 breach.
    assert one(std.elapsed(created, change)) == 2 * H + 30 * M
    assert not is_breached(std.elapsed(created, change), 8 * H)[0]


def test_case_16_created_in_a_paused_state() -> None:
    std = clock(calendar(STD))
    created, opened, answered = (at(LONDON, f"2025-01-13 {t}") for t in ("10:00", "14:00", "14:30"))
    initial_pause = Pauses.of(created, opened, [0])
    assert one(std.elapsed_with_pauses(created, answered, initial_pause)) == 30 * M
    assert one(std.elapsed(created, answered)) == 4 * H + 30 * M
    assert show(LONDON, std.deadline_with_pauses(created, H, initial_pause)) == "2025-01-13 15:00 +00:00"
    # A pause recorded from before creation is clipped to the ticket's life.
    early = Pauses.of(at(LONDON, "2025-01-13 08:00"), opened, [0])
    assert one(std.elapsed_with_pauses(created, answered, early)) == 30 * M


def test_case_17_reopen_after_solve() -> None:
    std = clock(calendar(STD))
    created, solved, reopened, closed = (
        at(LONDON, t) for t in ("2025-01-13 09:00", "2025-01-13 12:00", "2025-01-14 10:00", "2025-01-14 16:00")
    )
    # GLPI: solved counts as waiting; one clock.
    waiting = Pauses.of(solved, reopened, [0])
    assert one(std.elapsed_with_pauses(created, closed, waiting)) == 9 * H
    assert show(LONDON, std.deadline_with_pauses(created, 8 * H, waiting)) == "2025-01-14 15:00 +00:00"
    # Multi-cycle: one clock per cycle, both met.
    cycles = std.elapsed(np.concatenate((created, reopened)), np.concatenate((solved, closed)))
    assert cycles.tolist() == [3 * H, 6 * H]
    assert not is_breached(cycles, 8 * H).any()


def test_case_18_one_day_in_each_unit() -> None:
    cal = calendar(STD)
    std, days = clock(cal), working_days(cal)
    created = at(LONDON, "2025-01-13 10:00")
    assert show(LONDON, deadlines(ClockUnit.BUSINESS, created, 24 * H, clock=std)) == "2025-01-16 10:00 +00:00"
    assert (
        show(LONDON, deadlines(ClockUnit.BUSINESS_DAYS, created, 1, clock=std, days=days)) == "2025-01-14 10:00 +00:00"
    )
    assert show(LONDON, deadlines(ClockUnit.END_OF_DAY, created, 1, clock=std, days=days)) == "2025-01-14 17:00 +00:00"


def test_case_19_calendar_edited_mid_ticket() -> None:
    cal = calendar(STD)
    shorter = calendar(STD.replace("17:00", "13:00"))
    created, edited = at(LONDON, "2025-01-13 09:00"), at(LONDON, "2025-01-13 12:00")
    assert show(LONDON, clock(cal).deadline(created, 8 * H)) == "2025-01-13 17:00 +00:00"
    # Recompute from scratch on the new hours.
    assert show(LONDON, clock(shorter).deadline(created, 8 * H)) == "2025-01-14 13:00 +00:00"
    # Effective-dated: old hours before the edit, new ones after; history up to the edit stays.
    old, new = clock(cal), clock(shorter)
    cut = one(edited)
    dated = BusinessClock(
        np.concatenate((old.starts[old.starts < cut], new.starts[new.ends > cut].clip(cut))),
        np.concatenate((old.ends[old.starts < cut].clip(max=cut), new.ends[new.ends > cut])),
        span=old.span,
    )
    assert one(dated.elapsed(created, edited)) == one(old.elapsed(created, edited)) == 3 * H
    assert one(dated.elapsed(created, at(LONDON, "2025-01-13 16:00"))) == 4 * H
    assert show(LONDON, dated.deadline(created, 8 * H)) == "2025-01-14 13:00 +00:00"


def test_case_20_recurring_update_target() -> None:
    std = clock(calendar(STD))
    assert show(LONDON, std.deadline(at(LONDON, "2025-01-13 16:30"), 2 * H)) == "2025-01-14 10:30 +00:00"
    # "Between agent updates": the clock restarts at each reply, one deadline per reply.
    replies = np.concatenate([at(LONDON, t) for t in ("2025-01-14 10:00", "2025-01-14 16:00")])
    assert [show(LONDON, d[None]) for d in std.deadline(replies, 2 * H)] == [
        "2025-01-14 12:00 +00:00",
        "2025-01-15 10:00 +00:00",
    ]


def test_case_21_agreement_attached_mid_life() -> None:
    std = clock(calendar(STD))
    created, attached = at(LONDON, "2025-01-13 09:00"), at(LONDON, "2025-01-13 15:00")
    on_opening = std.deadline(created, 4 * H)
    assert show(LONDON, on_opening) == "2025-01-13 13:00 +00:00" and one(on_opening) < one(attached)
    assert is_breached(std.elapsed(created, attached), 4 * H)[0]
    assert show(LONDON, std.deadline(attached, 4 * H)) == "2025-01-14 11:00 +00:00"


def test_case_22_seconds_are_kept_and_compared_exactly() -> None:
    std = clock(calendar(STD))
    created = at(LONDON, "2025-01-13 09:00")
    # Instants are whole seconds: 16:59:45.9 is floored, never rounded up to 17:00.
    resolved = created.astype(np.float64) + (7 * H + 59 * M + 45.9)
    got = one(std.elapsed(created, resolved))
    assert got == 7 * H + 59 * M + 45 and not is_breached(got, 8 * H)
    assert not is_breached(8 * H, 8 * H) and is_breached(8 * H + 1, 8 * H)


def test_case_23_pause_after_breach_keeps_the_breach() -> None:
    std = clock(calendar(STD))
    created, pending, now = (at(LONDON, f"2025-01-13 {t}") for t in ("09:00", "11:30", "16:00"))
    still_pending = Pauses.of(pending, now, [0])  # an ongoing pause ends at the evaluation instant
    assert show(LONDON, std.deadline_with_pauses(created, 2 * H, still_pending)) == "2025-01-13 11:00 +00:00"
    assert is_breached(std.elapsed_with_pauses(created, now, still_pending), 2 * H)[0]
