"""Ticket penalties: a rate per unit of breach time beyond a free allowance, with a cap
(``docs/formulas.md`` section 13).

Breach time is how long tickets are past their deadline on the objective's clock: business
time for the business and working-day units, calendar time for the calendar unit, pauses not
counted. A ticket's overdue time at an instant is ``max(-left, 0)``, ``left`` being what the
ticket engine gives (``core.engine.tickets``: the time to the deadline of its current target,
negative when overdue). The breach time of a period ``[start, end)`` is, per ticket, its
overdue time at the period's last instant less that at the instant before the period began:
a ticket late across two months is charged in each for the part that fell in it, and a
period's total never depends on when it is computed once it has closed. A ticket whose
overdue time shrank (its priority lowered to a longer target) adds nothing, never less.

Then, for the period:

    billable = max(breach - allowance, 0)
    units    = billable / per                 (rounded up to a whole unit with ``rounding: up``)
    amount   = min(units * rate, cap)         decimal, rounded half up to the cent
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

import numpy as np
from numpy.typing import NDArray

from slmo.core.model.agreement import PenaltyRounding, TicketPenalty
from slmo.core.model.credits import PenaltyCalculation

_CENT = Decimal("0.01")
_UNIT_PLACES = Decimal("0.0001")


def overdue(left: NDArray[np.int64], counted: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Seconds each ticket is past its deadline (0 for one in time or not counted)."""
    late: NDArray[np.int64] = np.where(counted, np.maximum(-left, 0), 0).astype(np.int64)
    return late


def accrued(before: NDArray[np.int64], after: NDArray[np.int64]) -> NDArray[np.int64]:
    """Breach time accrued per ticket between two instants: ``after`` holds every ticket at
    the later instant, ``before`` the first ``len(before)`` of them at the earlier one (the
    tickets opened by then, in the same order); a ticket absent earlier had none."""
    if before.size > after.size:
        raise ValueError(f"{before.size} tickets before but only {after.size} after")
    earlier = np.zeros(after.size, dtype=np.int64)
    earlier[: before.size] = before
    grown: NDArray[np.int64] = np.maximum(after - earlier, 0)
    return grown


def _decimal(value: float) -> Decimal:
    # The number as written in the agreement (50, 12.5), not its binary expansion.
    return Decimal(repr(value))


def ticket_penalty(penalty: TicketPenalty, breach_seconds: int, tickets: int) -> PenaltyCalculation:
    """The penalty for ``breach_seconds`` of breach time accrued by ``tickets`` tickets in one period."""
    if breach_seconds < 0:
        raise ValueError(f"breach time cannot be negative: {breach_seconds}")
    billable = max(breach_seconds - penalty.allowance_seconds, 0)
    per = Decimal(penalty.per_seconds)
    exact = Decimal(billable) / per
    units = exact.to_integral_value(rounding=ROUND_CEILING) if penalty.rounding is PenaltyRounding.UP else exact
    rate = _decimal(penalty.rate)
    raw = (units * rate).quantize(_CENT, rounding=ROUND_HALF_UP)
    cap = None if penalty.cap is None else _decimal(penalty.cap).quantize(_CENT, rounding=ROUND_HALF_UP)
    amount = raw if cap is None else min(raw, cap)
    return PenaltyCalculation(
        objective=penalty.objective,
        tickets=tickets,
        breach_seconds=breach_seconds,
        allowance_seconds=penalty.allowance_seconds,
        billable_seconds=billable,
        per_seconds=penalty.per_seconds,
        units=units.quantize(_UNIT_PLACES, rounding=ROUND_HALF_UP),
        rate=rate,
        currency=penalty.currency,
        raw_amount=raw,
        cap=cap,
        capped=cap is not None and raw > cap,
        amount=amount,
    )
