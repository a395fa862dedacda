"""The credits ledger and the cost of services: what each agreement owes for each period under
each of its clauses (the credit schedule, a ticket penalty), with the calculation and where the
money stands; and what each service cost to run in each month.

The rules: ``services/credits.py`` (the ledger), ``services/costs.py`` (costs and the
cost-effectiveness view), ``docs/formulas.md`` sections 10, 13 and 15.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from slmo.core.model.credits import CreditCalculation, PenaltyCalculation


class CreditStatus(StrEnum):
    """Where a ledger line stands: ``computed`` lines are replaced when the period is computed
    again; ``confirmed`` (agreed with the other party) and ``paid`` ones are never touched."""

    COMPUTED = "computed"
    CONFIRMED = "confirmed"
    PAID = "paid"


# computed -> confirmed -> paid; a computed line may be paid at once.
CREDIT_STEPS: dict[CreditStatus, frozenset[CreditStatus]] = {
    CreditStatus.COMPUTED: frozenset({CreditStatus.CONFIRMED, CreditStatus.PAID}),
    CreditStatus.CONFIRMED: frozenset({CreditStatus.PAID}),
    CreditStatus.PAID: frozenset(),
}


class CreditBasis(StrEnum):
    """Which clause of the agreement a line comes from."""

    SCHEDULE = "schedule"
    PENALTY = "penalty"


@dataclass(frozen=True, kw_only=True)
class CreditEntry:
    """One line of the ledger, unique per agreement, period, basis and clause.

    ``clause`` is empty for the credit schedule and the penalised objective's name for a
    penalty. ``objective`` is the objective whose figures set the amount (for the schedule,
    the worst of those it grades, ``covered``); ``attainment`` its attainment over the period.
    ``amount`` is in ``currency``; ``None`` when the agreement has no charge to take a share
    of. ``calculation`` is every step, as the report shows it.
    """

    agreement: str
    period: str
    basis: CreditBasis
    clause: str
    version: int
    objective: str | None
    attainment: float | None
    amount: Decimal | None
    currency: str | None
    calculation: CreditCalculation | PenaltyCalculation
    computed_at: dt.datetime
    covered: tuple[str, ...] = ()
    status: CreditStatus = CreditStatus.COMPUTED
    confirmed_at: dt.datetime | None = None
    confirmed_by: str | None = None
    paid_at: dt.datetime | None = None
    paid_by: str | None = None
    id: int | None = None
    # Grows with every change of the stored line: a change based on an older revision is refused.
    revision: int = 0

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.agreement, self.period, self.basis.value, self.clause)

    @property
    def settled(self) -> bool:
        """Confirmed or paid: recomputing the period never changes it."""
        return self.status is not CreditStatus.COMPUTED

    def same_figures(self, other: CreditEntry) -> bool:
        """Whether two lines say the same money for the same reasons."""
        return (self.objective, self.attainment, self.amount, self.currency, self.calculation) == (
            other.objective,
            other.attainment,
            other.amount,
            other.currency,
            other.calculation,
        )


@dataclass(frozen=True, kw_only=True)
class CreditAmount:
    """A ledger line's money alone (``CreditLedger.amounts``): what sums over many lines need,
    without the calculation."""

    agreement: str
    period: str
    amount: Decimal | None
    currency: str | None
    status: CreditStatus


@dataclass(frozen=True, kw_only=True)
class ServiceCost:
    """What running ``service`` cost in one month (``period``: ``2026-10``)."""

    service: str
    period: str
    amount: Decimal
    currency: str
    updated_at: dt.datetime | None = None


class Side(StrEnum):
    """Which way an agreement's money flows: slmo's organisation ``sells`` what an SLA, OLA or
    expectation promises (the charge is income, credits are paid out), and ``buys`` what an
    underpinning contract promises (the charge is an expense, credits come back)."""

    SELLS = "sells"
    BUYS = "buys"


class Verdict(StrEnum):
    """What the cost-effectiveness view says of an agreement over a period."""

    # Sold: the charge less the credits paid does not cover the service's cost.
    LOSS = "loss"
    GAIN = "gain"
    # Sold without a charge (an internal OLA, an expectation): a cost with nothing to set against it.
    NO_CHARGE = "no_charge"
    # Sold with a charge, but a service's cost is missing or in another currency.
    INCOMPLETE = "incomplete"
    # Bought: the charge paid less the credits received is what the supplier's service cost.
    PURCHASE = "purchase"


@dataclass(frozen=True, kw_only=True)
class CostEffectiveness:
    """One agreement over one period (``docs/formulas.md`` section 15).

    ``charge`` is the period's share of the agreement's charge; ``credits`` the ledger's lines
    of the period (any status), ``credits_paid`` those paid; ``cost`` the agreement's share of
    its services' costs (sold agreements only); ``net`` what is left (sold: charge - credits -
    cost; bought: credits - charge); ``cost_per_point`` the cost (sold) or the net charge (bought)
    per percentage point of ``attainment``. ``missing`` names services with no cost entered.
    """

    agreement: str
    kind: str
    side: Side
    period: str
    currency: str | None
    charge: Decimal | None
    credits: Decimal
    credits_paid: Decimal
    cost: Decimal | None
    net: Decimal | None
    attainment: float | None
    cost_per_point: Decimal | None
    verdict: Verdict
    services: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def costs_more_than_it_returns(self) -> bool:
        return self.verdict is Verdict.LOSS
