"""The composition root: settings in, a wired :class:`Slmo` handle out.

This is the only module that names concrete adapters. Tests call :func:`connect` with a
real database URL, or :func:`in_memory` for the fakes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from slmo.core.model.auth import Principal
from slmo.core.ports import (
    CalendarExpander,
    Clock,
    CostReader,
    DemandForecaster,
    ForeignFormat,
    MeasurementReader,
    MetricReader,
    Notifier,
    Prober,
    ReportRenderer,
    SpecCodec,
    TicketReader,
    TrendTester,
    UnitOfWorkFactory,
)
from slmo.services.access import Access
from slmo.services.alerts import AlertService
from slmo.services.auth import AuthService
from slmo.services.catalogue import CatalogueService
from slmo.services.claims import ClaimService
from slmo.services.clock import ClockService
from slmo.services.closes import PeriodCloseService
from slmo.services.costs import CostService
from slmo.services.credits import CreditService
from slmo.services.delivery import DeliveryService
from slmo.services.demand import DemandService
from slmo.services.evaluate import EvaluationService
from slmo.services.evidence import EvidenceService
from slmo.services.impact import ImpactService
from slmo.services.improvements import ImprovementService
from slmo.services.ingest import IngestService
from slmo.services.integrity import IntegrityService
from slmo.services.interchange import InterchangeService
from slmo.services.negotiation import NegotiationService
from slmo.services.opportunities import OpportunityService
from slmo.services.passwords import Passwords
from slmo.services.portfolio import PortfolioService
from slmo.services.probes import ProbeService
from slmo.services.prometheus_rules import PrometheusRulesService
from slmo.services.proposal_drafting import trend_reader
from slmo.services.proposals import ProposalService
from slmo.services.pull import PullService
from slmo.services.reports import ReportService
from slmo.services.reviews import ReviewService
from slmo.services.scheduler import SchedulerService
from slmo.services.sessions import SessionService
from slmo.services.suppliers import SupplierService
from slmo.services.targets import TargetService
from slmo.services.tickets import TicketService
from slmo.services.trends import TrendService
from slmo.services.users import UserService
from slmo.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


@dataclass
class Slmo:
    """Everything an entry point (CLI, API, web) needs, wired."""

    settings: Settings
    catalogue: CatalogueService
    interchange: InterchangeService
    evaluation: EvaluationService
    ingest: IngestService
    clock: ClockService
    time: Clock
    auth: AuthService
    codec: SpecCodec
    tickets: TicketService
    scheduler: SchedulerService
    users: UserService
    sessions: SessionService
    probes: ProbeService
    prometheus_rules: PrometheusRulesService
    alerts: AlertService
    delivery: DeliveryService
    reports: ReportService
    integrity: IntegrityService
    reviews: ReviewService
    improvements: ImprovementService
    opportunities: OpportunityService
    closes: PeriodCloseService
    negotiation: NegotiationService
    evidence: EvidenceService
    credits: CreditService
    costs: CostService
    claims: ClaimService
    impact: ImpactService
    suppliers: SupplierService
    targets: TargetService
    portfolio: PortfolioService
    proposals: ProposalService
    demand: DemandService
    trends: TrendService
    _engine: Engine | None = field(default=None, repr=False)

    def access(self, principal: Principal) -> Access:
        """The use cases as ``principal`` may use them (the API's way in)."""
        return Access(
            principal,
            self.catalogue,
            self.evaluation,
            self.ingest,
            self.codec,
            self.tickets,
            self.scheduler,
            alert_log=self.alerts,
            negotiation_service=self.negotiation,
            evidence_service=self.evidence,
            reviews_service=self.reviews,
            improvement_service=self.improvements,
            opportunity_service=self.opportunities,
            credits_service=self.credits,
            costs_service=self.costs,
            claims_service=self.claims,
            suppliers_service=self.suppliers,
            impact_service=self.impact,
            targets_service=self.targets,
            portfolio_service=self.portfolio,
            proposals_service=self.proposals,
            demand_service=self.demand,
            trends_service=self.trends,
        )

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> Slmo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _codec() -> SpecCodec:
    from slmo.spec.codec import YamlSpecCodec

    return YamlSpecCodec()


def _calendars() -> CalendarExpander:
    from slmo.calendars import HolidayCalendarExpander

    return HolidayCalendarExpander()


def _reader() -> MeasurementReader:
    from slmo.sources.reader import TabularMeasurementReader

    return TabularMeasurementReader()


def _cost_reader() -> CostReader:
    from slmo.sources.costs import CsvCostReader

    return CsvCostReader()


def _ticket_reader() -> TicketReader:
    from slmo.sources.tickets import TicketExportReader

    return TicketExportReader()


def _openslo() -> ForeignFormat:
    from slmo.spec.openslo import OpenSloFormat

    return OpenSloFormat()


def _sloth() -> ForeignFormat:
    from slmo.spec.sloth import SlothFormat

    return SlothFormat()


def _rule_file_text(document: Mapping[str, Any]) -> str:
    from slmo.render.prometheus_rules import rule_file_text

    return rule_file_text(document)


def _report_renderer() -> ReportRenderer:
    # Built on first use: matplotlib and WeasyPrint take a second to load.
    from slmo.render.report_pdf import WeasyPrintReportRenderer

    return WeasyPrintReportRenderer()


def _formats() -> Mapping[str, Callable[[], ForeignFormat]]:
    # Built on first use, so that commands that need no foreign format do not load one.
    return {"openslo": _openslo, "sloth": _sloth}


def _metrics() -> MetricReader:
    from slmo.sources.prometheus import PrometheusReader

    return PrometheusReader()


def _prober() -> Prober:
    from slmo.sources.probing import NetworkProber

    return NetworkProber()


def _trend_tester() -> TrendTester:
    # Built on first use: scipy and ruptures take a moment to load.
    from slmo.forecasting.trends import MannKendallTester

    return MannKendallTester()


def _demand_forecaster() -> DemandForecaster:
    # statsmodels itself is imported on the first forecast, not here.
    from slmo.forecasting.demand import StatsmodelsDemandForecaster

    return StatsmodelsDemandForecaster()


def _notifier() -> Notifier:
    from slmo.notify.apprise_notifier import AppriseNotifier

    return AppriseNotifier()


def _wire(
    settings: Settings,
    uow: UnitOfWorkFactory,
    clock: Clock,
    engine: Engine | None,
    metrics: MetricReader | None = None,
    prober: Prober | None = None,
    notifier: Notifier | None = None,
) -> Slmo:
    codec = _codec()
    calendars = _calendars()
    catalogue = CatalogueService(uow, codec, clock)
    evaluation = EvaluationService(uow, calendars, clock)
    clocks = ClockService(codec, calendars)
    tickets = TicketService(uow, _ticket_reader(), clocks, evaluation, clock)
    evaluation.ticket_counts = tickets.counts
    evaluation.ticket_sums = tickets.sums
    evaluation.ticket_counter = tickets.counter
    passwords = Passwords()
    probes = ProbeService(prober or _prober(), uow, clock)
    alerts = AlertService(
        uow,
        evaluation,
        tickets,
        calendars,
        clock,
        lang=settings.lang,
        public_url=settings.public_url,
        email_url=settings.notify_email_url,
    )
    delivery = DeliveryService(uow, notifier or _notifier(), clock)
    improvements = ImprovementService(uow, evaluation, clock)
    opportunities = OpportunityService(uow, evaluation, tickets, clock)
    reviews = ReviewService(uow, improvements, clock, email_url=settings.notify_email_url)
    closes = PeriodCloseService(uow, evaluation, clock)
    credits = CreditService(uow, evaluation, tickets, clock)
    claims = ClaimService(uow, credits, clock)
    credits.followers.append(claims.follow)
    credits.ticks.append(claims.tick)
    impact = ImpactService(uow, evaluation, clock)
    evidence = EvidenceService(uow, evaluation, clock)
    trends = TrendService(uow, evaluation, clock, _trend_tester)
    return Slmo(
        settings=settings,
        catalogue=catalogue,
        interchange=InterchangeService(catalogue, _formats()),
        evaluation=evaluation,
        ingest=IngestService(uow, _reader(), clock),
        clock=clocks,
        time=clock,
        auth=AuthService(uow, clock),
        codec=codec,
        tickets=tickets,
        scheduler=SchedulerService(
            uow,
            evaluation,
            clock,
            pull=PullService(metrics or _metrics()),
            probes=probes,
            alerts=alerts,
            delivery=delivery,
            reviews=reviews,
            closes=closes,
            credits=credits,
        ),
        users=UserService(uow, clock, passwords),
        sessions=SessionService(uow, clock, passwords),
        probes=probes,
        prometheus_rules=PrometheusRulesService(uow, evaluation, clock, _rule_file_text),
        alerts=alerts,
        delivery=delivery,
        reports=ReportService(uow, evaluation, tickets, calendars, clock, _report_renderer, opportunities),
        integrity=IntegrityService(uow),
        reviews=reviews,
        improvements=improvements,
        opportunities=opportunities,
        closes=closes,
        negotiation=NegotiationService(uow, codec, clock),
        evidence=evidence,
        credits=credits,
        costs=CostService(uow, _cost_reader(), credits, evaluation, clock),
        claims=claims,
        impact=impact,
        suppliers=SupplierService(uow, evaluation, credits, claims, impact, clock),
        targets=TargetService(uow, evaluation, evidence, clock),
        portfolio=PortfolioService(uow, evaluation, clock),
        proposals=ProposalService(
            uow, evaluation, NegotiationService(uow, codec, clock), clock, impact=impact, trends=trend_reader(trends)
        ),
        demand=DemandService(uow, _demand_forecaster(), clock),
        trends=trends,
        _engine=engine,
    )


def connect(
    settings: Settings,
    *,
    clock: Clock | None = None,
    metrics: MetricReader | None = None,
    prober: Prober | None = None,
    notifier: Notifier | None = None,
) -> Slmo:
    """A handle on the database in ``settings``, its schema brought to head unless told not to."""
    from slmo.store.engine import ensure_current, make_engine, upgrade
    from slmo.store.unit_of_work import unit_of_work_factory

    engine = make_engine(settings.database_url)
    try:
        if settings.migrate:
            upgrade(engine)
        else:
            ensure_current(engine)
    except BaseException:
        engine.dispose()
        raise
    return _wire(settings, unit_of_work_factory(engine), clock or SystemClock(), engine, metrics, prober, notifier)


def in_memory(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    metrics: MetricReader | None = None,
    prober: Prober | None = None,
    notifier: Notifier | None = None,
) -> Slmo:
    """A handle on the in-memory fakes: no database at all, and notifications kept by a
    recording notifier unless one is given."""
    from slmo.notify.memory import RecordingNotifier
    from slmo.store.memory import MemoryStore

    store = MemoryStore()
    return _wire(
        settings or Settings(database_url="memory://"),
        store.unit_of_work,
        clock or SystemClock(),
        None,
        metrics,
        prober,
        notifier or RecordingNotifier(),
    )


def upgrade_database(settings: Settings) -> str | None:
    """Bring the schema to head; the revision it is at afterwards."""
    from slmo.store.engine import current_revision, make_engine, upgrade

    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        return current_revision(engine)
    finally:
        engine.dispose()


def check_database(settings: Settings) -> str | None:
    """Raise StoreError when the schema differs from the models; else the current revision."""
    from slmo.store.engine import check, current_revision, make_engine

    engine = make_engine(settings.database_url)
    try:
        check(engine)
        return current_revision(engine)
    finally:
        engine.dispose()
