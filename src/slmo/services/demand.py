"""Demand per service: the history of its events and tickets, forecasts of the coming days and
hours (a ``DemandForecaster``, ``forecasting/demand.py``), and the capacity and staffing
changes they suggest (``core.engine.demand_rules``). ``docs/formulas.md``, "Demand forecasts".

- **Events** are the ``total`` of the buckets of the service's ratio indicators, summed per
  UTC hour and day (an indicator whose buckets are longer than an hour gives days only).
  History starts with the first stored bucket (nothing before it was measured, so it is not
  zero); a step in which no source reported anything is a gap.
- **Tickets** are those of the service, counted by the UTC day they were opened, from the day
  of the first one.
- Forecasts are made at the start of the UTC day of ``at`` (the clock's now by default) from
  the whole days before it, so a forecast does not change during the day; ``days`` days ahead
  (and ``days * 24`` hours of events), from at most ``HISTORY_DAYS`` days of history (hours:
  ``HOURLY_HISTORY_DAYS``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Collection
from typing import Any

import numpy as np
from numpy.typing import NDArray

from slmo.core.engine.demand_backtest import DemandBacktest, backtest_demand, rolling_origins
from slmo.core.engine.demand_rules import demand_proposal
from slmo.core.model import Indicator, IndicatorKind
from slmo.core.model.catalogue import Service
from slmo.core.model.demand import (
    DAY,
    HOUR,
    DemandForecast,
    DemandHistory,
    DemandProposal,
    DemandStep,
    DemandUnit,
    ServiceDemand,
)
from slmo.core.ports import Clock, DemandForecaster, UnitOfWork, UnitOfWorkFactory
from slmo.errors import NotFoundError, Problem, SpecError

logger = logging.getLogger(__name__)

HISTORY_DAYS = 182
HOURLY_HISTORY_DAYS = 56
MAX_DAYS = 92
DEFAULT_DAYS = 14


def check_days(days: int) -> int:
    """``days`` if it is 1 to ``MAX_DAYS``; a ``SpecError`` otherwise."""
    if not 1 <= days <= MAX_DAYS:
        raise SpecError(
            [
                Problem(
                    None,
                    "days",
                    f"{days} is not a number of days from 1 to {MAX_DAYS}",
                    key="demand.bad_days",
                    args={"value": days, "max": MAX_DAYS},
                )
            ]
        )
    return days


def _day_start(at: dt.datetime) -> dt.datetime:
    utc = at.astimezone(dt.UTC)
    return dt.datetime(utc.year, utc.month, utc.day, tzinfo=dt.UTC)


class DemandService:
    def __init__(self, uow: UnitOfWorkFactory, forecaster: DemandForecaster, clock: Clock) -> None:
        self._uow = uow
        self._forecaster = forecaster
        self._clock = clock

    def services(self) -> list[str]:
        with self._uow() as uow:
            return sorted(o.name for o in uow.catalogue.list("Service") if isinstance(o, Service))

    def forecast(self, service: str, days: int = DEFAULT_DAYS, at: dt.datetime | None = None) -> ServiceDemand:
        """The demand of ``service`` for the ``days`` days from the start of ``at``'s UTC day."""
        check_days(days)
        made = _day_start(at or self._clock.now())
        with self._uow() as uow:
            if not isinstance(uow.catalogue.get("Service", service), Service):
                raise NotFoundError(
                    f"Service {service!r} does not exist", key="error.object_not_found", kind="Service", name=service
                )
            indicators = _ratio_indicators(uow, service)
            daily_events = _events(uow, service, indicators, made, DAY, HISTORY_DAYS)
            hourly_events = _events(uow, service, indicators, made, HOUR, HOURLY_HISTORY_DAYS)
            tickets = _tickets(uow, service, made)
        events_daily = None if daily_events is None else self._forecaster.forecast(daily_events, days)
        events_hourly = None if hourly_events is None else self._forecaster.forecast(hourly_events, days * 24)
        tickets_daily = None if tickets is None else self._forecaster.forecast(tickets, days)
        proposals: list[DemandProposal] = []
        for history, forecast in ((daily_events, events_daily), (tickets, tickets_daily)):
            if history is not None and forecast is not None:
                found = demand_proposal(service, forecast, history.values)
                if found is not None:
                    proposals.append(found)
        return ServiceDemand(
            service=service,
            at=made,
            events_daily=events_daily,
            events_hourly=events_hourly,
            tickets_daily=tickets_daily,
            proposals=tuple(proposals),
        )

    def forecasts(
        self, services: Collection[str] | None = None, days: int = DEFAULT_DAYS, at: dt.datetime | None = None
    ) -> list[ServiceDemand]:
        """Every service's demand (or those named), by name."""
        check_days(days)
        names = self.services() if services is None else sorted(services)
        return [self.forecast(name, days, at) for name in names]

    def history(
        self, service: str, unit: DemandUnit, step_seconds: int = DAY, at: dt.datetime | None = None
    ) -> DemandHistory | None:
        """What the forecasts of ``service`` are made from (``None``: nothing of that kind)."""
        made = _day_start(at or self._clock.now())
        with self._uow() as uow:
            if unit is DemandUnit.TICKETS:
                return _tickets(uow, service, made)
            days = HISTORY_DAYS if step_seconds == DAY else HOURLY_HISTORY_DAYS
            return _events(uow, service, _ratio_indicators(uow, service), made, step_seconds, days)

    def backtest(self, history: DemandHistory, *, horizon: int, first: int, origins: int) -> DemandBacktest:
        """The forecaster's rolling-origin backtest on ``history`` (``core.engine.demand_backtest``):
        ``origins`` forecasts of ``horizon`` steps from step ``first`` on, against the seasonal
        naive forecast of a week (7 days, 168 hours)."""
        season = 7 if history.step_seconds == DAY else 168
        found = rolling_origins(len(history), first, horizon, origins)
        return backtest_demand(history, self._forecaster.forecast, found, horizon, season)


def _ratio_indicators(uow: UnitOfWork, service: str) -> list[Indicator]:
    return sorted(
        (
            i
            for i in uow.catalogue.list("Indicator")
            if isinstance(i, Indicator) and i.kind is IndicatorKind.RATIO and i.service == service
        ),
        key=lambda i: i.name,
    )


def _events(
    uow: UnitOfWork, service: str, indicators: list[Indicator], made: dt.datetime, step: int, days: int
) -> DemandHistory | None:
    usable = [i for i in indicators if step % i.bucket_seconds == 0]
    end = int(made.timestamp())
    ranges = [r for r in (uow.measurements.bucket_range(i.name) for i in usable) if r is not None]
    if not ranges:
        return None
    first = min(r[0] for r in ranges) // step * step
    start = max(first, end - days * DAY)
    if start >= end:
        return None
    total = np.zeros((end - start) // step, dtype=np.float64)
    present = np.zeros(total.shape, dtype=np.bool_)
    for indicator in usable:
        series = uow.measurements.read_buckets(indicator.name, start, end, step)
        total += series.total
        present |= series.present
    values = np.where(present, total, np.nan)
    return DemandHistory(
        series=service,
        unit=DemandUnit.EVENTS,
        step_seconds=step,
        start=dt.datetime.fromtimestamp(start, dt.UTC),
        values=values,
    )


def _tickets(uow: UnitOfWork, service: str, made: dt.datetime) -> DemandHistory | None:
    opened = [t.opened.astimezone(dt.UTC).date() for t in uow.tickets.list(service=service, opened_before=made)]
    if not opened:
        return None
    last = made.date()
    first = max(min(opened), last - dt.timedelta(days=HISTORY_DAYS))
    counts = Counter(opened)
    days = (last - first).days
    if days <= 0:
        return None
    values: NDArray[np.float64] = np.array(
        [counts.get(first + dt.timedelta(days=i), 0) for i in range(days)], dtype=np.float64
    )
    return DemandHistory(
        series=service,
        unit=DemandUnit.TICKETS,
        step_seconds=DAY,
        start=dt.datetime.combine(first, dt.time(), dt.UTC),
        values=values,
    )


# -- JSON (the CLI's --json and the API share it) -----------------------------------------------


def _step_json(step: DemandStep) -> dict[str, Any]:
    return {
        "start": step.start.isoformat(),
        "expected": step.expected,
        "low_80": step.interval_80.low,
        "high_80": step.interval_80.high,
        "low_95": step.interval_95.low,
        "high_95": step.interval_95.high,
    }


def forecast_json(forecast: DemandForecast | None) -> dict[str, Any] | None:
    if forecast is None:
        return None
    return {
        "unit": forecast.unit.value,
        "step_seconds": forecast.step_seconds,
        "made_at": forecast.made_at.isoformat(),
        "method": forecast.method.value,
        "seasons": list(forecast.seasons),
        "history_steps": forecast.history_steps,
        "note": forecast.note,
        "total_steps": forecast.total_steps,
        "total": None if forecast.total is None else _step_json(forecast.total),
        "steps": [_step_json(s) for s in forecast.steps],
    }


def proposal_json(proposal: DemandProposal) -> dict[str, Any]:
    return {
        "unit": proposal.unit.value,
        "direction": proposal.direction.value,
        "key": proposal.key,
        "args": proposal.args,
    }


def demand_json(demand: ServiceDemand) -> dict[str, Any]:
    return {
        "service": demand.service,
        "at": demand.at.isoformat(),
        "events_daily": forecast_json(demand.events_daily),
        "events_hourly": forecast_json(demand.events_hourly),
        "tickets_daily": forecast_json(demand.tickets_daily),
        "proposals": [proposal_json(p) for p in demand.proposals],
    }
