"""Ticket warnings at 50, 75 and 90 % of a target elapsed, with the ticket engine's rounding."""

from __future__ import annotations

import pytest

from slmo.core.engine.alert_warnings import elapsed_warning_levels, new_elapsed_warnings


def test_levels_reached_with_a_target_of_100() -> None:
    elapsed = [0, 49, 50, 74, 75, 89, 90, 100, 250]
    assert elapsed_warning_levels(elapsed, [100] * len(elapsed)).tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 3]


def test_levels_round_down_as_the_ticket_engine_does() -> None:
    # Target 15 s: floor(7.5) = 7, floor(11.25) = 11, floor(13.5) = 13.
    assert elapsed_warning_levels([6, 7, 10, 11, 12, 13], 15).tolist() == [0, 1, 1, 2, 2, 3]


def test_custom_shares_and_no_target() -> None:
    assert elapsed_warning_levels([80, 80], [100, 0], shares=(0.8,)).tolist() == [1, 0]
    with pytest.raises(ValueError, match="rise strictly"):
        elapsed_warning_levels([1], [1], shares=(0.9, 0.5))


def test_new_warnings_between_two_evaluations() -> None:
    # Target 1 h: levels at 1,800, 2,700 and 3,240 s.
    crossed = new_elapsed_warnings([0, 1800, 2000, 3000], [1799, 2800, 3300, 3000], 3600)
    assert crossed.tolist() == [
        [False, False, False],
        [False, True, False],  # 1,800 was already reached before
        [False, True, True],
        [False, False, False],
    ]
