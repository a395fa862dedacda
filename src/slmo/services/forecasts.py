"""Forecasts as rows for scripts and the API: one place, so `slmo forecast --json`, the
``forecast`` of `slmo status --json` and ``GET /api/v1/forecasts`` carry the same keys."""

from __future__ import annotations

import math
from typing import Any

from slmo.core.model.forecast import AttainmentForecast, Interval
from slmo.core.model.results import ObjectiveEvaluation


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _interval(interval: Interval | None) -> list[float] | None:
    return None if interval is None else [interval.low, interval.high]


def forecast_fields(forecast: AttainmentForecast) -> dict[str, Any]:
    """The forecast's own keys: where the window will end, with its intervals as
    ``[low, high]`` and the probability of breach (null when there is nothing to go on)."""
    return {
        "at": forecast.at.isoformat(),
        "window_start": forecast.window_start.isoformat(),
        "window_end": forecast.window_end.isoformat(),
        "target": forecast.target,
        "expected_attainment": _finite(forecast.expected),
        "interval_80": _interval(forecast.interval_80),
        "interval_95": _interval(forecast.interval_95),
        "breach_probability": _finite(forecast.breach_probability),
        "known_attainment": _finite(forecast.known),
        "remaining_days": forecast.remaining_days,
        "history_days": forecast.history_days,
        "draws": forecast.draws,
    }


def forecast_json(record: ObjectiveEvaluation) -> dict[str, Any] | None:
    """One objective's forecast row (``objective`` is ``agreement/objective``), or None for a
    record without one (a named past period's)."""
    if record.forecast is None:
        return None
    return {
        "objective": record.key,
        "agreement": record.agreement,
        "service": record.service,
        **forecast_fields(record.forecast),
    }
