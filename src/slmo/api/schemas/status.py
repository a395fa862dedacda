"""Status and evaluation rows: the same keys and values as ``slmo status --json`` (a test
keeps them so): instants as ``isoformat()`` text, and a number that is not finite as null,
since JSON has no NaN."""

from __future__ import annotations

import math

from pydantic import BaseModel

from slmo.core.model.results import ObjectiveEvaluation
from slmo.services.forecasts import forecast_fields


class ContributorPublic(BaseModel):
    kind: str
    start: str
    end: str
    budget_spent: float | None
    share: float | None
    reference: str | None


class ForecastPublic(BaseModel):
    """Where the window will end (``docs/formulas.md``, "Forecasts"): intervals as
    ``[low, high]``; null figures when there is nothing to go on."""

    at: str
    window_start: str
    window_end: str
    target: float
    expected_attainment: float | None
    interval_80: list[float] | None
    interval_95: list[float] | None
    breach_probability: float | None
    known_attainment: float | None
    remaining_days: float
    history_days: int
    draws: int


class ForecastRow(ForecastPublic):
    """One objective's forecast, as `slmo forecast --json` prints it."""

    objective: str
    agreement: str
    service: str | None


class StatusRow(BaseModel):
    objective: str
    agreement: str
    version: int
    service: str | None
    indicator: str
    at: str
    window_start: str
    window_end: str
    budgeting: str
    good: float | None
    total: float | None
    attainment: float | None
    target: float | None
    budget_total: float | None
    budget_spent: float | None
    budget_left: float | None
    budget_minutes_total: float | None
    budget_minutes_left: float | None
    burn_rates: dict[str, float | None]
    status: str
    reason: str | None = None
    forecast: ForecastPublic | None = None
    contributors: list[ContributorPublic]


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def status_row(item: ObjectiveEvaluation) -> StatusRow:
    e = item.evaluation
    return StatusRow(
        objective=e.objective,
        agreement=item.agreement,
        version=item.version,
        service=item.service,
        indicator=item.indicator,
        at=e.at.isoformat(),
        window_start=e.window_start.isoformat(),
        window_end=e.window_end.isoformat(),
        budgeting=e.budgeting.value,
        good=_finite(e.good),
        total=_finite(e.total),
        attainment=_finite(e.attainment),
        target=_finite(e.target),
        budget_total=_finite(e.budget_total),
        budget_spent=_finite(e.budget_spent),
        budget_left=_finite(e.budget_left),
        budget_minutes_total=_finite(e.budget_minutes_total),
        budget_minutes_left=_finite(e.budget_minutes_left),
        burn_rates={label: _finite(rate) for label, rate in e.burn_rates.items()},
        status=e.status.value,
        reason=item.reason,
        forecast=None if item.forecast is None else ForecastPublic(**forecast_fields(item.forecast)),
        contributors=[
            ContributorPublic(
                kind=c.kind.value,
                start=c.start.isoformat(),
                end=c.end.isoformat(),
                budget_spent=_finite(c.budget_spent),
                share=_finite(c.share),
                reference=c.reference,
            )
            for c in e.contributors
        ],
    )


def status_json(item: ObjectiveEvaluation) -> bytes:
    """One row as the JSON text ``GET /status`` sends (the same as FastAPI would make of it)."""
    return status_row(item).model_dump_json().encode("utf-8")
