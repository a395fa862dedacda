"""Evaluating objectives: from the catalogue and the stored measurements to where each
objective stands, now or at any instant, and over named past periods.

The maths is the engine's; this module decides which measurements an objective reads and
with which weights:
- the grid spans the objective's window and the longest burn-rate window before ``at``;
- service hours and agreed maintenance come from the objective's calendar (else the
  agreement version's), expanded into bucket weights; without a calendar every bucket is
  service time, in UTC;
- a threshold objective compares each bucket's sample with the objective's ``op``/``value``
  (else the indicator's);
- an availability objective counts each bucket as one unit of time: up by the share of its
  probes that were up when probes reported in it, else up unless an incident covered it
  (outages always; degraded incidents when the indicator says ``degradedIsDown``). An
  incident overrides probes for the part of the bucket it covers. Time before the first
  probe of the indicator and the first incident of its service has no data: until someone
  reports on a service, slmo does not claim it was up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from slmo.core.engine import (
    BURN_WINDOWS,
    BucketGrid,
    Incidents,
    Span,
    bucket_coverage,
    epoch_seconds,
    evaluate,
    named_period,
    period_unit,
    window_at,
)
from slmo.core.engine import (
    status as status_of,
)
from slmo.core.engine.budget import budget_left
from slmo.core.engine.forecast import DAY, HISTORY_DAYS, forecast_from_sums, forecast_objective, forecast_span
from slmo.core.model import (
    Agreement,
    AgreementVersion,
    Calendar,
    Indicator,
    IndicatorKind,
    Objective,
    Operator,
    Weekday,
    Window,
)
from slmo.core.model.measurement import Impact
from slmo.core.model.results import Evaluation, EvaluationStatus, ObjectiveEvaluation
from slmo.core.ports import CalendarExpander, Clock, UnitOfWork, UnitOfWorkFactory
from slmo.errors import NotFoundError, Problem, SpecError
from slmo.services.board import Standing, StatusBoard

logger = logging.getLogger(__name__)
TicketCounts = Callable[[UnitOfWork, "Target", int, int, int], tuple[int, int]]
TicketSums = Callable[[UnitOfWork, "Target", Sequence[Span], int], tuple[NDArray[np.float64], NDArray[np.float64]]]
SpanCounter = Callable[[Sequence[Span]], tuple[NDArray[np.float64], NDArray[np.float64]]]
TicketCounter = Callable[[UnitOfWork, "Target", int], SpanCounter]
_LONGEST_BURN = max(BURN_WINDOWS.values())


@dataclass(frozen=True)
class Target:
    """One objective in force, with what its evaluation needs from the catalogue."""

    agreement: Agreement
    version: AgreementVersion
    objective: Objective
    indicator: Indicator
    calendar: Calendar | None

    @property
    def key(self) -> str:
        return f"{self.agreement.name}/{self.objective.name}"

    @property
    def time_zone(self) -> str:
        return self.objective.window.time_zone or (self.calendar.time_zone if self.calendar else "UTC")

    @property
    def week_start(self) -> Weekday:
        # The Saudi week starts on Sunday: a calendar that works on Sunday but not on
        # Saturday counts its weeks from Sunday.
        cal = self.calendar
        if cal is not None and cal.hours is not None and cal.hours_on(Weekday.SUN) and not cal.hours_on(Weekday.SAT):
            return Weekday.SUN
        return Weekday.MON


def _aligned(span: Span, bucket: int) -> Span:
    return Span(span.start // bucket * bucket, -(-span.end // bucket) * bucket)


def _weights(values: NDArray[np.float64]) -> NDArray[Any]:
    """Booleans when every bucket is wholly in or out (sums stay exact integers)."""
    if np.all((values == 0.0) | (values == 1.0)):
        return values.astype(bool)
    return values


class EvaluationService:
    def __init__(self, uow: UnitOfWorkFactory, calendars: CalendarExpander, clock: Clock) -> None:
        self._uow = uow
        self._calendars = calendars
        self._clock = clock
        # (tickets in time, tickets counted) decided in [start, end) at an instant: set by
        # bootstrap to TicketService.counts, which needs this service's targets in turn.
        self.ticket_counts: TicketCounts | None = None
        # The same over many spans from one timing of the tickets (TicketService.sums): the
        # forecast of a ticket objective reads its day blocks so.
        self.ticket_sums: TicketSums | None = None
        # One timing of a ticket objective's tickets, counted over any spans (TicketService.counter):
        # its evaluation and its forecast share it.
        self.ticket_counter: TicketCounter | None = None
        # Where every objective stands now, from the stored evaluations (GET /status).
        self.board = StatusBoard(self, uow, clock)

    # -- which objectives --------------------------------------------------------------

    def targets(self, uow: UnitOfWork, at: dt.datetime, objective: str | None = None) -> list[Target]:
        """Objectives of the agreement versions in force at ``at`` (``agreement/objective`` or a
        bare objective name selects some)."""
        found: list[Target] = []
        if objective is not None and "/" in objective:
            # One objective by its full name (each scheduled job asks so): read its agreement
            # alone, not the whole catalogue, so that a thousand jobs a minute stay cheap.
            one = uow.catalogue.get("Agreement", objective.split("/", 1)[0])
            agreements = [] if one is None else [one]
        else:
            agreements = uow.catalogue.list("Agreement")
        for agreement in agreements:
            assert isinstance(agreement, Agreement)
            version = agreement.active_version(at.date())
            if version is None:
                continue
            for obj in version.objectives:
                if objective is not None and objective not in (obj.name, f"{agreement.name}/{obj.name}"):
                    continue
                indicator = uow.catalogue.get("Indicator", obj.indicator)
                calendar_name = obj.calendar or version.calendar
                calendar = uow.catalogue.get("Calendar", calendar_name) if calendar_name else None
                if not isinstance(indicator, Indicator):
                    continue
                found.append(
                    Target(agreement, version, obj, indicator, calendar if isinstance(calendar, Calendar) else None)
                )
        if objective is not None and not found:
            raise NotFoundError(
                f"no objective {objective!r} in an agreement in force", key="error.objective_not_found", name=objective
            )
        return found

    # -- evaluating --------------------------------------------------------------------

    def grid(self, uow: UnitOfWork, target: Target, span: Span, at: int) -> tuple[BucketGrid, Incidents | None]:
        indicator = target.indicator
        bucket = indicator.bucket_seconds
        span = _aligned(span, bucket)
        count = (span.end - span.start) // bucket
        service = excluded = None
        if target.calendar is not None:
            s, e = self._calendars.service_intervals(target.calendar, span.start, span.end)
            service = _weights(bucket_coverage(span.start, bucket, count, s, e))
            xs, xe = self._calendars.excluded_intervals(target.calendar, span.start, span.end)
            if xs.size:
                excluded = _weights(bucket_coverage(span.start, bucket, count, xs, xe))
        incidents: Incidents | None = None
        if indicator.kind is IndicatorKind.THRESHOLD:
            operator = target.objective.operator or (indicator.threshold.operator if indicator.threshold else None)
            bound = (
                target.objective.value
                if target.objective.value is not None
                else (indicator.threshold.value if indicator.threshold else None)
            )
            if operator is None or bound is None:
                raise SpecError(
                    [
                        Problem(
                            None, f"{target.key}", "a threshold objective needs op and value (on it or its indicator)"
                        )
                    ]
                )
            samples = uow.measurements.read_samples(indicator.name, span.start, span.end, bucket)
            grid = BucketGrid.of_samples(samples, Operator(operator), bound, service=service, excluded=excluded)
        elif indicator.kind is IndicatorKind.AVAILABILITY:
            grid, incidents = self._availability(uow, target, span, count, at, service=service, excluded=excluded)
        else:
            series = uow.measurements.read_buckets(indicator.name, span.start, span.end, bucket)
            grid = BucketGrid.of(span.start, bucket, series.good, series.total, service=service, excluded=excluded)
        return grid, incidents

    def _availability(
        self,
        uow: UnitOfWork,
        target: Target,
        span: Span,
        count: int,
        at: int,
        *,
        service: NDArray[Any] | None,
        excluded: NDArray[Any] | None,
    ) -> tuple[BucketGrid, Incidents | None]:
        indicator = target.indicator
        spec = indicator.availability
        bucket = indicator.bucket_seconds
        series = uow.measurements.read_buckets(indicator.name, span.start, span.end, bucket)
        use_probes = (spec is None or spec.probes) and bool(series.present.any())
        use_incidents = (spec is None or spec.incidents) and indicator.service is not None
        known_since = self._first_record(uow, indicator, use_incidents, at)
        if use_probes:
            total = series.present.astype(np.float64)
            good = np.where(series.total > 0, series.good / np.maximum(series.total, 1), 0.0)
        else:
            starts = span.start + bucket * np.arange(count, dtype=np.int64)
            total = (starts >= known_since).astype(np.float64) if known_since is not None else np.zeros(count)
            good = total.copy()
        incidents: Incidents | None = None
        if use_incidents and known_since is not None:
            found = uow.measurements.list_incidents(
                service=indicator.service,
                start=dt.datetime.fromtimestamp(span.start, dt.UTC),
                end=dt.datetime.fromtimestamp(span.end, dt.UTC),
            )
            down_is = {Impact.OUTAGE} | ({Impact.DEGRADED} if spec is not None and spec.degraded_is_down else set())
            down = [i for i in found if i.impact in down_is]
            if down:
                incidents = Incidents.of_model(down, until=at)
                covered = bucket_coverage(span.start, bucket, count, incidents.starts, incidents.ends)
                total = np.where(covered > 0, 1.0, total)
                good = np.minimum(good, 1.0 - covered)
        good = good * total
        return BucketGrid.of(span.start, bucket, good, total, service=service, excluded=excluded), incidents

    @staticmethod
    def _first_record(uow: UnitOfWork, indicator: Indicator, use_incidents: bool, at: int) -> int | None:
        """When reporting on an availability indicator began: its first probe bucket, or the
        start of the first incident of its service, whichever is earlier."""
        found: list[int] = []
        stored = uow.measurements.bucket_range(indicator.name)
        if stored is not None:
            found.append(stored[0])
        if use_incidents and indicator.service is not None:
            first = uow.measurements.list_incidents(
                service=indicator.service, end=dt.datetime.fromtimestamp(at, dt.UTC)
            )
            if first:
                found.append(epoch_seconds(first[0].start))
        return min(found, default=None)

    def evaluate_target(
        self, uow: UnitOfWork, target: Target, at: int, *, top: int = 5, forecast: bool = True
    ) -> ObjectiveEvaluation:
        """``target`` at ``at``, with the forecast of where its window will end unless
        ``forecast`` is False (a named past period has no future to forecast)."""
        window = window_at(target.objective.window, at, time_zone=target.time_zone, week_start=target.week_start)
        span = Span(min(window.start, at - _LONGEST_BURN), max(window.end, at))
        ahead = None
        if forecast and target.indicator.kind is not IndicatorKind.TICKET:
            # The forecast reads the last weeks before ``at`` and the known part of the window
            # it is about (for a rolling window, the one ending with the month).
            ahead = forecast_span(target.objective.window, at, time_zone=target.time_zone, week_start=target.week_start)
            span = Span(min(span.start, at - HISTORY_DAYS * DAY, ahead.start), span.end)
        if target.indicator.kind is IndicatorKind.TICKET:
            if self.ticket_counts is None or target.objective.tickets is None:
                return self._no_data(target, at, window)
            expected = None
            if self.ticket_counter is not None:
                counted = self.ticket_counter(uow, target, at)
                (good_in,), (total_in,) = counted([window])
                good, total = int(good_in), int(total_in)
                if forecast:
                    ahead = forecast_span(
                        target.objective.window, at, time_zone=target.time_zone, week_start=target.week_start
                    )
                    expected = forecast_from_sums(target.objective.target, ahead, at, counted)
            else:
                good, total = self.ticket_counts(uow, target, window.start, window.end, at)
            if total == 0:
                return dataclasses.replace(self._no_data(target, at, window), forecast=expected)
            return dataclasses.replace(self._tickets(target, at, window, good, total), forecast=expected)
        grid, incidents = self.grid(uow, target, span, at)
        result = evaluate(
            target.objective,
            grid,
            at,
            time_zone=target.time_zone,
            week_start=target.week_start,
            top=top,
            incidents=incidents,
        )
        expected = None
        if ahead is not None:
            expected = forecast_objective(
                target.objective, grid, at, time_zone=target.time_zone, week_start=target.week_start
            )
        return ObjectiveEvaluation(
            agreement=target.agreement.name,
            version=target.version.number,
            service=target.indicator.service,
            indicator=target.indicator.name,
            evaluation=result,
            reason=self._no_data_reason(uow, target) if result.status is EvaluationStatus.NO_DATA else None,
            forecast=expected,
        )

    @staticmethod
    def _no_data_reason(uow: UnitOfWork, target: Target) -> str | None:
        """The error of the job that brings the indicator's measurements in (a pull or a
        probe), when it failed last time: why the objective has no data."""
        for kind in ("pull", "probe"):
            job = uow.jobs.find(kind, target.indicator.name)
            if job is not None and job.last_error:
                # "SourceError: prom (http://...) cannot be reached: ..." reads better without the class.
                name, _, message = job.last_error.partition(": ")
                return message if message and name.isidentifier() else job.last_error
        return None

    def _tickets(self, target: Target, at: int, window: Span, good: int, total: int) -> ObjectiveEvaluation:
        """A ticket objective: good = tickets in time, total = tickets whose verdict became
        final in the window (docs/tickets.md); the budget is the tickets allowed late."""
        found = self._no_data(target, at, window)
        allowed = (1.0 - target.objective.target) * total
        spent = float(total - good)
        attainment = good / total
        left = float(budget_left(good, total, target.objective.target))
        # The same rules as every other objective (core.engine.status), without burn rates:
        # tickets arrive too sparsely for a rate over minutes or hours to mean much.
        verdict = status_of(total=total, attainment=attainment, target=target.objective.target, budget_left=left)
        result = dataclasses.replace(
            found.evaluation,
            good=float(good),
            total=float(total),
            attainment=attainment,
            budget_total=allowed,
            budget_spent=spent,
            budget_left=left,
            status=verdict,
        )
        return dataclasses.replace(found, evaluation=result)

    def _no_data(self, target: Target, at: int, window: Span) -> ObjectiveEvaluation:
        # Ticket objectives are measured by the ticket clock (the service-desk issue); until
        # tickets are recorded they have no data.
        def utc(t: int) -> dt.datetime:
            return dt.datetime.fromtimestamp(t, dt.UTC)

        result = Evaluation(
            objective=target.objective.name,
            at=utc(at),
            window_start=utc(window.start),
            window_end=utc(window.end),
            budgeting=target.objective.budgeting,
            good=0.0,
            total=0.0,
            attainment=None,
            target=target.objective.target,
            budget_total=0.0,
            budget_spent=0.0,
            budget_left=1.0,
            burn_rates=dict.fromkeys(BURN_WINDOWS),
            status=EvaluationStatus.NO_DATA,
        )
        return ObjectiveEvaluation(
            agreement=target.agreement.name,
            version=target.version.number,
            service=target.indicator.service,
            indicator=target.indicator.name,
            evaluation=result,
        )

    def status(self, at: dt.datetime | None = None, objective: str | None = None) -> list[ObjectiveEvaluation]:
        """Where every objective in force stands at ``at`` (now by default); nothing is stored."""
        when = at or self._clock.now()
        t = epoch_seconds(when)
        with self._uow() as uow:
            return [self.evaluate_target(uow, target, t) for target in self.targets(uow, when, objective)]

    def current(self) -> Standing:
        """Where every objective in force stands now, from the evaluations the scheduler
        stored; those without a recent one are evaluated on the spot (``services.board``)."""
        return self.board.standing()

    def evaluate(self, at: dt.datetime | None = None, objective: str | None = None) -> list[ObjectiveEvaluation]:
        """Evaluate and store the results, in one transaction."""
        with self._uow() as uow:
            found = self.evaluate_in(uow, at or self._clock.now(), objective)
            uow.commit()
        return found

    def evaluate_in(
        self, uow: UnitOfWork, when: dt.datetime, objective: str | None = None
    ) -> list[ObjectiveEvaluation]:
        """Evaluate and store the results in ``uow``, uncommitted: a scheduled job commits them
        together with its own completion, so that the job's work and its record are one."""
        t = epoch_seconds(when)
        found = [self.evaluate_target(uow, target, t) for target in self.targets(uow, when, objective)]
        uow.evaluations.add(found)
        logger.info("evaluated %d objectives at %s", len(found), when.isoformat())
        return found

    def history(self, objective: str, period: str) -> list[ObjectiveEvaluation]:
        """The objective over a named past period (``2026-10``, ``2026-Q3``, ``2026-W40``)."""
        with self._uow() as uow:
            probe = self._clock.now()
            targets = self.targets(uow, probe, objective)
            return [self.over_period(uow, target, period) for target in targets]

    def over_period(self, uow: UnitOfWork, target: Target, period: str, *, top: int = 5) -> ObjectiveEvaluation:
        """``target`` over the named ``period``, in its own time zone: its window replaced by the
        period's calendar unit, evaluated at the period's last second (every bucket of it
        counts, none of the next). ``history`` is this for the objectives in force; a proposed
        objective's evidence (``services.evidence``) is this for a version not in force."""
        span = named_period(period, target.time_zone, week_start=target.week_start)
        whole = dataclasses.replace(
            target.objective,
            window=Window(length=1, unit=period_unit(period), rolling=False, time_zone=target.time_zone),
        )
        return self.evaluate_target(
            uow, dataclasses.replace(target, objective=whole), span.end - 1, top=top, forecast=False
        )

    def evaluations(
        self,
        objective: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        agreements: Collection[str] | None = None,
    ) -> Sequence[ObjectiveEvaluation]:
        """Stored records, oldest first (the newest ``limit`` past the newest ``offset``), of
        one objective, or of ``agreements`` only when given (a customer's)."""
        agreement = name = None
        if objective is not None and "/" in objective:
            agreement, name = objective.split("/", 1)
        elif objective is not None:
            name = objective
        with self._uow() as uow:
            if agreements is not None and agreement is None:
                # A customer's agreements: the page is taken among their records only.
                found: list[ObjectiveEvaluation] = []
                for one in sorted(agreements):
                    found.extend(
                        uow.evaluations.list(
                            agreement=one, objective=name, limit=None if limit is None else limit + offset
                        )
                    )
                found.sort(key=lambda r: r.evaluation.at)
                if limit is not None:
                    found = found[: max(len(found) - offset, 0)]
                    found = found[len(found) - limit :] if limit else []
                return found
            if agreements is not None and agreement not in agreements:
                return []
            return uow.evaluations.list(agreement=agreement, objective=name, limit=limit, offset=offset)
