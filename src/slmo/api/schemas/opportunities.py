"""Improvement opportunities over the API: the same keys and values as ``slmo opportunities
--json`` (``services.opportunities.document``; a test keeps them so). Figures in *budgets*
are sums over objectives of what each spent as a fraction of its own period's budget."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ObjectiveSpendPublic(BaseModel):
    objective: str = Field(description="AGREEMENT/OBJECTIVE")
    service: str | None
    unit: str = Field(description="events, slices or tickets: what its budget counts.")
    spent: float = Field(description="Spent in the slice (or the period), in the unit.")
    budget: float = Field(description="The objective's budget for the period, in the unit.")
    share: float = Field(description="spent / budget.")
    minutes: float | None = Field(description="Bad minutes, when the unit is time; else null.")


class IncidentEvidencePublic(BaseModel):
    id: str
    service: str
    start: str
    end: str
    cause: str | None
    spent: float = Field(description="Budgets spent in the units that overlap it.")


class SlicePublic(BaseModel):
    dimension: str = Field(
        description="service, week_hour, weekday, hour, cause, ticket_category, ticket_priority, supplier"
    )
    item: str = Field(
        description="A service, `sun 09:00`, `sun`, `09:00`, a cause, category, priority or supplier; `-` when missing."
    )
    spent: float = Field(description="Budgets spent in the slice.")
    share: float = Field(description="Its part of every budget spent in the period.")
    expected: float | None = Field(description="Time slices: the budgets an even rate would have spent there.")
    objectives: list[ObjectiveSpendPublic]
    incidents: list[IncidentEvidencePublic]
    tickets: list[str]
    contracts: list[str]


class ProposalPublic(BaseModel):
    rank: int
    reference: str = Field(description="PERIOD:RANK, for `slmo action add --opportunity`.")
    action: str = Field(description="The message key of the suggested kind of action.")
    args: dict[str, str]
    owner: str | None = Field(description="The party suggested to own it; null for a customer.")
    origin: str = Field(description="The origin an action taken on it records.")
    slice: SlicePublic


class OpportunitiesPublic(BaseModel):
    period: str | None = Field(description="The named period, or null for each objective's current window.")
    start: str
    end: str
    spent: float = Field(description="Budgets spent in all.")
    outside_incidents: float = Field(description="Budgets spent while no incident concerning the objective was open.")
    unbudgeted: list[str] = Field(
        description="Objectives that spent with a budget of zero (100 % targets), not counted."
    )
    objectives: list[ObjectiveSpendPublic]
    breakdowns: dict[str, list[SlicePublic]]
    proposals: list[ProposalPublic]
