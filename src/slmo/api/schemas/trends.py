"""Trends over the API (``services.trends``): the document ``slmo trends --json`` prints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class TrendPoint(BaseModel):
    period: str
    value: float = Field(description="Attainment (an objective) or the mean share of budget spent (a service).")


class TrendTestPublic(BaseModel):
    method: Literal["original", "hamed_rao"]
    n: int = Field(description="Values tested: the periods read.")
    s: float = Field(description="Mann–Kendall's S.")
    variance: float | None = Field(description="Var(S), ties corrected, times the autocorrelation correction.")
    correction: float | None = Field(description="Hamed and Rao's n/n* (1 for the original test).")
    z: float | None
    p_value: float | None = Field(description="Two-sided.")
    tau: float | None
    slope: float | None = Field(description="Theil–Sen slope per period, as a fraction.")
    slope_low: float | None
    slope_high: float | None
    intercept: float | None


class StepPublic(BaseModel):
    period: str = Field(description="The first period of the new level.")
    before: float = Field(description="The median of the periods before.")
    after: float = Field(description="The median of the periods from it on.")
    u: float = Field(description="Mann–Whitney U of the periods before.")
    p_value: float


class TrendPublic(BaseModel):
    subject: Literal["objective", "service"]
    name: str = Field(description="AGREEMENT/OBJECTIVE or the service's name.")
    service: str | None
    measure: Literal["attainment", "budget_spent"]
    unit: Literal["day", "week", "month"]
    periods_asked: list[str] = Field(description="The last whole periods before now, oldest first.")
    periods_read: int = Field(description="Of those, the periods with data.")
    series: list[TrendPoint]
    verdict: Literal["improving", "stable", "degrading"] | None = Field(
        description="null when the periods read are too few for any series to be significant at alpha."
    )
    alpha: float
    test: TrendTestPublic | None
    steps: list[StepPublic]
    objectives: list[str] = Field(description="For a service: the objectives its series averages.")
