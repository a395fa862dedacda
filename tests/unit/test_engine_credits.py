"""Service credits (``core.engine.credits``, docs/formulas.md section 10), computed by hand.

Public-cloud-like tiers: under 99.99 % 10 %, under 99 % 25 %, under 95 % 100 % of a monthly
charge of 90,000 SAR (the example catalogue's Nimbus Cloud contract)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from slmo.core.engine.credits import applied_tier, covered_objectives, graded, service_credit
from slmo.core.model import Charge, CreditSchedule, CreditTier

CLOUD = CreditSchedule(
    tiers=(
        CreditTier(below=0.9999, credit=0.10),
        CreditTier(below=0.99, credit=0.25),
        CreditTier(below=0.95, credit=1.0),
    ),
    cap=1.0,
)
MONTHLY = Charge(amount=90_000, currency="SAR", period="month")


@pytest.mark.parametrize(
    ("attainment", "credit", "amount"),
    [
        (1.0, 0.0, "0.00"),
        (0.99995, 0.0, "0.00"),
        # Exactly at a tier's edge is not below it: no credit from that tier.
        (0.9999, 0.0, "0.00"),
        (0.99989, 0.10, "9000.00"),  # 10 % of 90,000
        (0.99, 0.10, "9000.00"),  # at the 99 % edge: still the 10 % tier
        (0.98999, 0.25, "22500.00"),  # 25 % of 90,000
        (0.95, 0.25, "22500.00"),  # at the 95 % edge
        (0.9499, 1.0, "90000.00"),
        (0.0, 1.0, "90000.00"),
    ],
)
def test_public_cloud_tiers(attainment: float, credit: float, amount: str) -> None:
    found = service_credit(CLOUD, attainment, MONTHLY)
    assert found.share == credit and found.due_share == credit
    assert found.amount == Decimal(amount)
    assert not found.capped
    assert found.due == (credit > 0)


def test_the_tier_applied_is_the_lowest_reached_not_a_sum() -> None:
    # 94 % is below all three edges: the 100 % tier applies, not 10 + 25 + 100.
    found = service_credit(CLOUD, 0.94, MONTHLY)
    assert found.tier == CreditTier(below=0.95, credit=1.0)
    assert found.amount == Decimal("90000.00")


def test_an_attainment_from_counts_exactly_at_the_edge_earns_nothing() -> None:
    # 43,157 good minutes of 43,200 is 99.9005 %; 999 of 1,000 is exactly 0.999 in binary
    # too (division is correctly rounded), so "below 99.9 %" does not apply.
    schedule = CreditSchedule(tiers=(CreditTier(below=0.999, credit=0.05),))
    assert service_credit(schedule, 999 / 1000).share == 0.0
    assert service_credit(schedule, 998 / 1000).share == 0.05


def test_the_cap_cuts_the_share() -> None:
    # The portal SLA's tiers with a 20 % cap: 98 % is below 99 %, which earns 25 %; the cap
    # leaves 20 % of 250,000 = 50,000.
    schedule = CreditSchedule(
        tiers=(
            CreditTier(below=0.999, credit=0.05),
            CreditTier(below=0.995, credit=0.10),
            CreditTier(below=0.99, credit=0.25),
        ),
        cap=0.2,
    )
    found = service_credit(schedule, 0.98, Charge(amount=250_000, currency="SAR"))
    assert (found.share, found.due_share, found.capped) == (0.25, 0.2, True)
    assert found.amount == Decimal("50000.00")
    # Below the cap nothing changes: 99.7 % earns 5 % = 12,500.
    lower = service_credit(schedule, 0.997, Charge(amount=250_000, currency="SAR"))
    assert (lower.due_share, lower.capped, lower.amount) == (0.05, False, Decimal("12500.00"))


def test_amounts_are_decimal_to_the_cent_rounded_half_up() -> None:
    schedule = CreditSchedule(tiers=(CreditTier(below=0.999, credit=0.05),))
    # 5 % of 99.99 = 4.9995 -> 5.00; 5 % of 0.1 = 0.005 -> 0.01.
    assert service_credit(schedule, 0.9, Charge(amount=99.99, currency="SAR")).amount == Decimal("5.00")
    assert service_credit(schedule, 0.9, Charge(amount=0.1, currency="SAR")).amount == Decimal("0.01")


def test_no_data_and_no_charge() -> None:
    found = service_credit(CLOUD, None, MONTHLY)
    assert (found.tier, found.share, found.amount) == (None, 0.0, Decimal("0.00"))
    without = service_credit(CLOUD, 0.98, None)
    assert (without.due_share, without.amount) == (0.25, None)


def test_tiers_are_listed_from_the_highest_edge() -> None:
    shuffled = CreditSchedule(tiers=(CLOUD.tiers[2], CLOUD.tiers[0], CLOUD.tiers[1]))
    assert [t.below for t in service_credit(shuffled, 0.5).tiers] == [0.9999, 0.99, 0.95]
    assert applied_tier(shuffled.tiers, 0.97) == CreditTier(below=0.99, credit=0.25)


@pytest.mark.parametrize("attainment", [0.0, 0.5, 0.9499, 0.95, 0.97, 0.99, 0.995, 0.9999, 1.0])
def test_agrees_with_the_schedules_own_rule(attainment: float) -> None:
    assert service_credit(CLOUD, attainment).due_share == CLOUD.credit_for(attainment)


def test_which_objectives_a_schedule_grades() -> None:
    portal = CreditSchedule(tiers=(CreditTier(below=0.999, credit=0.05), CreditTier(below=0.99, credit=0.25)))
    targets = {"availability": 0.999, "success-rate": 0.9995, "latency": 0.95}
    # The 95 % latency objective is not what tiers from 99.9 % down grade.
    assert covered_objectives(portal, targets) == ["availability", "success-rate"]
    # The worst of them sets the tier; an objective without data is left out.
    assert graded({"availability": 0.9985, "success-rate": 0.9991}) == ("availability", 0.9985)
    assert graded({"availability": None, "success-rate": 0.9991}) == ("success-rate", 0.9991)
    assert graded({"availability": None}) is None


def test_tiers_written_as_bands_with_a_lower_edge() -> None:
    # The cloud tiers as AWS writes them: "less than 99.99 % but at least 99.0 %: 10 %",
    # "less than 99.0 % but at least 95.0 %: 25 %", "less than 95 %: 100 %". The same credits.
    bands = CreditSchedule(
        tiers=(
            CreditTier(below=0.9999, at_least=0.99, credit=0.10),
            CreditTier(below=0.99, at_least=0.95, credit=0.25),
            CreditTier(below=0.95, credit=1.0),
        )
    )
    for attainment in (1.0, 0.9999, 0.99989, 0.99, 0.98999, 0.95, 0.9499, 0.0):
        assert service_credit(bands, attainment).share == service_credit(CLOUD, attainment).share
    assert applied_tier(bands.tiers, 0.99) == bands.tiers[0]
    assert applied_tier(bands.tiers, 0.97) == bands.tiers[1]
    # A tier's lower edge is inclusive and its upper edge exclusive.
    assert bands.tiers[1].covers(0.95) and not bands.tiers[1].covers(0.99)
