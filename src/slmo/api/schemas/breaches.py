"""Breach episodes over the API (``core.engine.breaches``): instants as ``isoformat()`` text,
fractions as numbers, null where there is none."""

from __future__ import annotations

import math

from pydantic import BaseModel, Field

from slmo.core.engine.breaches import BreachEpisode


class BreachPublic(BaseModel):
    objective: str = Field(description="AGREEMENT/OBJECTIVE")
    agreement: str
    name: str = Field(description="The objective's name in its agreement.")
    service: str | None
    indicator: str
    start: str = Field(description="The first breached evaluation's instant.")
    end: str | None = Field(description="The first later evaluation that was met or at risk; null while open.")
    open: bool
    last_breached: str = Field(description="The last breached evaluation's instant.")
    evaluations: int = Field(description="Breached evaluations in the episode.")
    worst_attainment: float | None
    target: float | None = Field(description="The target the worst attainment was measured against.")
    lowest_budget_left: float | None = Field(description="A fraction of the budget; negative when overspent.")


class BreachPage(BaseModel):
    items: list[BreachPublic]
    total: int = Field(description="Episodes matching the filter, over every page.")
    limit: int
    offset: int


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def breach_public(episode: BreachEpisode) -> BreachPublic:
    return BreachPublic(
        objective=episode.key,
        agreement=episode.agreement,
        name=episode.objective,
        service=episode.service,
        indicator=episode.indicator,
        start=episode.start.isoformat(),
        end=None if episode.end is None else episode.end.isoformat(),
        open=episode.open,
        last_breached=episode.last_breached.isoformat(),
        evaluations=episode.evaluations,
        worst_attainment=_finite(episode.worst_attainment),
        target=_finite(episode.target),
        lowest_budget_left=_finite(episode.lowest_budget_left),
    )
