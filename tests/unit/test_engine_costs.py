"""Cost-effectiveness (``core.engine.costs``, docs/formulas.md section 15), computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from slmo.core.engine.costs import judged, per_point, period_charge, shared_cost
from slmo.core.model.ledger import Side, Verdict


@pytest.mark.parametrize(
    ("amount", "period", "months", "expected"),
    [
        (250_000, "month", 1, "250000.00"),
        (250_000, "month", 3, "750000.00"),  # a quarter of a monthly charge
        (250_000, "month", 12, "3000000.00"),
        (90_000, "quarter", 1, "30000.00"),  # a month of a quarterly charge
        (100_000, "year", 1, "8333.33"),  # 100,000 / 12 = 8,333.333...
        (99.99, "month", 1, "99.99"),
    ],
)
def test_the_periods_part_of_a_charge(amount: float, period: str, months: int, expected: str) -> None:
    assert period_charge(amount, period, months) == Decimal(expected)


def test_a_services_cost_is_shared_evenly() -> None:
    # The portal's 240,000 is shared by two sold agreements; the network's 30,000 is this one's
    # alone; the wiki has no cost entered.
    costs = {"eportal": Decimal("240000"), "network": Decimal("30000")}
    total, missing = shared_cost(["eportal", "network", "wiki"], costs, {"eportal": 2, "network": 1})
    assert (total, missing) == (Decimal("150000.00"), ("wiki",))
    # Three ways: 100 / 3 = 33.33.
    assert shared_cost(["x"], {"x": Decimal(100)}, {"x": 3}) == (Decimal("33.33"), ())


def test_cost_per_point_of_attainment() -> None:
    # 240,000 at 99.7275 %: 240,000 / 99.7275204359673 = 2,406.557...
    assert per_point(Decimal(240_000), 1 - 120 / 44_040) == Decimal("2406.56")
    assert per_point(Decimal(1000), 1.0) == Decimal("10.00")
    assert per_point(Decimal(1000), None) is None
    assert per_point(Decimal(1000), 0.0) is None


def test_a_sold_agreement_that_costs_more_than_it_returns() -> None:
    # The portal SLA in October: 250,000 in, 12,500 credited, 240,000 of cost: 2,500 short.
    net, point, verdict = judged(
        Side.SELLS,
        charge=Decimal("250000.00"),
        credits=Decimal("12500.00"),
        cost=Decimal("240000.00"),
        attainment=1 - 120 / 44_040,
    )
    assert (net, point, verdict) == (Decimal("-2500.00"), Decimal("2406.56"), Verdict.LOSS)
    gain = judged(Side.SELLS, charge=Decimal(250_000), credits=Decimal(0), cost=Decimal(200_000), attainment=1.0)
    assert gain == (Decimal("50000.00"), Decimal("2000.00"), Verdict.GAIN)
    # Exactly even is not a loss.
    assert judged(Side.SELLS, charge=Decimal(10), credits=Decimal(0), cost=Decimal(10), attainment=None)[2] is (
        Verdict.GAIN
    )


def test_no_charge_incomplete_and_bought() -> None:
    # An internal OLA: a cost with nothing to set against it.
    assert judged(Side.SELLS, charge=None, credits=Decimal(0), cost=Decimal(30_000), attainment=None) == (
        Decimal("-30000.00"),
        None,
        Verdict.NO_CHARGE,
    )
    assert judged(Side.SELLS, charge=None, credits=Decimal(0), cost=None, attainment=0.99)[0] is None
    # A charge but no cost (or a cost missing a month): nothing to judge by.
    incomplete = judged(
        Side.SELLS, charge=Decimal(100), credits=Decimal(0), cost=Decimal(50), attainment=1.0, complete=False
    )
    assert (incomplete[0], incomplete[2]) == (None, Verdict.INCOMPLETE)
    # The cloud contract: 90,000 paid, 9,000 credited back at 99.633 %: 81,000 / 99.633 = 812.983.
    bought = judged(
        Side.BUYS, charge=Decimal("90000.00"), credits=Decimal("9000.00"), cost=None, attainment=1 - 120 / 32_700
    )
    assert bought == (Decimal("-81000.00"), Decimal("812.98"), Verdict.PURCHASE)
