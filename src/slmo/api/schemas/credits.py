"""The credits ledger and the costs of services over the API: the keys of ``slmo credits --json``
and ``slmo costs report --json``. Amounts are decimal text (``"12500.00"``), never floating
point; instants are ``isoformat()`` text to the second."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from slmo.core.model.ledger import CostEffectiveness, CreditEntry, ServiceCost
from slmo.core.model.plain import to_plain
from slmo.services.costs import CostImportReport
from slmo.services.credits import ComputeReport, LineOutcome


def _iso(at: dt.datetime | None) -> str | None:
    return None if at is None else at.isoformat(timespec="seconds")


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class CreditPublic(BaseModel):
    id: int
    agreement: str
    period: str = Field(description="2026-10, 2026-Q4 or 2026")
    basis: str = Field(description="schedule (the credit schedule) or penalty (a ticket penalty)")
    clause: str = Field(description="Empty for the schedule; the penalised objective for a penalty.")
    version: int
    objective: str | None = Field(description="The objective whose figures set the amount.")
    covered: list[str] = Field(description="The objectives the schedule grades.")
    attainment: float | None
    amount: str | None = Field(description="Decimal text in the currency; null without a charge.")
    currency: str | None
    status: str = Field(description="computed, confirmed or paid")
    calculation: dict[str, Any] = Field(description="Every step of the calculation (docs/formulas.md 10, 13).")
    computed_at: str | None
    confirmed_at: str | None
    confirmed_by: str | None
    paid_at: str | None
    paid_by: str | None


class CreditPage(BaseModel):
    items: list[CreditPublic]
    total: int
    limit: int
    offset: int


def credit_public(entry: CreditEntry) -> CreditPublic:
    assert entry.id is not None
    return CreditPublic(
        id=entry.id,
        agreement=entry.agreement,
        period=entry.period,
        basis=entry.basis.value,
        clause=entry.clause,
        version=entry.version,
        objective=entry.objective,
        covered=list(entry.covered),
        attainment=entry.attainment,
        amount=_text(entry.amount),
        currency=entry.currency,
        status=entry.status.value,
        calculation=to_plain(entry.calculation),
        computed_at=_iso(entry.computed_at),
        confirmed_at=_iso(entry.confirmed_at),
        confirmed_by=entry.confirmed_by,
        paid_at=_iso(entry.paid_at),
        paid_by=entry.paid_by,
    )


class ComputedLine(BaseModel):
    outcome: str = Field(description="created, replaced, unchanged, removed, kept or differs")
    line: CreditPublic = Field(description="What the ledger holds now (the settled line when it differs).")
    computed: CreditPublic | None = Field(description="The new figures, when they are not what the ledger holds.")


class SkippedClause(BaseModel):
    agreement: str
    basis: str
    clause: str
    reason: str = Field(description="no_data or no_objective")


class ComputeResult(BaseModel):
    period: str
    lines: list[ComputedLine]
    skipped: list[SkippedClause]


def _computed(line: LineOutcome) -> ComputedLine:
    computed = line.computed
    return ComputedLine(
        outcome=line.outcome.value,
        line=credit_public(line.entry),
        # New figures have no line of their own: shown under the held line's id.
        computed=None if computed is None else credit_public(dataclasses.replace(computed, id=line.entry.id)),
    )


def compute_result(report: ComputeReport) -> ComputeResult:
    return ComputeResult(
        period=report.period,
        lines=[_computed(line) for line in report.lines],
        skipped=[
            SkippedClause(agreement=s.agreement, basis=s.basis.value, clause=s.clause, reason=s.reason.value)
            for s in report.skipped
        ],
    )


class CostPublic(BaseModel):
    service: str
    period: str = Field(description="A month: 2026-10")
    amount: str
    currency: str
    updated_at: str | None


class CostPage(BaseModel):
    items: list[CostPublic]
    total: int


def cost_public(cost: ServiceCost) -> CostPublic:
    return CostPublic(
        service=cost.service,
        period=cost.period,
        amount=str(cost.amount),
        currency=cost.currency,
        updated_at=_iso(cost.updated_at),
    )


class CostImportResult(BaseModel):
    name: str
    rows: int
    written: int = Field(description="Costs new or changed.")
    unchanged: int


def cost_import_result(report: CostImportReport) -> CostImportResult:
    return CostImportResult(name=report.name, rows=report.rows, written=report.written, unchanged=report.unchanged)


class CostEffectivenessPublic(BaseModel):
    agreement: str
    kind: str
    side: str = Field(description="sells (the charge is income) or buys (an underpinning contract)")
    period: str
    currency: str | None
    charge: str | None
    credits: str
    credits_paid: str
    cost: str | None
    net: str | None
    attainment: float | None
    cost_per_point: str | None
    verdict: str = Field(description="loss, gain, no_charge, incomplete or purchase")
    costs_more_than_it_returns: bool
    services: list[str]
    missing: list[str] = Field(description="Services with no cost entered for every month of the period.")


class CostReport(BaseModel):
    period: str
    items: list[CostEffectivenessPublic]


def cost_effectiveness_public(row: CostEffectiveness) -> CostEffectivenessPublic:
    return CostEffectivenessPublic(
        agreement=row.agreement,
        kind=row.kind,
        side=row.side.value,
        period=row.period,
        currency=row.currency,
        charge=_text(row.charge),
        credits=str(row.credits),
        credits_paid=str(row.credits_paid),
        cost=_text(row.cost),
        net=_text(row.net),
        attainment=row.attainment,
        cost_per_point=_text(row.cost_per_point),
        verdict=row.verdict.value,
        costs_more_than_it_returns=row.costs_more_than_it_returns,
        services=list(row.services),
        missing=list(row.missing),
    )
