"""Claims on suppliers and dependency impact over the API: the keys of ``slmo claims --json`` and
``slmo impact --json`` (``services.supplier_documents`` makes both). Amounts are decimal text
(``"5250.00"``), instants ISO 8601 text, times in seconds."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ClaimPublic(BaseModel):
    id: int
    agreement: str = Field(description="The underpinning contract.")
    supplier: str = Field(description="The contract's provider party.")
    period: str = Field(description="The period the credit is owed for: 2026-08.")
    basis: str = Field(description="schedule (the credit schedule) or penalty (a ticket penalty)")
    clause: str
    amount: str = Field(description="Decimal text in the currency: what is (or was) claimed.")
    currency: str | None
    status: str = Field(description="due, filed, accepted, paid, rejected or expired")
    deadline: str | None = Field(description="The instant the window to file closes; null without a window.")
    file_by: str | None = Field(description="The window's last day, in the contract's time zone.")
    reference: str | None = Field(description="The supplier's case, credit note or invoice number.")
    reason: str | None = Field(description="Why the supplier rejected it.")
    created_at: str | None
    filed_at: str | None
    filed_by: str | None
    accepted_at: str | None
    accepted_by: str | None
    paid_at: str | None
    paid_by: str | None
    closed_at: str | None
    closed_by: str | None
    revision: int = Field(description="Also the ETag: send it back as If-Match to move the claim a step.")
    urgency: str | None = Field(default=None, description="open, soon, overdue or settled (lists only).")
    days_left: int | None = Field(default=None, description="Whole days to the deadline; negative once passed.")


class ClaimPage(BaseModel):
    items: list[ClaimPublic]
    total: int
    limit: int
    offset: int


class ClaimStepIn(BaseModel):
    reference: str | None = Field(default=None, max_length=255, description="The supplier's reference, if any.")
    reason: str | None = Field(default=None, max_length=2000, description="A rejection's reason (reject only).")


class LinkPublic(BaseModel):
    kind: str = Field(description="service or supplier")
    name: str
    depth: int = Field(description="1 for a direct dependency.")
    via: list[str] = Field(description="The services between, nearest the dependent first.")


class CausePublic(LinkPublic):
    overlap_seconds: float = Field(description="Bad time of the objective while this upstream was failing.")
    share: float | None = Field(description="That, as a fraction of the objective's bad time.")
    incidents: list[str]
    objectives: list[str] = Field(description="The upstream's own objectives that spent budget at the time.")


class ImpactPublic(BaseModel):
    objective: str = Field(description="AGREEMENT/OBJECTIVE")
    agreement: str
    name: str
    service: str | None
    target: float | None
    breach: str | None = Field(description="AGREEMENT/OBJECTIVE@START for a breach; null for a period.")
    breach_start: str | None
    breach_end: str | None
    start: str = Field(description="The span examined: from the window's start at the first breached evaluation.")
    end: str
    bad_seconds: float
    explained_seconds: float = Field(description="Bad time while any upstream was failing.")
    explained_share: float | None
    caused_by: list[str] = Field(description="The supplier parties whose failing overlapped the bad time.")
    causes: list[CausePublic]
    upstream: list[LinkPublic]


class LinkStandingPublic(LinkPublic):
    attainment: float | None
    target: float | None
    objective: str | None


class WeakestPublic(BaseModel):
    service: str
    period: str
    weakest: LinkStandingPublic | None
    links: list[LinkStandingPublic]


class ServiceImpactPublic(BaseModel):
    service: str
    period: str
    upstream: list[LinkPublic]
    objectives: list[ImpactPublic]
    breaches: list[ImpactPublic]
    weakest_link: WeakestPublic


class ImpactAnswer(BaseModel):
    """One of: ``breach`` (``?breach=``), ``service`` (``?service=``), or ``breaches`` (neither)."""

    period: str | None
    breach: ImpactPublic | None = None
    service: ServiceImpactPublic | None = None
    breaches: list[ImpactPublic] | None = None
