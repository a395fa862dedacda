"""Closing periods: once a calendar period has ended, each objective's evaluation over the whole
period (the figures ``slmo history`` gives) is kept for good in the ``periods`` hash chain
(``core.model.chain``), so a later change of measurements or of the catalogue cannot quietly
change what was reported.

Rules (``docs/architecture.md``, "Tamper-evident records"):

- **Which periods.** An objective with a calendar window is closed by its window's unit (a
  week, a month, a quarter, a year); one with a rolling window by calendar month. Periods are
  taken in the objective's zone (its window's, else its calendar's, else UTC), as ``history``.
- **When.** ``GRACE_SECONDS`` (a day) after a period ends, so late measurements (a pull's
  corrections, an import of yesterday's file) are in. The ``close`` job (hourly) closes the
  last ``LOOKBACK`` ended periods of every objective in force that are not closed yet, so a
  scheduler that was down for a while catches up; ``slmo periods close PERIOD`` closes an
  earlier one by hand.
- **Which version.** The version in force at the period's last instant; a period in which the
  objective was not in force, or with nothing measured at all, is not closed.
- **Once.** A closed period is never replaced (the store's unique key; a second close of it is
  nothing).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from slmo.core.engine import epoch_seconds, named_period, period_label, period_unit
from slmo.core.engine.windows import calendar_period
from slmo.core.model import Window, WindowUnit
from slmo.core.model.period_close import ClosedPeriod
from slmo.core.model.results import EvaluationStatus
from slmo.core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from slmo.errors import NotFoundError, Problem, SpecError
from slmo.services.evaluate import EvaluationService, Target

logger = logging.getLogger(__name__)

CLOSE = "close"
CLOSE_KEY = "periods"
CLOSE_SECONDS = 3600
GRACE_SECONDS = 86400
LOOKBACK = 3
_CALENDAR_UNITS = frozenset({WindowUnit.WEEK, WindowUnit.MONTH, WindowUnit.QUARTER, WindowUnit.YEAR})


def close_unit(target: Target) -> WindowUnit:
    window = target.objective.window
    return window.unit if not window.rolling and window.unit in _CALENDAR_UNITS else WindowUnit.MONTH


class PeriodCloseService:
    def __init__(self, uow: UnitOfWorkFactory, evaluation: EvaluationService, clock: Clock) -> None:
        self._uow = uow
        self._evaluation = evaluation
        self._clock = clock

    def needed(self, uow: UnitOfWork) -> bool:
        return bool(uow.catalogue.list("Agreement"))

    def _labels(self, target: Target, now: int) -> list[str]:
        unit = close_unit(target)
        zone, week = target.time_zone, target.week_start
        found: list[str] = []
        t = calendar_period(now, unit, zone, week_start=week).start - 1
        for _ in range(LOOKBACK):
            span = calendar_period(t, unit, zone, week_start=week)
            if span.end + GRACE_SECONDS <= now:
                found.append(period_label(span.start, unit, zone, week_start=week))
            t = span.start - 1
        return found[::-1]

    def close_in(
        self, uow: UnitOfWork, now: dt.datetime, objective: str | None = None, period: str | None = None
    ) -> list[ClosedPeriod]:
        """Close what is due (or ``period`` of every objective, or of ``objective``), in ``uow``,
        uncommitted; the periods closed now."""
        at = epoch_seconds(now)
        closed: list[ClosedPeriod] = []
        for target in self._evaluation.targets(uow, now, objective):
            labels = [period] if period is not None else self._labels(target, at)
            for label in labels:
                made = self._close(uow, target, label, now)
                if made is not None:
                    closed.append(made)
        if closed:
            logger.info("closed %d periods", len(closed))
        return closed

    def _close(self, uow: UnitOfWork, target: Target, label: str, now: dt.datetime) -> ClosedPeriod | None:
        agreement, name = target.agreement.name, target.objective.name
        if uow.period_closes.get(agreement, name, label) is not None:
            return None
        span = named_period(label, target.time_zone, week_start=target.week_start)
        if span.end > epoch_seconds(now):
            raise SpecError(
                [Problem(None, "period", f"{label} has not ended yet", key="period_not_ended", args={"period": label})]
            )
        last = span.end - 1
        try:
            (then, *_) = self._evaluation.targets(uow, dt.datetime.fromtimestamp(last, dt.UTC), target.key)
        except NotFoundError:
            return None
        whole = Window(length=1, unit=period_unit(label), rolling=False, time_zone=then.time_zone)
        record = self._evaluation.evaluate_target(
            uow, dataclasses.replace(then, objective=dataclasses.replace(then.objective, window=whole)), last
        )
        if record.evaluation.status is EvaluationStatus.NO_DATA and record.evaluation.total == 0:
            return None
        return uow.period_closes.add(
            ClosedPeriod(agreement=agreement, objective=name, period=label, closed_at=now, record=record)
        )

    def close(self, period: str | None = None, objective: str | None = None) -> list[ClosedPeriod]:
        """Close now what is due, or ``period`` (of every objective in force, or of ``objective``)."""
        if period is not None:
            period_unit(period)  # a bad label is refused before anything is read
        with self._uow() as uow:
            closed = self.close_in(uow, self._clock.now(), objective, period)
            uow.commit()
        return closed

    def list(self, objective: str | None = None) -> list[ClosedPeriod]:
        """Closed periods, in the order they were closed, of one objective (``NAME`` or
        ``AGREEMENT/NAME``) when given."""
        agreement = name = None
        if objective is not None:
            agreement, _, name = objective.rpartition("/")
        with self._uow() as uow:
            return uow.period_closes.list(agreement=agreement or None, objective=name)
