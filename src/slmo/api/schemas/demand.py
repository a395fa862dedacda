"""Demand forecasts over the API: the same keys and values as ``slmo demand --json``
(``services.demand.demand_json``; a test keeps them so)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DemandStepPublic(BaseModel):
    start: str = Field(description="The step's start (ISO 8601, UTC).")
    expected: float = Field(description="The expected count (the forecast's median).")
    low_80: float
    high_80: float
    low_95: float
    high_95: float


class DemandForecastPublic(BaseModel):
    unit: str = Field(description="events or tickets")
    step_seconds: int = Field(description="3600 (hours) or 86400 (days)")
    made_at: str = Field(description="The start of the first step: the forecast uses only what came before.")
    method: str = Field(description="model, or seasonal-naive for a history too short for the model")
    seasons: list[int] = Field(description="The seasonal periods in steps: 7 for days, 24 and 168 for hours.")
    history_steps: int
    note: str | None = Field(description="The message key saying why the fallback was used, or null.")
    total_steps: int = Field(description="How many steps `total` sums: 7 days or 24 hours (0 without a total).")
    total: DemandStepPublic | None = Field(description="The first week's (or day's) total and its own intervals.")
    steps: list[DemandStepPublic]


class DemandProposalPublic(BaseModel):
    unit: str
    direction: str = Field(description="rise or fall")
    key: str = Field(description="The message key of the proposal.")
    args: dict[str, str | float | int] = Field(
        description="Its arguments: expected, low, high (80 %), recent (weekly mean), peak, change, weeks."
    )


class ServiceDemandPublic(BaseModel):
    service: str
    at: str = Field(description="The start of the UTC day the forecasts are made at.")
    events_daily: DemandForecastPublic | None
    events_hourly: DemandForecastPublic | None
    tickets_daily: DemandForecastPublic | None
    proposals: list[DemandProposalPublic]
