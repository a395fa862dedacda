"""Service credits: what a period's attainment earns the customer under the agreement's credit
schedule (``docs/formulas.md`` section 10).

- A tier applies when the attainment is strictly below its ``below``: exactly at the edge
  earns nothing from that tier (99.9 % attained against a tier "below 99.9 %" is no credit).
- When several tiers apply, the one with the largest credit wins: the lowest tier reached,
  as public clouds write their schedules (under 99.99 % 10 %, under 99 % 25 %, under 95 %
  100 %). Credits are not added up across tiers.
- The credit is a share of the period's charge, at most the schedule's ``cap``.
- ``amount = min(credit, cap) * charge``, in decimal arithmetic from the numbers as written,
  rounded half up to the cent, so that 5 % of 250,000 is exactly 12,500.00.
- No attainment (nothing measured in the period) earns no credit: slmo does not guess.

Which attainment a schedule grades, when an agreement has several objectives, is
``covered_objectives``: those whose target is at least the highest tier edge, the promise
the tiers step down from; the worst of their attainments sets the tier (``graded``).

The functions are pure, so that a ledger of credits can use the same rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from slmo.core.model.agreement import Charge, CreditSchedule, CreditTier
from slmo.core.model.credits import CreditCalculation

_CENT = Decimal("0.01")


def applied_tier(tiers: tuple[CreditTier, ...], attainment: float) -> CreditTier | None:
    """The tier that applies to ``attainment``: of those it is strictly below (and at or above
    the lower edge of, when a tier names one), the one with the largest credit (on a tie, the
    lowest edge). A schedule that passed the document's checks has its tiers ordered, without
    overlaps or gaps, so this is the band the attainment falls in."""
    applicable = [t for t in tiers if t.covers(attainment)]
    if not applicable:
        return None
    return max(applicable, key=lambda t: (t.credit, -t.below))


def _decimal(value: float) -> Decimal:
    # From the shortest repr of the float, i.e. the number as written in the agreement
    # (0.05, not 0.05000000000000000277...).
    return Decimal(repr(value))


def service_credit(
    schedule: CreditSchedule, attainment: float | None, charge: Charge | None = None
) -> CreditCalculation:
    """The credit that ``attainment`` (a ratio in [0, 1], ``None`` without data) earns."""
    tier = None if attainment is None else applied_tier(schedule.tiers, attainment)
    share = 0.0 if tier is None else tier.credit
    due_share = min(share, schedule.cap)
    amount = None
    if charge is not None:
        amount = (_decimal(due_share) * _decimal(charge.amount)).quantize(_CENT, rounding=ROUND_HALF_UP)
    return CreditCalculation(
        attainment=attainment,
        tiers=tuple(sorted(schedule.tiers, key=lambda t: -t.below)),
        tier=tier,
        share=share,
        cap=schedule.cap,
        capped=share > schedule.cap,
        due_share=due_share,
        charge=charge,
        amount=amount,
    )


def covered_objectives(schedule: CreditSchedule, targets: Mapping[str, float]) -> list[str]:
    """The objectives (name -> target) whose target is at least the schedule's highest tier
    edge: an availability promise of 99.9 % is graded by tiers below 99.9, 99.5 and 99 %,
    while a latency objective of 95 % beside it is not."""
    if not schedule.tiers:
        return []
    top = max(t.below for t in schedule.tiers)
    return [name for name, target in targets.items() if target >= top]


def graded(attainments: Mapping[str, float | None]) -> tuple[str, float] | None:
    """The objective whose attainment sets the tier: the worst one with data (first by name
    on a tie); ``None`` when none has data."""
    known = [(value, name) for name, value in attainments.items() if value is not None]
    if not known:
        return None
    value, name = min(known)
    return name, value
