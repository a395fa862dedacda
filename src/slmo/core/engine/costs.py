"""Cost-effectiveness: what an agreement brought in, paid out and cost over a period
(``docs/formulas.md`` section 15). Decimal arithmetic from the numbers as written, to the cent.

    charge(P)      = charge x months(P) / months(charge's period)        a quarter of a monthly
                                                                          charge is three charges
    cost(a)        = sum over a's services s of cost(s, P) / n(s)         n(s): sold agreements in
                                                                          force in P that name s
    sold:   net    = charge - credits - cost;   per point = cost / (100 x attainment)
    bought: net    = credits - charge;          per point = (charge - credits) / (100 x attainment)

A sold agreement whose net is below zero costs more than it returns (``Verdict.LOSS``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from slmo.core.model.ledger import Side, Verdict
from slmo.core.model.objective import WindowUnit

_CENT = Decimal("0.01")
MONTHS = {WindowUnit.MONTH: 1, WindowUnit.QUARTER: 3, WindowUnit.YEAR: 12}
_CHARGE_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def written(value: float) -> Decimal:
    """A number of the agreement as written (250000, 0.05), not its binary expansion."""
    return Decimal(repr(value))


def period_charge(amount: float, charge_period: str, months: int) -> Decimal:
    """The part of a charge of ``amount`` per ``charge_period`` that falls in ``months`` months."""
    return cents(written(amount) * months / _CHARGE_MONTHS[charge_period])


def shared_cost(
    services: Sequence[str], costs: Mapping[str, Decimal], sharers: Mapping[str, int]
) -> tuple[Decimal, tuple[str, ...]]:
    """An agreement's share of its services' costs: each service's cost split evenly among the
    ``sharers`` that name it; and the services with no cost entered."""
    total = Decimal(0)
    missing = []
    for service in services:
        if service not in costs:
            missing.append(service)
            continue
        total += costs[service] / max(sharers.get(service, 1), 1)
    return cents(total), tuple(missing)


def per_point(amount: Decimal, attainment: float | None) -> Decimal | None:
    """``amount`` per percentage point of attainment; ``None`` without attainment (or at 0)."""
    if attainment is None or attainment <= 0:
        return None
    return cents(amount / (Decimal(repr(attainment)) * 100))


def judged(
    side: Side,
    *,
    charge: Decimal | None,
    credits: Decimal,
    cost: Decimal | None,
    attainment: float | None,
    complete: bool = True,
) -> tuple[Decimal | None, Decimal | None, Verdict]:
    """(net, cost per point, verdict) of one agreement over one period. ``complete`` is false
    when a service's cost is missing or not in the charge's currency."""
    if side is Side.BUYS:
        paid = charge if charge is not None else Decimal(0)
        return cents(credits - paid), per_point(paid - credits, attainment), Verdict.PURCHASE
    spent = cost if cost is not None else Decimal(0)
    point = per_point(spent, attainment) if cost is not None else None
    if charge is None:
        return (None if cost is None else cents(-credits - cost)), point, Verdict.NO_CHARGE
    if cost is None or not complete:
        return None, point, Verdict.INCOMPLETE
    net = cents(charge - credits - spent)
    return net, point, Verdict.LOSS if net < 0 else Verdict.GAIN
