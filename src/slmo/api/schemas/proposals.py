"""Proposals for change over the API: the keys of ``slmo proposals --json``
(``services.proposals.proposal_json`` makes both). Amounts are decimal text (``"150000.00"``),
ratios between 0 and 1, instants ISO 8601 text."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class TargetChangePublic(BaseModel):
    objective: str
    before: float
    after: float = Field(description="Equal to before when a renegotiation leaves the target as it is.")


class ChangePublic(BaseModel):
    target: TargetChangePublic | None = Field(description="A target raised, relaxed or renegotiated.")
    added: dict[str, Any] | None = Field(
        description="The objective to add, as the version's document holds it; null while its service has no "
        "ticket indicator."
    )
    service: str | None = Field(description="For an added objective: the service its tickets are of.")
    category: str | None = Field(description="For an added objective: the ticket category that points to it.")
    retire: bool = Field(description="Whether the agreement is to be retired.")


class FigurePublic(BaseModel):
    name: str = Field(description="What it is: periods_breached, breaches_per_year, credits_per_year ...")
    value: float | int | str | None
    unit: str = Field(description="ratio, count, per_year, money, probability or word")
    source: str = Field(
        description="evidence, targets, trends, tickets, measurements, ledger, claims, impact, catalogue"
    )
    subject: str | None = Field(description="What it is about when not the proposal's objective.")
    span: str | None = Field(description="The periods it covers: 2025-11..2026-10.")
    currency: str | None


class EffectPublic(BaseModel):
    breaches_per_year_before: float | None
    breaches_per_year_after: float | None
    credits_per_year_before: str | None = Field(description="Decimal text in the currency.")
    credits_per_year_after: str | None
    currency: str | None
    basis: str | None = Field(description="The what-if's view of the breaches: simulation or history.")
    credits_basis: str | None = Field(description="The what-if's view of the credits.")


class ProposalPublic(BaseModel):
    id: int
    period: str = Field(description="The period it proposes for: 2027, 2027-Q1, 2027-01.")
    kind: str = Field(description="raise_target, relax_target, add_objective, renegotiate_uc or retire_agreement")
    agreement: str
    objective: str | None
    version: int | None = Field(description="The version whose evidence it was drafted from.")
    evidence_span: str = Field(description="The months of evidence: 2025-11..2026-10.")
    status: str = Field(description="draft, accepted or rejected")
    change: ChangePublic
    evidence: list[FigurePublic]
    effect: EffectPublic = Field(description="Expected breaches and credits a year, before and after.")
    drafted_at: str
    drafted_by: str
    decided_at: str | None
    decided_by: str | None
    reason: str | None = Field(description="Why it was rejected.")
    draft_version: int | None = Field(description="The agreement's version accepting it drafted.")
    revision: int = Field(description="Also the ETag: send it back as If-Match to accept or reject it.")


class ProposalPage(BaseModel):
    items: list[ProposalPublic]
    total: int
    limit: int
    offset: int


class DraftIn(BaseModel):
    period: str = Field(max_length=16, description="A year (2027), a quarter (2027-Q1) or a month (2027-01).")


class DraftChangePublic(BaseModel):
    outcome: str = Field(description="created, replaced, unchanged, removed or kept (decided already)")
    proposal: ProposalPublic


class DraftPublic(BaseModel):
    period: str
    changes: list[DraftChangePublic]


class AcceptIn(BaseModel):
    party: str | None = Field(
        default=None, max_length=255, description="The provider party to draft for, when the agreement has several."
    )
    comment: str | None = Field(default=None, max_length=4000, description="Recorded with the draft version.")


class RejectIn(BaseModel):
    reason: str = Field(max_length=2000, description="Why (required).")
