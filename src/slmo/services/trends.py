"""Trends of delivery: for an objective, its attainment over the last N whole periods (days,
weeks or months) before now; for a service, the share of the error budget its objectives spent
in each of those periods, averaged over them. Each series is tested for a monotonic trend and
searched for step changes by a ``TrendTester`` (``forecasting/trends.py``), and judged improving,
stable or degrading (``core.model.trend.judge``).

Rules (``docs/formulas.md``, "Trends and step changes"):

- **Periods.** The last N whole periods of the unit before now (the clock's, or ``at``), in
  each objective's own time zone and week (``EvaluationService.over_period``, as
  ``slmo history``): the period now running is never one of them.
- **Objectives.** Those in force now, each over the past periods with its current terms (as
  ``slmo history``). A period in which the objective counted nothing is left out of its series;
  ``Trend.read`` says how many of the N had data.
- **Services.** An objective belongs to the service its indicator measures. In each period,
  each of its objectives with data and a target below 1 spent (1 − attainment)/(1 − target) of
  its error budget (the budget spent over the budget, as the evaluation counts them); the
  service's value is the mean over those objectives. Objectives in other zones may close a
  period at another instant: a service's period averages the objectives for which it is whole.
- **Walls.** ``agreements`` (a customer's) keeps only the objectives of those agreements, in an
  objective's trend and in a service's mean alike: another party's agreement never shows, even
  through a service both share.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from slmo.core.engine import calendar_period, period_label
from slmo.core.model import Weekday, WindowUnit
from slmo.core.model.results import EvaluationStatus, ObjectiveEvaluation
from slmo.core.model.trend import (
    DEFAULT_ALPHA,
    DEFAULT_PERIODS,
    TREND_UNITS,
    StepChange,
    Trend,
    TrendMeasure,
    TrendMethod,
    TrendSeries,
    TrendSubject,
    TrendTest,
)
from slmo.core.ports import Clock, TrendTester, UnitOfWork, UnitOfWorkFactory
from slmo.errors import NotFoundError, Problem, SpecError
from slmo.services.evaluate import EvaluationService, Target

# A trend reads at most this many periods (a year of days).
MAX_PERIODS = 366
UNIT_NAMES: dict[str, WindowUnit] = {"day": WindowUnit.DAY, "week": WindowUnit.WEEK, "month": WindowUnit.MONTH}


def unit_name(unit: WindowUnit) -> str:
    return next(name for name, u in UNIT_NAMES.items() if u is unit)


def parse_unit(text: str | WindowUnit) -> WindowUnit:
    """``day``, ``week`` or ``month`` (or the unit itself); a ``SpecError`` otherwise."""
    if isinstance(text, WindowUnit) and text in TREND_UNITS:
        return text
    found = UNIT_NAMES.get(str(text).strip().lower())
    if found is None:
        raise SpecError(
            [
                Problem(
                    None,
                    "unit",
                    f"{text!r} is not a unit; use day, week or month",
                    key="trend.bad_unit",
                    args={"value": str(text)},
                )
            ]
        )
    return found


def check_periods(count: int) -> int:
    if not 1 <= count <= MAX_PERIODS:
        raise SpecError(
            [
                Problem(
                    None,
                    "periods",
                    f"{count} periods: give 1 to {MAX_PERIODS}",
                    key="trend.bad_periods",
                    args={"count": count, "most": MAX_PERIODS},
                )
            ]
        )
    return count


def check_alpha(alpha: float) -> float:
    if not 0 < alpha < 1:
        raise SpecError(
            [
                Problem(
                    None,
                    "alpha",
                    f"alpha {alpha} must lie between 0 and 1",
                    key="trend.bad_alpha",
                    args={"value": alpha},
                )
            ]
        )
    return alpha


def last_periods(
    now: dt.datetime, unit: WindowUnit, count: int, time_zone: str, week_start: Weekday = Weekday.MON
) -> list[str]:
    """The names of the ``count`` whole periods of ``unit`` that ended at or before ``now`` in
    ``time_zone`` (``2026-09``, ``2026-W40``, ``2026-10-05``), oldest first."""
    current = calendar_period(now, unit, time_zone, week_start=week_start)
    names: list[str] = []
    end = current.start
    for _ in range(count):
        span = calendar_period(end - 1, unit, time_zone, week_start=week_start)
        names.append(period_label(span.start, unit, time_zone, week_start=week_start))
        end = span.start
    return names[::-1]


def budget_share(record: ObjectiveEvaluation) -> float | None:
    """The share of its error budget an objective spent over a period: (1 − attainment)/(1 −
    target); ``None`` without data or without a budget (a target of 1)."""
    e = record.evaluation
    if e.attainment is None or e.status is EvaluationStatus.NO_DATA or e.target >= 1.0:
        return None
    return (1.0 - e.attainment) / (1.0 - e.target)


@dataclass(frozen=True)
class PeriodRecords:
    """One objective over each of the periods asked for, oldest first: its evaluation, or
    ``None`` where it counted nothing."""

    target: Target
    asked: tuple[str, ...]
    records: tuple[ObjectiveEvaluation | None, ...]

    @property
    def key(self) -> str:
        return self.target.key

    def series(self) -> TrendSeries:
        """Attainment, in the periods with data."""
        periods: list[str] = []
        positions: list[int] = []
        values: list[float] = []
        for i, (label, record) in enumerate(zip(self.asked, self.records, strict=True)):
            attainment = None if record is None else record.evaluation.attainment
            if attainment is not None:
                periods.append(label)
                positions.append(i)
                values.append(float(attainment))
        return TrendSeries(tuple(periods), tuple(positions), tuple(values))


class TrendService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        evaluation: EvaluationService,
        clock: Clock,
        tester: Callable[[], TrendTester],
        *,
        alpha: float = DEFAULT_ALPHA,
        method: TrendMethod = TrendMethod.HAMED_RAO,
    ) -> None:
        self._uow = uow
        self._evaluation = evaluation
        self._make_tester = tester
        self._tester: TrendTester | None = None
        self._clock = clock
        self.alpha = check_alpha(alpha)
        self.method = method

    # -- the pieces ------------------------------------------------------------------------

    def records(self, uow: UnitOfWork, target: Target, unit: WindowUnit, count: int, now: dt.datetime) -> PeriodRecords:
        """``target`` over each of the last ``count`` whole periods of ``unit`` before ``now``."""
        asked = tuple(last_periods(now, unit, count, target.time_zone, target.week_start))
        found: list[ObjectiveEvaluation | None] = []
        for label in asked:
            record = self._evaluation.over_period(uow, target, label, top=0)
            e = record.evaluation
            found.append(None if e.status is EvaluationStatus.NO_DATA or e.total <= 0 else record)
        return PeriodRecords(target, asked, tuple(found))

    def _level(self, alpha: float | None) -> float:
        return check_alpha(self.alpha if alpha is None else alpha)

    def analyse(
        self, series: TrendSeries, alpha: float | None = None
    ) -> tuple[TrendTest | None, tuple[StepChange, ...]]:
        """The test and steps of any series (the portfolio's "last four periods" too)."""
        if self._tester is None:
            self._tester = self._make_tester()
        found = self._tester.analyse(series, alpha=self._level(alpha), method=self.method)
        return found.test, found.steps

    def objective_trend(self, records: PeriodRecords, unit: WindowUnit, alpha: float | None = None) -> Trend:
        level = self._level(alpha)
        series = records.series()
        test, steps = self.analyse(series, level)
        return Trend(
            subject=TrendSubject.OBJECTIVE,
            name=records.key,
            service=records.target.indicator.service,
            measure=TrendMeasure.ATTAINMENT,
            unit=unit,
            asked=records.asked,
            series=series,
            alpha=level,
            test=test,
            steps=steps,
        )

    def service_trend(
        self, service: str, members: Sequence[PeriodRecords], unit: WindowUnit, count: int, alpha: float | None = None
    ) -> Trend:
        """The mean share of error budget spent by ``members`` (one service's objectives), per
        period: the last ``count`` period names any of them asked for."""
        level = self._level(alpha)
        asked = tuple(sorted({label for m in members for label in m.asked})[-count:])
        shares: dict[str, list[float]] = {label: [] for label in asked}
        for member in members:
            for label, record in zip(member.asked, member.records, strict=True):
                share = None if record is None else budget_share(record)
                if share is not None and label in shares:
                    shares[label].append(share)
        kept = [(label, i, math.fsum(v) / len(v)) for i, (label, v) in enumerate(shares.items()) if v]
        series = TrendSeries(
            periods=tuple(k[0] for k in kept), positions=tuple(k[1] for k in kept), values=tuple(k[2] for k in kept)
        )
        test, steps = self.analyse(series, level)
        return Trend(
            subject=TrendSubject.SERVICE,
            name=service,
            service=service,
            measure=TrendMeasure.BUDGET_SPENT,
            unit=unit,
            asked=asked,
            series=series,
            alpha=level,
            test=test,
            steps=steps,
            objectives=tuple(sorted(m.key for m in members)),
        )

    # -- the use cases ---------------------------------------------------------------------

    def _targets(
        self, uow: UnitOfWork, now: dt.datetime, objective: str | None, agreements: Collection[str] | None
    ) -> list[Target]:
        try:
            found = self._evaluation.targets(uow, now, objective)
        except NotFoundError:
            found = []
        if agreements is not None:
            found = [t for t in found if t.agreement.name in agreements]
        if objective is not None and not found:
            # One answer for "no such objective" and "not yours": existence does not leak.
            raise NotFoundError(
                f"no objective {objective!r} in an agreement in force", key="error.objective_not_found", name=objective
            )
        return found

    def trends(
        self,
        objective: str | None = None,
        service: str | None = None,
        *,
        unit: WindowUnit | str = WindowUnit.MONTH,
        periods: int | None = None,
        at: dt.datetime | None = None,
        alpha: float | None = None,
        agreements: Collection[str] | None = None,
    ) -> list[Trend]:
        """The trends asked for: one objective's (``NAME`` or ``AGREEMENT/NAME``; a bare name may
        name several), one service's, both, or, with neither, every objective's in force and then
        every service's. ``agreements`` limits what is read to those agreements (a customer's)."""
        chosen = parse_unit(unit)
        count = check_periods(DEFAULT_PERIODS[chosen] if periods is None else periods)
        level = self._level(alpha)
        now = at or self._clock.now()
        with self._uow() as uow:
            everything = objective is None and service is None
            every = self._targets(uow, now, None, agreements) if service is not None or everything else []
            picked = every if everything else self._targets(uow, now, objective, agreements) if objective else []
            members: dict[str, list[Target]] = {}
            if service is not None or everything:
                for target in every:
                    name = target.indicator.service
                    if name is not None and (service is None or name == service):
                        members.setdefault(name, []).append(target)
                if service is not None and not members:
                    raise NotFoundError(
                        f"no objective in force measures service {service!r}",
                        key="error.trend_service_not_found",
                        name=service,
                    )
            cache: dict[str, PeriodRecords] = {}

            def records_of(target: Target) -> PeriodRecords:
                if target.key not in cache:
                    cache[target.key] = self.records(uow, target, chosen, count, now)
                return cache[target.key]

            found = [self.objective_trend(records_of(t), chosen, level) for t in picked]
            for name in sorted(members):
                found.append(self.service_trend(name, [records_of(t) for t in members[name]], chosen, count, level))
        return found

    def objective(self, name: str, **options: Any) -> list[Trend]:
        """One objective's trend (several when a bare name is in several agreements)."""
        return self.trends(objective=name, **options)

    def service(self, name: str, **options: Any) -> Trend:
        """One service's trend."""
        (found,) = self.trends(service=name, **options)
        return found


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def trend_plain(trend: Trend) -> dict[str, Any]:
    """A trend as a plain document (``slmo trends --json`` and ``GET /api/v1/trends``)."""
    test = trend.test
    return {
        "subject": trend.subject.value,
        "name": trend.name,
        "service": trend.service,
        "measure": trend.measure.value,
        "unit": unit_name(trend.unit),
        "periods_asked": list(trend.asked),
        "periods_read": trend.read,
        "series": [{"period": p, "value": v} for p, v in zip(trend.series.periods, trend.series.values, strict=True)],
        "verdict": None if trend.verdict is None else trend.verdict.value,
        "alpha": trend.alpha,
        "test": None
        if test is None
        else {
            "method": test.method.value,
            "n": test.n,
            "s": test.statistic,
            "variance": _finite(test.variance),
            "correction": _finite(test.correction),
            "z": _finite(test.z),
            "p_value": _finite(test.p_value),
            "tau": _finite(test.tau),
            "slope": _finite(test.slope),
            "slope_low": _finite(test.slope_low),
            "slope_high": _finite(test.slope_high),
            "intercept": _finite(test.intercept),
        },
        "steps": [
            {"period": s.period, "before": s.before, "after": s.after, "u": s.statistic, "p_value": s.p_value}
            for s in trend.steps
        ],
        "objectives": list(trend.objectives),
    }


def trend_rows(trends: Iterable[Trend]) -> list[dict[str, Any]]:
    return [trend_plain(t) for t in trends]
