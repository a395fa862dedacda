"""The portfolio over the API (``GET /api/v1/portfolio``): every agreement on one line, the
groups and the totals. Amounts are decimal text (``"12500.00"``), never floating point; a cost
or a net the reader may not see is null, with ``costs_shown`` false.

The models document the answer (OpenAPI); the answer itself is written by ``portfolio_body``
as plain JSON, each line's text kept while the service hands back the same line (nothing it was
made from changed), so that a page of 200 agreements is mostly a join of kept strings. A test
validates the body against the models, so the two cannot drift apart."""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from slmo.core.model.portfolio import (
    Health,
    MoneyTotal,
    Portfolio,
    PortfolioGroup,
    PortfolioLine,
    Totals,
    Trend,
)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class HealthPublic(BaseModel):
    status: str = Field(description="The worst objective: breached, at_risk, met or no_data.")
    met: int
    at_risk: int
    breached: int
    no_data: int


class TrendPointPublic(BaseModel):
    period: str
    met: int = Field(description="Objectives whose target was achieved (met or at risk at their worst).")
    with_data: int
    budget_left: float | None = Field(
        description="The mean of the objectives' lowest budgets left, clipped to [-1, 1]."
    )


class TrendPublic(BaseModel):
    direction: str | None = Field(description="improving, stable or degrading; null with under three points.")
    slope: float | None = Field(description="Theil-Sen slope of budget_left per period.")
    points: list[TrendPointPublic]


class MoneyPublic(BaseModel):
    side: str = Field(description="sells (the charge is income) or buys (an underpinning contract)")
    currency: str | None
    charge: str | None
    cost: str | None = Field(description="Sold: its share of its services' costs; bought: the charge paid.")
    credits_paid: str
    credits_received: str
    net: str | None
    verdict: str | None = Field(description="loss, gain, no_charge, incomplete or purchase")


class ReviewPublic(BaseModel):
    next_review: str
    state: str = Field(description="scheduled, due or overdue")
    days: int = Field(description="Days left until the next review (negative when overdue).")
    overdue: bool
    last_review: str | None


class LinePublic(BaseModel):
    agreement: str
    display_name: str
    kind: str
    version: int
    customers: list[str]
    providers: list[str]
    suppliers: list[str]
    services: list[str]
    tier: int | None
    health: HealthPublic
    trend: TrendPublic
    money: MoneyPublic
    risk: float | None = Field(description="The highest forecast breach probability among its objectives now.")
    risk_objective: str | None
    review: ReviewPublic | None


class MoneyTotalPublic(BaseModel):
    currency: str | None
    income: str
    cost: str
    credits_paid: str
    credits_received: str
    net: str


class TotalsPublic(BaseModel):
    agreements: int
    health: HealthPublic
    money: list[MoneyTotalPublic]
    risk: float | None
    reviews_overdue: int
    improving: int
    degrading: int


class GroupPublic(BaseModel):
    key: str | int | None = Field(description="The customer, service, supplier or tier; null for lines without one.")
    agreements: list[str]
    totals: TotalsPublic


class PortfolioPublic(BaseModel):
    period: str
    periods: list[str] = Field(description="The four periods the trend reads, oldest first.")
    complete: bool
    generated_at: str
    group: str | None
    sort: str
    order: str
    costs_shown: bool
    lines: list[LinePublic]
    groups: list[GroupPublic]
    totals: TotalsPublic


def _health(health: Health) -> dict[str, Any]:
    return {
        "status": health.status.value,
        "met": health.met,
        "at_risk": health.at_risk,
        "breached": health.breached,
        "no_data": health.no_data,
    }


def _trend(trend: Trend) -> dict[str, Any]:
    return {
        "direction": None if trend.direction is None else trend.direction.value,
        "slope": trend.slope,
        "points": [
            {"period": p.period, "met": p.met, "with_data": p.with_data, "budget_left": p.budget_left}
            for p in trend.points
        ],
    }


def line_json(line: PortfolioLine) -> dict[str, Any]:
    m = line.money
    review = line.review
    return {
        "agreement": line.agreement,
        "display_name": line.display_name.en,
        "kind": line.kind.value,
        "version": line.version,
        "customers": list(line.customers),
        "providers": list(line.providers),
        "suppliers": list(line.suppliers),
        "services": list(line.services),
        "tier": line.tier,
        "health": _health(line.health),
        "trend": _trend(line.trend),
        "money": {
            "side": m.side.value,
            "currency": m.currency,
            "charge": _text(m.charge),
            "cost": _text(m.cost),
            "credits_paid": str(m.credits_paid),
            "credits_received": str(m.credits_received),
            "net": _text(m.net),
            "verdict": None if m.verdict is None else m.verdict.value,
        },
        "risk": line.risk,
        "risk_objective": line.risk_objective,
        "review": None
        if review is None
        else {
            "next_review": review.next_review.isoformat(),
            "state": review.state.value,
            "days": review.days,
            "overdue": review.overdue,
            "last_review": None if review.last_review is None else review.last_review.isoformat(),
        },
    }


def _money_total(total: MoneyTotal) -> dict[str, Any]:
    return {
        "currency": total.currency,
        "income": str(total.income),
        "cost": str(total.cost),
        "credits_paid": str(total.credits_paid),
        "credits_received": str(total.credits_received),
        "net": str(total.net),
    }


def _totals(totals: Totals) -> dict[str, Any]:
    return {
        "agreements": totals.agreements,
        "health": _health(totals.health),
        "money": [_money_total(t) for t in totals.money],
        "risk": totals.risk,
        "reviews_overdue": totals.reviews_overdue,
        "improving": totals.improving,
        "degrading": totals.degrading,
    }


def _group(group: PortfolioGroup) -> dict[str, Any]:
    return {"key": group.key, "agreements": [x.agreement for x in group.lines], "totals": _totals(group.totals)}


# Lines kept at once (a few answers' worth; a new line replaces the one of the same agreement).
LINES_KEPT = 4096


class LineTexts:
    """Each line's JSON text, kept while the service hands back the same line object."""

    def __init__(self, kept: int = LINES_KEPT) -> None:
        self._kept = kept
        self._lock = threading.Lock()
        self._texts: dict[int, tuple[PortfolioLine, str]] = {}

    def text(self, line: PortfolioLine) -> str:
        with self._lock:
            held = self._texts.get(id(line))
            if held is not None and held[0] is line:
                return held[1]
        made = json.dumps(line_json(line), separators=(",", ":"))
        with self._lock:
            if len(self._texts) >= self._kept:
                self._texts.clear()
            # The line itself is held beside its text, so its id is not reused meanwhile.
            self._texts[id(line)] = (line, made)
        return made


LINE_TEXTS = LineTexts()


def portfolio_body(view: Portfolio, texts: LineTexts = LINE_TEXTS) -> bytes:
    """The answer as JSON bytes, shaped as ``PortfolioPublic``."""
    head = {
        "period": view.period,
        "periods": list(view.periods),
        "complete": view.complete,
        "generated_at": view.generated_at.isoformat(timespec="seconds"),
        "group": None if view.group_by is None else view.group_by.value,
        "sort": view.sort.value,
        "order": "desc" if view.descending else "asc",
        "costs_shown": view.costs_shown,
    }
    tail = {"groups": [_group(g) for g in view.groups], "totals": _totals(view.totals)}
    opening = json.dumps(head, separators=(",", ":"))[:-1]
    closing = json.dumps(tail, separators=(",", ":"))[1:]
    lines = ",".join(texts.text(line) for line in view.lines)
    return f'{opening},"lines":[{lines}],{closing}'.encode()
