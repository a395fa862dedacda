"""Ticket penalties (``core.engine.penalties``, docs/formulas.md section 13), computed by hand.

The service desk's resolution penalty: 50 SAR per business hour late beyond a free allowance of
10 hours a month, at most 2,000 SAR a month."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from slmo.core.engine.penalties import accrued, overdue, ticket_penalty
from slmo.core.model import PenaltyRounding, TicketPenalty

HOUR = 3600
DESK = TicketPenalty(
    objective="resolution", rate=50, currency="SAR", per_seconds=HOUR, allowance_seconds=10 * HOUR, cap=2000
)


@pytest.mark.parametrize(
    ("breach", "billable", "units", "amount", "capped"),
    [
        (0, 0, "0", "0.00", False),
        (8 * HOUR, 0, "0", "0.00", False),  # all within the 10 free hours
        (10 * HOUR, 0, "0", "0.00", False),  # exactly the allowance
        (25 * HOUR + 30 * 60, 15.5 * HOUR, "15.5", "775.00", False),  # 15.5 h x 50
        (10 * HOUR + 1, 1, "0.0003", "0.01", False),  # one second: 50 / 3600 = 0.0139 -> 0.01
        (50 * HOUR, 40 * HOUR, "40", "2000.00", False),  # exactly the cap
        (60 * HOUR, 50 * HOUR, "50", "2000.00", True),  # 2,500 cut to 2,000
    ],
)
def test_a_rate_per_business_hour_beyond_the_allowance(
    breach: int, billable: float, units: str, amount: str, capped: bool
) -> None:
    found = ticket_penalty(DESK, breach, tickets=3)
    assert (found.breach_seconds, found.billable_seconds) == (breach, int(billable))
    assert found.units == Decimal(units)
    assert (found.amount, found.capped, found.currency) == (Decimal(amount), capped, "SAR")
    assert found.due == (Decimal(amount) > 0)


def test_the_raw_amount_and_the_cap_are_shown() -> None:
    found = ticket_penalty(DESK, 60 * HOUR, tickets=4)
    assert (found.raw_amount, found.cap, found.amount) == (Decimal("2500.00"), Decimal("2000.00"), Decimal("2000.00"))
    assert (found.rate, found.per_seconds, found.allowance_seconds, found.tickets) == (Decimal("50"), HOUR, 36000, 4)


def test_started_units_round_up() -> None:
    # 10 h 20 min late with 15-minute units at 12.5 SAR and no allowance: 41.33 units, 42 started.
    penalty = TicketPenalty(
        objective="response", rate=12.5, currency="SAR", per_seconds=900, rounding=PenaltyRounding.UP
    )
    found = ticket_penalty(penalty, 10 * HOUR + 20 * 60, tickets=1)
    assert (found.units, found.amount) == (Decimal("42"), Decimal("525.00"))
    exact = ticket_penalty(
        TicketPenalty(objective="response", rate=12.5, currency="SAR", per_seconds=900), 10 * HOUR + 20 * 60, 1
    )
    # 37,200 s / 900 = 41.3333 units x 12.5 = 516.666... -> 516.67.
    assert (exact.units, exact.amount) == (Decimal("41.3333"), Decimal("516.67"))


def test_without_a_cap_and_a_negative_time_is_refused() -> None:
    uncapped = TicketPenalty(objective="resolution", rate=50, currency="SAR")
    found = ticket_penalty(uncapped, 100 * HOUR, tickets=9)
    assert (found.amount, found.cap, found.capped) == (Decimal("5000.00"), None, False)
    with pytest.raises(ValueError, match="negative"):
        ticket_penalty(uncapped, -1, tickets=0)


def test_overdue_time_and_what_a_period_accrued() -> None:
    # Four tickets at the period's end: 3 h left, 2 h late, 5 h late (not counted: no target),
    # 7 h late. At the period's start only the first two were open: 1 h left and 30 min late.
    left_end = np.array([3 * HOUR, -2 * HOUR, -5 * HOUR, -7 * HOUR], dtype=np.int64)
    counted = np.array([True, True, False, True])
    end = overdue(left_end, counted)
    assert end.tolist() == [0, 2 * HOUR, 0, 7 * HOUR]
    start = overdue(np.array([HOUR, -1800], dtype=np.int64), np.array([True, True]))
    # The second ticket was late 30 min before the period: 1.5 h of its 2 h fall in it; the
    # fourth opened in the period and is charged all of its 7 h.
    assert accrued(start, end).tolist() == [0, 5400, 0, 7 * HOUR]
    # Overdue time that shrank (a priority lowered to a longer target) adds nothing.
    assert accrued(np.array([4 * HOUR]), np.array([HOUR])).tolist() == [0]
    with pytest.raises(ValueError, match="before"):
        accrued(np.zeros(3, dtype=np.int64), np.zeros(2, dtype=np.int64))
