"""A period report: what one agreement (or every agreement of one customer) delivered over a
named period, as the use case (``services/reports.py``) assembles it and the renderers
(``render/report_html.py``, ``render/report_pdf.py``) lay it out.

Everything here is data: figures in their units (ratios, seconds, epoch-aware datetimes),
names as the catalogue holds them; words and number formats are the renderer's, in the
reader's language. Datetimes are aware; the renderer shows them in ``ReportPeriod.time_zone``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from slmo.core.model.agreement import AgreementKind, PartyRole, VersionState
from slmo.core.model.credits import CreditCalculation, PenaltyCalculation
from slmo.core.model.forecast import AttainmentForecast
from slmo.core.model.ledger import CreditStatus
from slmo.core.model.measurement import Impact
from slmo.core.model.objective import BudgetingMethod, WindowUnit
from slmo.core.model.opportunity import Opportunities
from slmo.core.model.portfolio import Portfolio
from slmo.core.model.results import Evaluation, EvaluationStatus
from slmo.core.model.text import LocalizedText


class ReportFormat(StrEnum):
    PDF = "pdf"
    HTML = "html"


@dataclass(frozen=True, kw_only=True)
class ReportPeriod:
    """The named period (``2026-10``) as the instants ``[start, end)`` in ``time_zone``;
    ``at`` is the instant the figures run to: the period's end, or the report's time when the
    period is still running (``complete`` is then False)."""

    label: str
    unit: WindowUnit
    start: dt.datetime
    end: dt.datetime
    time_zone: str
    at: dt.datetime
    complete: bool


@dataclass(frozen=True, kw_only=True)
class ReportParty:
    """A party of the agreement and who signs for it: ``signatory`` from the agreement, with
    ``title`` the role of the party's contact of that name, when there is one."""

    name: str
    display_name: LocalizedText
    role: PartyRole
    signatory: str | None = None
    title: str | None = None


@dataclass(frozen=True, kw_only=True)
class ObjectiveSeries:
    """Daily points through the period: attainment to date and the share of the period's error
    budget left (``core.engine.progress``); ``None`` where nothing was counted yet."""

    points: tuple[dt.datetime, ...]
    attainment: tuple[float | None, ...]
    budget_left: tuple[float | None, ...]


@dataclass(frozen=True, kw_only=True)
class TrendPoint:
    """One of the last periods: its label and the objective's attainment and status over it."""

    label: str
    attainment: float | None
    status: EvaluationStatus


@dataclass(frozen=True, kw_only=True)
class ObjectiveReport:
    name: str
    display_name: LocalizedText
    indicator: str
    indicator_kind: str
    service: str | None
    target: float
    budgeting: BudgetingMethod
    evaluation: Evaluation
    series: ObjectiveSeries
    trend: tuple[TrendPoint, ...]
    # Where the period will end, while it runs (core.engine.forecast); None once it is over.
    forecast: AttainmentForecast | None = None


@dataclass(frozen=True, kw_only=True)
class DowntimeRow:
    """One service over the period, in seconds: outages (their union), the part of them inside
    agreed maintenance, what counts (the rest), and degraded time apart."""

    service: str
    display_name: LocalizedText
    outage_seconds: int
    in_maintenance_seconds: int
    counted_seconds: int
    degraded_seconds: int
    incidents: int


@dataclass(frozen=True, kw_only=True)
class MaintenanceWindow:
    """One window of agreed maintenance (a calendar exclusion) in the period, clipped to it."""

    start: dt.datetime
    end: dt.datetime
    reason: str | None

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())


@dataclass(frozen=True, kw_only=True)
class IncidentRow:
    id: str
    service: str
    start: dt.datetime
    end: dt.datetime | None
    impact: Impact
    title: str | None
    seconds_in_period: int


class BreachSource(StrEnum):
    """Where a breach comes from: a run of stored ``breached`` evaluations in the period
    (``episode``), or the period's own attainment below target (``period``)."""

    EPISODE = "episode"
    PERIOD = "period"


@dataclass(frozen=True, kw_only=True)
class BreachRow:
    objective: str
    display_name: LocalizedText
    source: BreachSource
    start: dt.datetime | None
    end: dt.datetime | None
    began_before: bool
    worst_attainment: float | None
    target: float


@dataclass(frozen=True, kw_only=True)
class TicketRow:
    """Ticket compliance of one objective and priority (``all`` for every priority); times in
    seconds on the objective's clock."""

    objective: str
    display_name: LocalizedText
    priority: str
    volume: int
    in_time: int
    breaches: int
    compliance: float | None
    median: float | None
    p90: float | None


class CreditNote(StrEnum):
    """Why a report shows no credit calculation, or what limits it."""

    NO_SCHEDULE = "no_schedule"
    NO_OBJECTIVE = "no_objective"
    NO_DATA = "no_data"
    OTHER_PERIOD = "other_period"
    RUNNING = "running"


@dataclass(frozen=True, kw_only=True)
class PenaltyReport:
    """A ticket penalty for the period: from the credits ledger when the period's line is there
    (``entry_id``, ``status``), else computed for the report."""

    objective: str
    calculation: PenaltyCalculation
    status: CreditStatus | None = None
    entry_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class CreditReport:
    """Service credits due for the period: the objectives the schedule grades (``covered``),
    the one whose attainment set the tier (``graded``), and the calculation. ``note`` says why
    there is none, or (``running``) that the period is not over. When the credits ledger holds
    the period's line, the figures are the line's, with its ``status`` and ``entry_id``.
    ``penalties`` are the version's ticket penalties for the period."""

    covered: tuple[str, ...]
    graded: str | None
    calculation: CreditCalculation | None
    note: CreditNote | None = None
    status: CreditStatus | None = None
    entry_id: int | None = None
    penalties: tuple[PenaltyReport, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ReportAction:
    """An open improvement action that concerns the agreement (``core.model.improvement``):
    ``status`` is ``open`` or ``in_progress``."""

    id: int
    title: str
    owner: str
    due: dt.date
    status: str
    origin: str


@dataclass(frozen=True, kw_only=True)
class AgreementReport:
    agreement: str
    display_name: LocalizedText
    kind: AgreementKind
    version: int
    version_state: VersionState
    effective_from: dt.date | None
    period: ReportPeriod
    generated_at: dt.datetime
    parties: tuple[ReportParty, ...]
    services: tuple[tuple[str, LocalizedText], ...]
    objectives: tuple[ObjectiveReport, ...]
    downtime: tuple[DowntimeRow, ...]
    maintenance: tuple[MaintenanceWindow, ...]
    tickets: tuple[TicketRow, ...]
    breaches: tuple[BreachRow, ...]
    incidents: tuple[IncidentRow, ...]
    credits: CreditReport
    trend_labels: tuple[str, ...]
    # The open actions of the improvement register that concern the agreement, oldest first.
    improvement_actions: tuple[ReportAction, ...] = ()
    # Where the agreement's budgets went in the period and what to improve first.
    opportunities: Opportunities | None = None

    @property
    def file_stem(self) -> str:
        return f"{self.agreement}-{self.period.label}"


@dataclass(frozen=True, kw_only=True)
class CustomerReport:
    """Every agreement in which ``party`` is the customer, over one period."""

    party: str
    display_name: LocalizedText
    period_label: str
    generated_at: dt.datetime
    agreements: tuple[AgreementReport, ...]

    @property
    def file_stem(self) -> str:
        return f"{self.party}-{self.period_label}"


Report = AgreementReport | CustomerReport | Portfolio
