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
