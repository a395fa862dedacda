"""What history says about a proposed objective, for the negotiating table: per past period its
attainment, whether the proposed target would have been met and the credits it would have
cost, and the targets history meets with 90, 95 and 99 % confidence (``core.engine.evidence``;
``docs/formulas.md``, "Evidence for a proposed target")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from slmo.core.model.credits import CreditCalculation


@dataclass(frozen=True, kw_only=True)
class ConfidentTarget:
    """The target history meets with ``confidence``: the ``rank``-th lowest of ``periods``
    attainments, met by the next period with probability at least ``assured``; ``target`` and
    ``rank`` are ``None`` when fewer than ``periods_needed`` periods are known."""

    confidence: float
    periods: int
    periods_needed: int
    target: float | None
    rank: int | None
    assured: float | None


class CreditNote(StrEnum):
    """Why the credits of the periods are not given."""

    NO_SCHEDULE = "no_schedule"  # the version has no credit schedule
    NOT_GRADED = "not_graded"  # the schedule grades objectives of higher targets only
    OTHER_PERIOD = "other_period"  # the charge is per another period than the one evaluated


@dataclass(frozen=True, kw_only=True)
class EvidencePeriod:
    """One past period: ``attainment`` (``None`` without data), whether the proposed target
    would have been met, and the credit it would have cost (``None`` when not computed)."""

    label: str
    start: dt.datetime
    end: dt.datetime
    attainment: float | None
    met: bool | None
    credit: CreditCalculation | None


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """The evidence for objective ``objective`` of ``agreement``'s version ``version`` at
    ``target``, over its last complete periods of ``unit`` (``M``, ``Q`` or ``w``), oldest first."""

    agreement: str
    version: int
    objective: str
    indicator: str
    target: float
    unit: str
    time_zone: str
    periods: tuple[EvidencePeriod, ...]
    confidence: tuple[ConfidentTarget, ...]
    credit_note: CreditNote | None
    currency: str | None

    @property
    def measured(self) -> int:
        """Periods with data."""
        return sum(1 for p in self.periods if p.attainment is not None)

    @property
    def met(self) -> int:
        return sum(1 for p in self.periods if p.met)

    @property
    def credits_total(self) -> Decimal | None:
        """The credits of every period together, in ``currency`` (``None`` when not computed)."""
        amounts = [p.credit.amount for p in self.periods if p.credit is not None and p.credit.amount is not None]
        if self.credit_note is not None or self.currency is None:
            return None
        return sum(amounts, Decimal("0.00"))
