"""Service credits as computed for one period: the figures and the steps that led to them, so
that a report (and later a credits ledger) can show the calculation, not only its result.

The rule is ``core.engine.credits``; the formula and its worked examples are in
``docs/formulas.md`` section 10.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from slmo.core.model.agreement import Charge, CreditTier


@dataclass(frozen=True, kw_only=True)
class CreditCalculation:
    """The credit one period's attainment earns under a credit schedule.

    ``tier`` is the tier applied (``None`` when the attainment is below no tier, or unknown);
    ``share`` its credit as a fraction of the charge, before the cap; ``due_share`` after it
    (``capped`` says whether the cap cut it). ``amount`` is ``due_share`` of the charge's
    amount, in its currency, to the cent; ``None`` without a charge.
    """

    attainment: float | None
    tiers: tuple[CreditTier, ...]
    tier: CreditTier | None
    share: float
    cap: float
    capped: bool
    due_share: float
    charge: Charge | None
    amount: Decimal | None

    @property
    def due(self) -> bool:
        return self.due_share > 0


@dataclass(frozen=True, kw_only=True)
class PenaltyCalculation:
    """The penalty one period's late tickets earn under a ``TicketPenalty``.

    ``breach_seconds`` is the breach time the tickets of the objective accrued in the period
    (``tickets`` of them accrued some), on the objective's clock; the first
    ``allowance_seconds`` are free, the rest (``billable_seconds``) is ``units`` of
    ``per_seconds`` each (rounded up to whole units when the penalty says so), charged at
    ``rate``. ``raw_amount`` is before the cap, ``amount`` after it, to the cent.
    """

    objective: str
    tickets: int
    breach_seconds: int
    allowance_seconds: int
    billable_seconds: int
    per_seconds: int
    units: Decimal
    rate: Decimal
    currency: str
    raw_amount: Decimal
    cap: Decimal | None
    capped: bool
    amount: Decimal

    @property
    def due(self) -> bool:
        return self.amount > 0
