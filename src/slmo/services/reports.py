"""Period reports: what one agreement, or every agreement of one customer, delivered over a named
period (``2026-10``, ``2026-Q3``, ``2026-W40``, ``2026``), assembled from the catalogue, the
measurements, the tickets and the stored evaluations, then laid out by a ``ReportRenderer``.

Rules (``docs/architecture.md``, "Reports"):

- **Which version.** The agreement version in force at the period's last instant (or now, for a
  period still running); the period is taken in its calendar's time zone (UTC without one),
  each objective in its own window's zone when it names one, as ``slmo history`` does.
- **Figures of the period**: each objective evaluated over the whole period by the evaluation
  service (its window replaced by the period's calendar unit), up to the period's end or now.
- **Series**: attainment to date and the share of the period's budget left at the end of each
  local day, from the same grid and engine (``core.engine.progress``).
- **Trend**: the same evaluation over the period and the five before it, each with the
  version then in force (an objective that did not exist then has no data).
- **Downtime**: per service of the agreement (and of its indicators), outage incidents in the
  period (their union), with the part inside agreed maintenance (the exclusions of the
  version's calendar) reported apart and not counted; degraded time apart.
- **Breaches**: runs of stored ``breached`` evaluations in the period (``core.engine.breaches``;
  ``began_before`` when the last record before the period was breached too), and every
  objective whose attainment over the period is below its target.
- **Credits**: the version's credit schedule applied to the worst attainment among the
  objectives it grades, against the charge, with the cap (``core.engine.credits``). Only for
  a period of the charge's own length (a month for a monthly charge). When the credits ledger
  holds the period's line (``services/credits.py``), the report shows that line and its status;
  ticket penalties likewise, each from its line or computed up to the report's instant.
- **Improvement actions**: the register's open actions (open or in progress, as the report is
  made) that concern the agreement: those targeting one of its objectives, from a breach of one,
  or from a review of the agreement.
- **Improvement opportunities**: where the agreement's objectives spent their budgets in the
  period and the top five slices to improve (``services/opportunities.py``); a service level
  agreement's, which its customer reads, leaves the supplier dimension out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from slmo.core.engine import (
    BURN_WINDOWS,
    Span,
    breach_episodes,
    epoch_seconds,
    evaluate,
    named_period,
    period_label,
    period_unit,
)
from slmo.core.engine.credits import covered_objectives, graded, service_credit
from slmo.core.engine.downtime import clip, downtime
from slmo.core.engine.forecast import DAY, HISTORY_DAYS, forecast_objective
from slmo.core.engine.progress import day_ends, period_progress, progress, ticket_progress
from slmo.core.engine.windows import zone as zone_info
from slmo.core.model import (
    Agreement,
    AgreementKind,
    AgreementVersion,
    Calendar,
    IndicatorKind,
    MaintenancePolicy,
    Party,
    PartyRole,
    Service,
    TimeRange,
    Window,
)
from slmo.core.model.credits import CreditCalculation, PenaltyCalculation
from slmo.core.model.improvement import ActionStatus, OriginKind
from slmo.core.model.ledger import CreditBasis
from slmo.core.model.measurement import Impact, Incident
from slmo.core.model.report import (
    AgreementReport,
    BreachRow,
    BreachSource,
    CreditNote,
    CreditReport,
    CustomerReport,
    DowntimeRow,
    IncidentRow,
    MaintenanceWindow,
    ObjectiveReport,
    ObjectiveSeries,
    PenaltyReport,
    ReportAction,
    ReportFormat,
    ReportParty,
    ReportPeriod,
    TicketRow,
    TrendPoint,
)
from slmo.core.model.report import Report as ReportDocument
from slmo.core.model.results import Evaluation, EvaluationStatus
from slmo.core.model.text import LocalizedText
from slmo.core.ports import CalendarExpander, Clock, ReportRenderer, UnitOfWork, UnitOfWorkFactory
from slmo.errors import ConfigurationError, NotFoundError, Problem, SpecError
from slmo.services.credits import PERIOD_UNITS, penalty_calculation
from slmo.services.evaluate import EvaluationService, Target
from slmo.services.opportunities import OpportunityService
from slmo.services.tickets import TicketService

logger = logging.getLogger(__name__)

TREND_PERIODS = 6
_LONGEST_BURN = max(BURN_WINDOWS.values())
# What a charge's period is called, as a report period's unit.
_CHARGE_UNITS = {"month": "M", "quarter": "Q", "year": "Y"}

# Called after each objective is done: (objectives done, objectives in all).
Progressed = Callable[[int, int], None]
Intervals = tuple[NDArray[np.int64], NDArray[np.int64]]


def _utc(t: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, dt.UTC)


def _number(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


@dataclasses.dataclass
class _Count:
    done: int
    total: int
    tell: Progressed | None

    def step(self) -> None:
        self.done += 1
        if self.tell is not None:
            self.tell(self.done, self.total)


class _RememberedCalendars:
    """The calendar expander, remembering each calendar's intervals over each span it was
    asked for: a report asks for the same few periods of the same calendar for every objective
    (expanding a weekly maintenance rule costs milliseconds a time)."""

    def __init__(self, inner: CalendarExpander) -> None:
        self._inner = inner
        self._found: dict[tuple[str, str, int, int], tuple[Calendar, Intervals]] = {}

    def _remembered(
        self, kind: str, calendar: Calendar, start: int, end: int, expand: Callable[[Calendar, int, int], Intervals]
    ) -> Intervals:
        key = (kind, calendar.name, start, end)
        held = self._found.get(key)
        if held is None or held[0] != calendar:
            held = (calendar, expand(calendar, start, end))
            self._found[key] = held
        starts, ends = held[1]
        return starts.copy(), ends.copy()

    def service_intervals(self, calendar: Calendar, start: int, end: int) -> Intervals:
        return self._remembered("service", calendar, start, end, self._inner.service_intervals)

    def excluded_intervals(self, calendar: Calendar, start: int, end: int) -> Intervals:
        return self._remembered("excluded", calendar, start, end, self._inner.excluded_intervals)

    def closed_days(
        self, calendar: Calendar, first: dt.date, last: dt.date
    ) -> dict[dt.date, tuple[TimeRange, ...] | None]:
        return self._inner.closed_days(calendar, first, last)


class ReportService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        evaluation: EvaluationService,
        tickets: TicketService,
        calendars: CalendarExpander,
        clock: Clock,
        renderer: Callable[[], ReportRenderer] | None = None,
        opportunities: OpportunityService | None = None,
    ) -> None:
        self._uow = uow
        self._opportunities = opportunities
        self._evaluation = evaluation
        self._tickets = tickets
        self._calendars = calendars
        self._clock = clock
        # Made on first use (matplotlib and WeasyPrint take a second to load).
        self._make_renderer = renderer
        self._renderer: ReportRenderer | None = None

    # -- the report model -----------------------------------------------------------------

    def agreement(self, name: str, period: str, *, progress: Progressed | None = None) -> AgreementReport:
        """The report of agreement ``name`` over ``period``. ``NotFoundError`` for an unknown
        agreement or one with no version in force then; ``SpecError`` for a bad period."""
        now = self._clock.now()
        with self._uow() as uow:
            agreement = uow.catalogue.get("Agreement", name)
            if not isinstance(agreement, Agreement):
                raise NotFoundError(
                    f"Agreement {name!r} does not exist", key="error.object_not_found", kind="Agreement", name=name
                )
            version, span, zone = self._version(uow, agreement, period, now)
            count = _Count(0, len(version.objectives), progress)
            return self._agreement(uow, agreement, version, period, span, zone, now, count)

    def customer(self, party: str, period: str, *, progress: Progressed | None = None) -> CustomerReport:
        """The report of every agreement in which ``party`` is the customer and that has a
        version in force in ``period``, in the order of their names."""
        now = self._clock.now()
        with self._uow() as uow:
            found = uow.catalogue.get("Party", party)
            if not isinstance(found, Party):
                raise NotFoundError(
                    f"Party {party!r} does not exist", key="error.object_not_found", kind="Party", name=party
                )
            plans = []
            for agreement in uow.catalogue.list("Agreement"):
                assert isinstance(agreement, Agreement)
                if party not in agreement.parties_in_role(PartyRole.CUSTOMER):
                    continue
                try:
                    plans.append((agreement, *self._version(uow, agreement, period, now)))
                except NotFoundError:
                    continue
            if not plans:
                raise NotFoundError(
                    f"no agreement with customer {party!r} is in force in {period}",
                    key="error.report_no_agreements",
                    party=party,
                    period=period,
                )
            count = _Count(0, sum(len(v.objectives) for _, v, _, _ in plans), progress)
            reports = tuple(
                self._agreement(uow, agreement, version, period, span, zone, now, count)
                for agreement, version, span, zone in plans
            )
        return CustomerReport(
            party=party,
            display_name=found.display_name,
            period_label=reports[0].period.label,
            generated_at=now,
            agreements=reports,
        )

    def _version(
        self, uow: UnitOfWork, agreement: Agreement, label: str, now: dt.datetime
    ) -> tuple[AgreementVersion, Span, str]:
        """The version in force at the period's last instant (or now), the period and its zone."""
        period_unit(label)  # a SpecError for what is not a period at all
        zone = self._zone(uow, agreement.active_version() or agreement.latest_version())
        span = named_period(label, zone)
        t = epoch_seconds(now)
        if span.start > t:
            raise SpecError(
                [Problem(None, "period", f"{label} has not begun", key="report.period_future", args={"period": label})]
            )
        last = dt.datetime.fromtimestamp(min(span.end - 1, t), zone_info(zone))
        version = agreement.active_version(last.date())
        if version is None:
            raise NotFoundError(
                f"agreement {agreement.name!r} has no version in force in {label}",
                key="error.report_no_version",
                name=agreement.name,
                period=label,
            )
        zone = self._zone(uow, version)
        return version, named_period(label, zone), zone

    @staticmethod
    def _zone(uow: UnitOfWork, version: AgreementVersion | None) -> str:
        if version is None or version.calendar is None:
            return "UTC"
        calendar = uow.catalogue.get("Calendar", version.calendar)
        return calendar.time_zone if isinstance(calendar, Calendar) else "UTC"

    def _agreement(
        self,
        uow: UnitOfWork,
        agreement: Agreement,
        version: AgreementVersion,
        label: str,
        span: Span,
        zone: str,
        now: dt.datetime,
        count: _Count,
    ) -> AgreementReport:
        t = epoch_seconds(now)
        at = min(span.end - 1, t)
        tz = zone_info(zone)
        period = ReportPeriod(
            label=label,
            unit=period_unit(label),
            start=dt.datetime.fromtimestamp(span.start, tz),
            end=dt.datetime.fromtimestamp(span.end, tz),
            time_zone=zone,
            at=dt.datetime.fromtimestamp(min(span.end, t), tz),
            complete=span.end <= t,
        )
        when = dt.datetime.fromtimestamp(at, tz)
        # The evaluation service as every use case has it, with calendars remembered for the
        # report: the same periods of the same calendar come back for every objective.
        evaluation = EvaluationService(self._uow, _RememberedCalendars(self._calendars), self._clock)
        evaluation.ticket_counts = self._evaluation.ticket_counts
        evaluation.ticket_sums = self._evaluation.ticket_sums
        evaluation.ticket_counter = self._evaluation.ticket_counter
        targets = [
            target
            for target in evaluation.targets(uow, when)
            if target.agreement.name == agreement.name and target.version.number == version.number
        ]
        objectives = []
        for target in targets:
            objectives.append(self._objective(uow, evaluation, agreement, target, label, t))
            count.step()
        services = self._services(uow, agreement, targets)
        calendar = uow.catalogue.get("Calendar", version.calendar) if version.calendar else None
        maintenance = self._maintenance(calendar if isinstance(calendar, Calendar) else None, span)
        downtime_rows, incidents = self._downtime(uow, services, maintenance, span, at)
        trend_labels = tuple(p.label for p in objectives[0].trend) if objectives else self._trend_labels(label, zone)
        return AgreementReport(
            agreement=agreement.name,
            display_name=agreement.display_name,
            kind=agreement.kind,
            version=version.number,
            version_state=version.state,
            effective_from=version.effective_from,
            period=period,
            generated_at=now,
            parties=self._parties(uow, agreement),
            services=tuple(services),
            objectives=tuple(objectives),
            downtime=tuple(downtime_rows),
            maintenance=tuple(maintenance),
            tickets=self._ticket_rows(agreement, targets, label, when),
            breaches=self._breaches(uow, agreement, objectives, span),
            incidents=tuple(incidents),
            credits=self._credits(uow, agreement, version, objectives, period, targets, span),
            trend_labels=trend_labels,
            improvement_actions=self._improvement_actions(uow, agreement.name),
            opportunities=None
            if self._opportunities is None
            else self._opportunities.find_in(
                uow, label, now, agreements={agreement.name}, suppliers=agreement.kind is not AgreementKind.SLA
            ),
        )

    @staticmethod
    def _improvement_actions(uow: UnitOfWork, agreement: str) -> tuple[ReportAction, ...]:
        found: list[ReportAction] = []
        for action in uow.actions.list(statuses={ActionStatus.OPEN, ActionStatus.IN_PROGRESS}):
            concerned = agreement in action.agreements()
            if not concerned and action.origin.kind is OriginKind.REVIEW and action.origin.ref.isdigit():
                review = uow.reviews.get(int(action.origin.ref))
                concerned = review is not None and review.subject_kind == "Agreement" and review.subject == agreement
            if concerned and action.id is not None:
                found.append(
                    ReportAction(
                        id=action.id,
                        title=action.title,
                        owner=action.owner,
                        due=action.due,
                        status=action.status.value,
                        origin=str(action.origin),
                    )
                )
        return tuple(found)

    # -- objectives -------------------------------------------------------------------------

    @staticmethod
    def _whole(target: Target, label: str) -> tuple[Target, Span]:
        """The target with its window replaced by the period's calendar unit, and the period."""
        span = named_period(label, target.time_zone, week_start=target.week_start)
        window = Window(length=1, unit=period_unit(label), rolling=False, time_zone=target.time_zone)
        whole = dataclasses.replace(target, objective=dataclasses.replace(target.objective, window=window))
        return whole, span

    def _objective(
        self, uow: UnitOfWork, evaluation: EvaluationService, agreement: Agreement, target: Target, label: str, now: int
    ) -> ObjectiveReport:
        whole, span = self._whole(target, label)
        at = min(span.end - 1, now)
        points = day_ends(span, target.time_zone, until=at + 1).tolist()
        objective = whole.objective
        ahead = None
        if whole.indicator.kind is IndicatorKind.TICKET:
            record = evaluation.evaluate_target(uow, whole, at, forecast=at < span.end - 1)
            found, ahead = record.evaluation, record.forecast
            if objective.tickets is None:
                zeros = [0] * len(points)
                series = progress(zeros, zeros, objective.target, points)
            else:
                _, _, timers = self._tickets.timers(uow, whole, at)
                series = ticket_progress(timers, span, points, objective.target)
        else:
            # The period's figures and its daily series from one grid, read as
            # ``EvaluationService.evaluate_target`` reads it (the period, and the longest
            # burn-rate window before ``at``), and the same engine.
            # While the period runs the grid also holds the weeks before ``at`` that the forecast
            # of the period's end draws on.
            running = at < span.end - 1
            first = min(span.start, at - _LONGEST_BURN, at - HISTORY_DAYS * DAY if running else span.start)
            grid, incidents = evaluation.grid(uow, whole, Span(first, span.end), at)
            zone, week_start = whole.time_zone, whole.week_start
            found = evaluate(objective, grid, at, time_zone=zone, week_start=week_start, incidents=incidents)
            series = period_progress(objective, grid, span, points, at=at, time_zone=zone, week_start=week_start)
            if running:
                ahead = forecast_objective(objective, grid, at, time_zone=zone, week_start=week_start)
        return ObjectiveReport(
            name=target.objective.name,
            display_name=target.objective.display_name,
            indicator=target.indicator.name,
            indicator_kind=target.indicator.kind.value,
            service=target.indicator.service,
            target=target.objective.target,
            budgeting=target.objective.budgeting,
            evaluation=found,
            series=ObjectiveSeries(
                points=tuple(_utc(int(p)) for p in series.points),
                attainment=tuple(_number(v) for v in series.attainment),
                budget_left=tuple(_number(v) for v in series.budget_left),
            ),
            trend=self._trend(uow, evaluation, agreement, target, label, now, found),
            forecast=ahead,
        )

    def _trend(
        self,
        uow: UnitOfWork,
        evaluation: EvaluationService,
        agreement: Agreement,
        target: Target,
        label: str,
        now: int,
        current: Evaluation,
    ) -> tuple[TrendPoint, ...]:
        """The objective over the period (``current``) and the five before it, oldest first,
        each with the version of the agreement in force then."""
        labels = self._trend_labels(label, target.time_zone, target)
        # A ratio or threshold objective with nothing stored in a period has no data there
        # (maintenance left out, nothing counts as good by itself): no need to evaluate it.
        stored: tuple[int, int] | None = (0, 2**62)
        if (
            target.indicator.kind in (IndicatorKind.RATIO, IndicatorKind.THRESHOLD)
            and target.objective.maintenance is MaintenancePolicy.EXCLUDE
        ):
            stored = uow.measurements.bucket_range(target.indicator.name)
        found = []
        for one in labels[:-1]:
            span = named_period(one, target.time_zone, week_start=target.week_start)
            at = min(span.end - 1, now)
            if stored is None or stored[1] <= span.start or stored[0] >= span.end:
                found.append(TrendPoint(label=one, attainment=None, status=EvaluationStatus.NO_DATA))
                continue
            version = agreement.active_version(dt.datetime.fromtimestamp(at, zone_info(target.time_zone)).date())
            objective = (
                None
                if version is None
                else next((o for o in version.objectives if o.name == target.objective.name), None)
            )
            if version is None or objective is None:
                found.append(TrendPoint(label=one, attainment=None, status=EvaluationStatus.NO_DATA))
                continue
            then = dataclasses.replace(target, version=version, objective=objective)
            whole, _ = self._whole(then, one)
            # Only attainment and status are shown: no contributors (top=0) to cut the units by.
            result = evaluation.evaluate_target(uow, whole, at, top=0).evaluation
            found.append(TrendPoint(label=one, attainment=result.attainment, status=result.status))
        found.append(TrendPoint(label=labels[-1], attainment=current.attainment, status=current.status))
        return tuple(found)

    @staticmethod
    def _trend_labels(label: str, zone: str, target: Target | None = None) -> tuple[str, ...]:
        unit = period_unit(label)
        week_start = target.week_start if target is not None else None
        kwargs = {} if week_start is None else {"week_start": week_start}
        labels = [label]
        span = named_period(label, zone, **kwargs)
        for _ in range(TREND_PERIODS - 1):
            previous = period_label(span.start - 1, unit, zone, **kwargs)
            labels.append(previous)
            span = named_period(previous, zone, **kwargs)
        return tuple(reversed(labels))

    # -- parties, services ------------------------------------------------------------------

    @staticmethod
    def _parties(uow: UnitOfWork, agreement: Agreement) -> tuple[ReportParty, ...]:
        found = []
        for side in agreement.parties:
            party = uow.catalogue.get("Party", side.party)
            display = party.display_name if isinstance(party, Party) else LocalizedText.plain(side.party)
            title = None
            if isinstance(party, Party) and side.signatory:
                contact = next((c for c in party.contacts if c.name == side.signatory), None)
                title = contact.role if contact is not None else None
            found.append(
                ReportParty(
                    name=side.party, display_name=display, role=side.role, signatory=side.signatory, title=title
                )
            )
        return tuple(found)

    @staticmethod
    def _services(uow: UnitOfWork, agreement: Agreement, targets: Sequence[Target]) -> list[tuple[str, LocalizedText]]:
        names = list(
            dict.fromkeys([*agreement.services, *(t.indicator.service for t in targets if t.indicator.service)])
        )
        found = []
        for name in names:
            service = uow.catalogue.get("Service", name)
            found.append((name, service.display_name if isinstance(service, Service) else LocalizedText.plain(name)))
        return found

    # -- downtime and incidents --------------------------------------------------------------

    def _maintenance(self, calendar: Calendar | None, span: Span) -> list[MaintenanceWindow]:
        """Each exclusion of the calendar expanded on its own, so that every window keeps its
        reason; clipped to the period, oldest first."""
        if calendar is None:
            return []
        found: list[MaintenanceWindow] = []
        for exclusion in calendar.exclusions:
            alone = dataclasses.replace(calendar, exclusions=(exclusion,))
            starts, ends = self._calendars.excluded_intervals(alone, span.start, span.end)
            starts, ends = clip(starts, ends, span)
            found.extend(
                MaintenanceWindow(start=_utc(int(s)), end=_utc(int(e)), reason=exclusion.reason)
                for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
                if e > s
            )
        found.sort(key=lambda w: (w.start, w.end))
        return found

    def _downtime(
        self,
        uow: UnitOfWork,
        services: Sequence[tuple[str, LocalizedText]],
        maintenance: Sequence[MaintenanceWindow],
        span: Span,
        at: int,
    ) -> tuple[list[DowntimeRow], list[IncidentRow]]:
        ms = [epoch_seconds(w.start) for w in maintenance]
        me = [epoch_seconds(w.end) for w in maintenance]
        until = min(span.end, at + 1)
        rows, incidents = [], []
        for name, display in services:
            found = uow.measurements.list_incidents(service=name, start=_utc(span.start), end=_utc(span.end))

            def ends(items: Sequence[Incident]) -> list[int]:
                return [until if i.end is None else epoch_seconds(i.end) for i in items]

            outages = [i for i in found if i.impact is Impact.OUTAGE]
            degraded = [i for i in found if i.impact is Impact.DEGRADED]
            down = downtime([epoch_seconds(i.start) for i in outages], ends(outages), ms, me, span)
            slow = downtime([epoch_seconds(i.start) for i in degraded], ends(degraded), [], [], span)
            rows.append(
                DowntimeRow(
                    service=name,
                    display_name=display,
                    outage_seconds=down.total,
                    in_maintenance_seconds=down.in_maintenance,
                    counted_seconds=down.counted,
                    degraded_seconds=slow.total,
                    incidents=len(found),
                )
            )
            for incident, end in zip(found, ends(found), strict=True):
                start = max(epoch_seconds(incident.start), span.start)
                incidents.append(
                    IncidentRow(
                        id=incident.id,
                        service=name,
                        start=incident.start,
                        end=incident.end,
                        impact=incident.impact,
                        title=incident.title,
                        seconds_in_period=max(min(end, span.end) - start, 0),
                    )
                )
        incidents.sort(key=lambda i: (i.start, i.id))
        return rows, incidents

    # -- tickets, breaches, credits ---------------------------------------------------------

    def _ticket_rows(
        self, agreement: Agreement, targets: Sequence[Target], label: str, when: dt.datetime
    ) -> tuple[TicketRow, ...]:
        names = {t.key: t.objective.display_name for t in targets if t.indicator.kind is IndicatorKind.TICKET}
        if not names:
            return ()
        rows = []
        for row in self._tickets.status(period=label, at=when):
            if row.objective not in names:
                continue
            f = row.figures
            rows.append(
                TicketRow(
                    objective=row.objective.split("/", 1)[1],
                    display_name=names[row.objective],
                    priority=row.priority,
                    volume=f.volume,
                    in_time=f.in_time,
                    breaches=f.breaches,
                    compliance=f.compliance,
                    median=f.median,
                    p90=f.p90,
                )
            )
        return tuple(rows)

    @staticmethod
    def _breaches(
        uow: UnitOfWork, agreement: Agreement, objectives: Sequence[ObjectiveReport], span: Span
    ) -> tuple[BreachRow, ...]:
        names = {o.name: o.display_name for o in objectives}
        records = [
            r
            for r in uow.evaluations.list(agreement=agreement.name, start=_utc(span.start), end=_utc(span.end))
            if r.evaluation.objective in names
        ]
        rows = []
        first_seen: dict[str, dt.datetime] = {}
        for r in records:
            first_seen.setdefault(r.evaluation.objective, r.evaluation.at)
        for episode in breach_episodes(records):
            began_before = False
            if episode.start == first_seen.get(episode.objective):
                before = uow.evaluations.list(
                    agreement=agreement.name, objective=episode.objective, end=_utc(span.start), limit=1
                )
                began_before = bool(before) and before[-1].evaluation.status is EvaluationStatus.BREACHED
            rows.append(
                BreachRow(
                    objective=episode.objective,
                    display_name=names[episode.objective],
                    source=BreachSource.EPISODE,
                    start=episode.start,
                    end=episode.end,
                    began_before=began_before,
                    worst_attainment=episode.worst_attainment,
                    target=episode.target,
                )
            )
        for o in objectives:
            if o.evaluation.status is EvaluationStatus.BREACHED:
                rows.append(
                    BreachRow(
                        objective=o.name,
                        display_name=o.display_name,
                        source=BreachSource.PERIOD,
                        start=_utc(span.start),
                        end=_utc(span.end),
                        began_before=False,
                        worst_attainment=o.evaluation.attainment,
                        target=o.target,
                    )
                )
        rows.sort(key=lambda b: (b.start or _utc(span.start), b.objective, b.source.value))
        return tuple(rows)

    def _credits(
        self,
        uow: UnitOfWork,
        agreement: Agreement,
        version: AgreementVersion,
        objectives: Sequence[ObjectiveReport],
        period: ReportPeriod,
        targets: Sequence[Target],
        span: Span,
    ) -> CreditReport:
        lines = {e.key: e for e in uow.credits.list(periods={period.label}, agreement=agreement.name)}
        found = self._schedule_credit(version, objectives, period)
        line = lines.get((agreement.name, period.label, CreditBasis.SCHEDULE.value, ""))
        if line is not None and isinstance(line.calculation, CreditCalculation):
            # The ledger's line is what was (or will be) paid: the report shows it, not a
            # recomputation that late data may have moved.
            found = CreditReport(
                covered=line.covered,
                graded=line.objective,
                calculation=line.calculation,
                status=line.status,
                entry_id=line.id,
            )
        penalties = []
        until = Span(span.start, min(span.end, epoch_seconds(period.at)))
        for penalty in version.penalties:
            if PERIOD_UNITS.get(penalty.period) is not period.unit:
                continue
            held = lines.get((agreement.name, period.label, CreditBasis.PENALTY.value, penalty.objective))
            if held is not None and isinstance(held.calculation, PenaltyCalculation):
                penalties.append(
                    PenaltyReport(
                        objective=penalty.objective, calculation=held.calculation, status=held.status, entry_id=held.id
                    )
                )
                continue
            target = next((t for t in targets if t.objective.name == penalty.objective), None)
            if target is None or target.objective.tickets is None:
                continue
            calculation = penalty_calculation(uow, self._tickets, target, penalty, until)
            penalties.append(PenaltyReport(objective=penalty.objective, calculation=calculation))
        return dataclasses.replace(found, penalties=tuple(penalties))

    @staticmethod
    def _schedule_credit(
        version: AgreementVersion, objectives: Sequence[ObjectiveReport], period: ReportPeriod
    ) -> CreditReport:
        schedule = version.credit_schedule
        if schedule is None:
            return CreditReport(covered=(), graded=None, calculation=None, note=CreditNote.NO_SCHEDULE)
        covered = covered_objectives(schedule, {o.name: o.target for o in objectives})
        if not covered:
            return CreditReport(covered=(), graded=None, calculation=None, note=CreditNote.NO_OBJECTIVE)
        charge = version.charge
        if charge is not None and _CHARGE_UNITS.get(charge.period) != period.unit.value:
            return CreditReport(covered=tuple(covered), graded=None, calculation=None, note=CreditNote.OTHER_PERIOD)
        by_name = {o.name: o.evaluation.attainment for o in objectives}
        worst = graded({name: by_name[name] for name in covered})
        if worst is None:
            return CreditReport(covered=tuple(covered), graded=None, calculation=None, note=CreditNote.NO_DATA)
        name, attainment = worst
        return CreditReport(
            covered=tuple(covered),
            graded=name,
            calculation=service_credit(schedule, attainment, charge),
            note=None if period.complete else CreditNote.RUNNING,
        )

    # -- output -------------------------------------------------------------------------------

    def render(self, report: ReportDocument, lang: str, fmt: ReportFormat) -> bytes:
        """The report laid out in ``lang``: a PDF, or one self-contained HTML file (UTF-8)."""
        if self._renderer is None:
            if self._make_renderer is None:
                raise ConfigurationError("no report renderer is configured", key="error.report_renderer")
            self._renderer = self._make_renderer()
        if fmt is ReportFormat.PDF:
            return self._renderer.pdf(report, lang)
        return self._renderer.html(report, lang).encode("utf-8")

    @staticmethod
    def file_name(report: ReportDocument, lang: str, fmt: ReportFormat) -> str:
        """``eportal-sla-2026-10-en.pdf``: the agreement (or customer), the period, the language."""
        return f"{report.file_stem}-{lang}.{fmt.value}"
