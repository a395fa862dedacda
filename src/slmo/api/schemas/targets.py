"""Achievable targets and the what-if (``services.targets``): the API's view, built from the same
JSON the CLI prints (``target_study_json``, ``what_if_json``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class BreachRatePublic(BaseModel):
    periods: int = Field(description="Past periods with data, or simulated periods.")
    breaches: int = Field(description="Of them, those below the target.")
    probability: float | None = Field(description="breaches / periods; None without periods.")
    per_year: float | None = Field(description="probability x periods a year.")
    level: float | None = Field(description="The confidence of the upper bound (history only).")
    upper: float | None = Field(description="Clopper-Pearson upper bound on the probability (history only).")
    per_year_upper: float | None = Field(description="upper x periods a year (history only).")


class ExposurePublic(BaseModel):
    periods: int
    per_period: str = Field(description="The mean credit of a period, to the cent.")
    per_year: str = Field(description="per_period x periods a year, rounded once, to the cent.")
    year_p95: str | None = Field(description="95th percentile of a simulated year's credits (simulation only).")
    years: int = Field(description="Simulated years behind year_p95.")


class WhatIfPublic(BaseModel):
    target: float
    unit: str = Field(description="M (months), Q (quarters) or w (weeks)")
    periods_per_year: float = Field(description="12, 4 or 52.1775")
    history: BreachRatePublic
    simulation: BreachRatePublic | None
    currency: str | None
    credit_note: str | None = Field(description="Why there is no exposure: no_schedule, not_graded, other_period.")
    history_exposure: ExposurePublic | None
    simulation_exposure: ExposurePublic | None


class SimulationPublic(BaseModel):
    period: str = Field(description="The period the simulated ones are like (the one running now).")
    history_days: int = Field(description="Days of the objective's own history drawn from.")
    draws: int = Field(description="Simulated periods; 0 when not simulated.")
    note: str | None = Field(description="Why not simulated: tickets, no_history.")


class TargetPeriodPublic(BaseModel):
    period: str
    attainment: float | None
    met: bool | None
    credit_amount: str | None


class AchievablePublic(BaseModel):
    confidence: float
    target: float | None = Field(description="The lower of history's and the simulation's: the one that binds.")
    binding: str | None = Field(description="history or simulation")
    history: float | None = Field(description="The order statistic of the past periods; None when too few.")
    history_rank: int | None
    history_assured: float | None
    periods_needed: int
    simulation: float | None = Field(description="The 1 - confidence quantile of the simulated periods.")


class TargetsPublic(BaseModel):
    agreement: str
    version: int
    objective: str
    indicator: str
    unit: str
    time_zone: str
    periods: list[TargetPeriodPublic]
    simulation: SimulationPublic
    achievable: list[AchievablePublic]
    what_if: WhatIfPublic
