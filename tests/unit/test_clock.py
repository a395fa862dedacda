"""The business clock on hand-made intervals: look-ups, edges, pauses and the errors it raises."""

from __future__ import annotations

import numpy as np
import pytest

from slmo.core.engine import clock_pauses
from slmo.core.engine.clock import BusinessClock, is_breached
from slmo.core.engine.clock_pauses import Pauses
from slmo.core.engine.clock_units import ClockUnit, deadlines, elapsed
from slmo.errors import ConfigurationError

# Working time [10, 20) and [30, 40) inside the span [0, 100).
CLOCK = BusinessClock([30, 10], [40, 20], span=(0, 100), name="tiny")


def test_intervals_are_merged_and_clipped_to_the_span() -> None:
    c = BusinessClock([-50, 10, 15, 20, 90], [5, 18, 20, 25, 150], span=(0, 100))
    assert c.starts.tolist() == [0, 10, 90] and c.ends.tolist() == [5, 25, 100]
    assert c.total == 5 + 15 + 10


def test_elapsed_counts_only_working_time_and_is_signed() -> None:
    assert CLOCK.elapsed([0, 15, 25, 20, 40], [100, 35, 26, 30, 40]).tolist() == [20, 10, 0, 0, 0]
    assert CLOCK.elapsed([35], [15]).tolist() == [-10]
    assert CLOCK.cumulative([0, 10, 15, 20, 30, 100]).tolist() == [0, 0, 5, 10, 10, 20]


def test_scalars_and_float_instants() -> None:
    assert CLOCK.elapsed(12.9, 14.2).tolist() == 2  # floored: 12 and 14
    assert int(CLOCK.deadline(0, 5)) == 15


def test_deadline_is_the_earliest_instant_reaching_the_target() -> None:
    # Reaching 10 s exactly at 20 (a closing time) is due at 20, not at the next opening 30.
    got = CLOCK.deadline([0, 0, 0, 15, 20, 45], [0, 10, 11, 5, 1, 0]).tolist()
    assert got == [0, 20, 31, 20, 31, 45]


def test_is_working_is_half_open() -> None:
    assert CLOCK.is_working([9, 10, 19, 20, 30, 39, 40]).tolist() == [False, True, True, False, True, True, False]


def test_service_less_maintenance() -> None:
    c = BusinessClock.from_service(([10, 30], [20, 40]), ([15, 35], [32, 60]), span=(0, 100))
    assert c.starts.tolist() == [10, 32] and c.ends.tolist() == [15, 35]
    assert BusinessClock.from_service(([10], [20]), ([], []), span=(0, 100)).total == 10


def test_always_open_counts_real_seconds() -> None:
    c = BusinessClock.always_open((0, 100))
    assert c.elapsed([3], [50]).tolist() == [47] and c.deadline([3], [50]).tolist() == [53]


def test_no_working_time_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match="'closed' has no working time between 1970-01-01T00:00:00Z"):
        BusinessClock([], [], span=(0, 86_400), name="closed")
    with pytest.raises(ConfigurationError, match="no working time"):
        BusinessClock([200], [300], span=(0, 100))


def test_instants_and_deadlines_outside_the_span_are_clear_errors() -> None:
    with pytest.raises(ConfigurationError, match="start 1970-01-01T00:01:41Z is outside the span") as err:
        CLOCK.elapsed([100, 101], [100, 101])
    assert err.value.key == "error.clock_span"
    with pytest.raises(ConfigurationError, match=r"instant .* is outside the span"):
        CLOCK.cumulative([-1])
    with pytest.raises(ConfigurationError, match="end 9223372036854775807 s is outside the span"):
        CLOCK.elapsed([0], [np.iinfo(np.int64).max])
    with pytest.raises(ConfigurationError, match="a deadline falls after 1970-01-01T00:01:40Z"):
        CLOCK.deadline([0], [21])
    assert CLOCK.deadline([0], [20]).tolist() == [40]


def test_negative_targets_and_an_empty_span_are_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        CLOCK.deadline([0], [-1])
    with pytest.raises(ValueError, match="is empty"):
        BusinessClock([0], [1], span=(5, 5))


def test_breach_only_past_the_target() -> None:
    assert is_breached([99, 100, 101], 100).tolist() == [False, False, True]


def test_pauses_are_clipped_merged_and_counted_once() -> None:
    # Ticket 0: pauses overlap ([12, 15) and [14, 32)): one pause [12, 32), 10 business seconds.
    # Ticket 1: no pauses. Ticket 2: a pause from before its start, clipped.
    pauses = Pauses.of([14, 12, 5], [32, 15, 35], [0, 0, 2])
    got = CLOCK.elapsed_with_pauses([0, 0, 15], [100, 100, 100], pauses).tolist()
    assert got == [10, 20, 5]
    assert CLOCK.deadline_with_pauses([0, 0, 15], [5, 5, 1], pauses).tolist() == [35, 15, 36]


def test_merging_per_ticket_never_joins_two_tickets() -> None:
    merged = Pauses.of([10, 10, 12, 40, 3], [20, 20, 30, 40, 8], [1, 0, 1, 0, 2]).merge()
    assert merged.merged and merged.merge() is merged
    assert (merged.starts.tolist(), merged.ends.tolist(), merged.owner.tolist()) == (
        [10, 10, 3],
        [20, 30, 8],
        [0, 1, 2],
    )
    # Merged once, the pauses serve any number of calls with the same answers.
    raw = Pauses.of([14, 12, 5], [32, 15, 35], [0, 0, 2])
    for pauses in (raw, raw.merge()):
        assert CLOCK.elapsed_with_pauses([0, 0, 15], [100, 100, 100], pauses).tolist() == [10, 20, 5]


def test_merging_when_the_packed_key_would_overflow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock_pauses, "_KEY_LIMIT", 10)
    pauses = Pauses.of([14, 12, 5, 50], [32, 15, 35, 60], [0, 0, 2, 0])
    merged = pauses.merge()
    assert (merged.starts.tolist(), merged.ends.tolist(), merged.owner.tolist()) == (
        [12, 50, 5],
        [32, 60, 35],
        [0, 0, 2],
    )
    assert CLOCK.elapsed_with_pauses([0, 0, 15], [100, 100, 100], pauses).tolist() == [10, 20, 5]


def test_a_pause_that_begins_once_the_target_is_reached_does_not_push() -> None:
    # 10 s reached at 20; a pause beginning then (ticket 0) or later (ticket 1) changes nothing,
    # one beginning a second earlier (ticket 2) pushes by its business seconds.
    pauses = Pauses.of([20, 35, 19], [50, 50, 31], [0, 1, 2])
    assert CLOCK.deadline_with_pauses([0, 0, 0], [10, 10, 10], pauses).tolist() == [20, 20, 32]


def test_bad_pauses_are_refused() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        Pauses.of([5], [4], [0])
    with pytest.raises(ValueError, match="as many starts"):
        Pauses.of([5, 6], [7], [0])
    with pytest.raises(ValueError, match="never negative"):
        Pauses.of([5], [7], [-1])
    with pytest.raises(ValueError, match="belongs to ticket 3, but there are 1 tickets"):
        CLOCK.elapsed_with_pauses([0], [10], Pauses.of([5], [7], [3]))


def test_units_business_and_calendar() -> None:
    pauses = Pauses.of([12], [32], [0])
    assert deadlines(ClockUnit.BUSINESS, [0], [5], clock=CLOCK, pauses=pauses).tolist() == [35]
    assert deadlines(ClockUnit.CALENDAR, [0], [15], clock=CLOCK, pauses=pauses).tolist() == [35]
    assert elapsed(ClockUnit.CALENDAR, [0], [40], clock=CLOCK, pauses=pauses).tolist() == [20]
    assert elapsed(ClockUnit.BUSINESS, [0], [40], clock=CLOCK, pauses=pauses).tolist() == [10]
    with pytest.raises(ValueError, match="needs the calendar's working days"):
        deadlines(ClockUnit.BUSINESS_DAYS, [0], [1], clock=CLOCK)
    assert ClockUnit("end-of-day").counts_days and not ClockUnit.CALENDAR.counts_days
