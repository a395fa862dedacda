"""The portfolio view: every agreement on one line over a period (its health, trend, money, risk
and review), grouped and sorted; ``core.engine.portfolio`` computes it and ``docs/formulas.md``
("Portfolio") gives the rules.

Money is ``Decimal`` to the cent, in the line's ``currency``; ratios are in [0, 1].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from slmo.core.model.agreement import AgreementKind
from slmo.core.model.ledger import Side, Verdict
from slmo.core.model.results import EvaluationStatus
from slmo.core.model.review import ReviewState
from slmo.core.model.text import LocalizedText


class GroupBy(StrEnum):
    """What the lines are grouped by. An agreement with several customers, services or suppliers
    is in the group of each; one with none is in the group without a key."""

    CUSTOMER = "customer"
    SERVICE = "service"
    SUPPLIER = "supplier"
    TIER = "tier"


class SortColumn(StrEnum):
    """The columns the lines sort by (``core.engine.portfolio.sort_key`` says how each compares)."""

    AGREEMENT = "agreement"
    KIND = "kind"
    CUSTOMER = "customer"
    SERVICE = "service"
    SUPPLIER = "supplier"
    TIER = "tier"
    HEALTH = "health"
    MET = "met"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    NO_DATA = "no_data"
    TREND = "trend"
    CHARGE = "charge"
    COST = "cost"
    CREDITS_PAID = "credits_paid"
    CREDITS_RECEIVED = "credits_received"
    NET = "net"
    RISK = "risk"
    REVIEW = "review"


class TrendDirection(StrEnum):
    IMPROVING = "improving"
    STABLE = "stable"
    DEGRADING = "degrading"


@dataclass(frozen=True, kw_only=True)
class Figure:
    """One objective over one stretch: a closed period's final evaluation, or where it stands
    now. ``budget_left`` is the share of the error budget left (1 untouched, 0 spent, negative
    when overspent); ``None`` without data."""

    status: EvaluationStatus
    budget_left: float | None


@dataclass(frozen=True, kw_only=True)
class Health:
    """How many of an agreement's objectives were met, at risk, breached or without data over
    the period (each objective counted once, at its worst)."""

    met: int = 0
    at_risk: int = 0
    breached: int = 0
    no_data: int = 0

    @property
    def total(self) -> int:
        return self.met + self.at_risk + self.breached + self.no_data

    @property
    def status(self) -> EvaluationStatus:
        """The worst of the objectives: breached, else at risk, else met, else no data."""
        if self.breached:
            return EvaluationStatus.BREACHED
        if self.at_risk:
            return EvaluationStatus.AT_RISK
        if self.met:
            return EvaluationStatus.MET
        return EvaluationStatus.NO_DATA

    def __add__(self, other: Health) -> Health:
        return Health(
            met=self.met + other.met,
            at_risk=self.at_risk + other.at_risk,
            breached=self.breached + other.breached,
            no_data=self.no_data + other.no_data,
        )


@dataclass(frozen=True, kw_only=True)
class TrendPoint:
    """One of the four periods: how many objectives had data and how many were met, and the mean
    of their budgets left (each clipped to [-1, 1]); ``None`` when none had data."""

    period: str
    met: int
    with_data: int
    budget_left: float | None


@dataclass(frozen=True, kw_only=True)
class Trend:
    """The direction over the four periods: the Theil-Sen slope of the points' ``budget_left``
    (per period) against a tolerance; ``None`` with fewer than three points with data."""

    points: tuple[TrendPoint, ...]
    slope: float | None
    direction: TrendDirection | None


@dataclass(frozen=True, kw_only=True)
class ReviewStanding:
    """Where the agreement stands in the review schedule today (``core.engine.reviews``)."""

    next_review: dt.date
    state: ReviewState
    days: int
    last_review: dt.date | None = None

    @property
    def overdue(self) -> bool:
        return self.state is ReviewState.OVERDUE


@dataclass(frozen=True, kw_only=True)
class Money:
    """An agreement's money over the period (``docs/formulas.md`` section 15): ``charge`` its
    share of the period; ``cost`` its share of its services' costs (sold) or the charge paid
    (bought); credits of the ledger's lines of the period, ``paid`` to customers (sold) or
    ``received`` from suppliers (bought); ``net`` as the cost-effectiveness view has it.
    ``cost``, ``net`` and ``verdict`` are ``None`` where the reader may not see costs."""

    side: Side
    currency: str | None
    charge: Decimal | None
    cost: Decimal | None
    credits_paid: Decimal
    credits_received: Decimal
    net: Decimal | None
    verdict: Verdict | None


@dataclass(frozen=True, kw_only=True)
class PortfolioLine:
    """One agreement over the period. ``tier`` is the most critical (lowest) tier of its
    services; ``suppliers`` the supplier parties of an underpinning contract and those its
    services depend on; ``risk`` the highest forecast breach probability among its objectives
    now, with the objective it belongs to."""

    agreement: str
    display_name: LocalizedText
    kind: AgreementKind
    version: int
    customers: tuple[str, ...]
    providers: tuple[str, ...]
    suppliers: tuple[str, ...]
    services: tuple[str, ...]
    tier: int | None
    health: Health
    trend: Trend
    money: Money
    risk: float | None
    risk_objective: str | None
    review: ReviewStanding | None

    @property
    def status(self) -> EvaluationStatus:
        return self.health.status


@dataclass(frozen=True, kw_only=True)
class MoneyTotal:
    """The sum of the lines' money in one currency (``None`` amounts left out): ``income`` is
    the charges of sold agreements (a bought one's charge is in ``cost``)."""

    currency: str | None
    income: Decimal
    cost: Decimal
    credits_paid: Decimal
    credits_received: Decimal
    net: Decimal


@dataclass(frozen=True, kw_only=True)
class Totals:
    """Sums over some lines: agreements, objectives by status, money per currency, the highest
    risk, reviews overdue, and how many lines trend each way."""

    agreements: int
    health: Health
    money: tuple[MoneyTotal, ...]
    risk: float | None
    reviews_overdue: int
    improving: int
    degrading: int


@dataclass(frozen=True, kw_only=True)
class PortfolioGroup:
    """The lines of one customer, service, supplier or tier (``key``; ``None`` for the lines
    without one), sorted as the portfolio is."""

    key: str | int | None
    lines: tuple[PortfolioLine, ...]
    totals: Totals


@dataclass(frozen=True, kw_only=True)
class Portfolio:
    """The portfolio over ``period`` (a month, quarter or year): ``periods`` are the four the
    trend reads, oldest first, ending with ``period``; ``complete`` is false while it runs.
    ``names`` maps the parties and services the lines name to their display names.
    ``costs_shown`` is false for a reader who may not see costs (their figures are ``None``)."""

    period: str
    periods: tuple[str, ...]
    complete: bool
    generated_at: dt.datetime
    group_by: GroupBy | None
    sort: SortColumn
    descending: bool
    lines: tuple[PortfolioLine, ...]
    groups: tuple[PortfolioGroup, ...]
    totals: Totals
    costs_shown: bool = True
    names: Mapping[str, LocalizedText] = field(default_factory=dict)

    @property
    def file_stem(self) -> str:
        return f"portfolio-{self.period}"
