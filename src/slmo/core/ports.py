"""What the core and the use cases need from the outside world, as Protocols.

Adapters implement these (``store``, ``spec``, later ``sources`` and ``notify``); every
port has an in-memory fake in the package so tests rarely need mocks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, BinaryIO, Protocol, Self

import numpy as np
from numpy.typing import NDArray

from slmo.core.model.alerts import Alert, AlertStatus, DeliveryStatus, Notification
from slmo.core.model.audit import AuditEntry
from slmo.core.model.auth import Token, User, WebSession
from slmo.core.model.calendar import Calendar, TimeRange
from slmo.core.model.chain import ChainHead, ChainLink
from slmo.core.model.claims import Claim, ClaimStatus
from slmo.core.model.demand import DemandForecast, DemandHistory
from slmo.core.model.improvement import ActionStatus, ImprovementAction
from slmo.core.model.indicator import DataSource
from slmo.core.model.job import Job, JobRun
from slmo.core.model.kinds import CatalogueObject
from slmo.core.model.ledger import CreditAmount, CreditEntry, ServiceCost
from slmo.core.model.measurement import BucketBatch, BucketSeries, Incident, SampleBatch, SampleSeries
from slmo.core.model.negotiation import NegotiationStep
from slmo.core.model.period_close import ClosedFigure, ClosedPeriod
from slmo.core.model.probe import ProbeResult, ProbeSpec
from slmo.core.model.proposal import Proposal, ProposalStatus
from slmo.core.model.report import Report
from slmo.core.model.results import ObjectiveEvaluation
from slmo.core.model.review import Review
from slmo.core.model.ticket import Ticket
from slmo.core.model.trend import TrendAnalysis, TrendMethod, TrendSeries
from slmo.errors import Location, Problem


class CatalogueRepository(Protocol):
    def get(self, kind: str, name: str) -> CatalogueObject | None: ...

    def list(self, kind: str | None = None) -> list[CatalogueObject]:
        """Objects of ``kind`` (every kind when ``None``) in KIND_ORDER, then by name."""
        ...

    def put(self, obj: CatalogueObject) -> None:
        """Insert the object or replace the one of the same kind and name."""
        ...

    def delete(self, kind: str, name: str) -> None: ...

    def revision(self, kind: str, name: str) -> int | None:
        """A number that grows with every change of the object; ``None`` when absent."""
        ...

    def fingerprint(self) -> tuple[int, ...]:
        """A value that differs whenever an object was created, changed or deleted since it was
        taken (it reads a little of every row: cheap for a catalogue, but not free)."""
        ...


class MeasurementRepository(Protocol):
    """Buckets, samples and incidents. Writes replace per (indicator, source, bucket), so they
    are idempotent; reads sum over sources."""

    def write_buckets(self, batch: BucketBatch) -> int:
        """Store the batch, replacing the same source's earlier values of those buckets; the
        number of buckets written."""
        ...

    def read_buckets(self, indicator: str, start: int, end: int, bucket_seconds: int) -> BucketSeries:
        """The dense series over ``[start, end)`` (multiples of ``bucket_seconds``)."""
        ...

    def write_samples(self, batch: SampleBatch) -> int: ...

    def read_samples(self, indicator: str, start: int, end: int, bucket_seconds: int) -> SampleSeries: ...

    def bucket_range(self, indicator: str) -> tuple[int, int] | None:
        """The first bucket start and the end of the last bucket stored, if any."""
        ...

    def put_incidents(self, incidents: Sequence[Incident]) -> int:
        """Insert or replace incidents by id; the number that changed."""
        ...

    def list_incidents(
        self, *, service: str | None = None, start: dt.datetime | None = None, end: dt.datetime | None = None
    ) -> list[Incident]:
        """Incidents overlapping ``[start, end)``, oldest first."""
        ...


class RowChunk(Protocol):
    """Rows of one chunk of an input, with the problems of the rows that were refused."""

    @property
    def problems(self) -> list[Problem]: ...

    @property
    def rejected(self) -> int: ...

    def __len__(self) -> int: ...


class EventRows(RowChunk, Protocol):
    @property
    def timestamps(self) -> NDArray[np.int64]: ...

    @property
    def good(self) -> NDArray[np.int64]: ...

    @property
    def total(self) -> NDArray[np.int64]: ...


class SampleRows(RowChunk, Protocol):
    @property
    def timestamps(self) -> NDArray[np.int64]: ...

    @property
    def values(self) -> NDArray[np.float64]: ...


class ProbeRows(RowChunk, Protocol):
    @property
    def timestamps(self) -> NDArray[np.int64]: ...

    @property
    def up(self) -> NDArray[np.bool_]: ...


class IncidentRows(RowChunk, Protocol):
    @property
    def incidents(self) -> list[Incident]: ...

    @property
    def lines(self) -> list[int]: ...


class MeasurementReader(Protocol):
    """Streams rows from files or streams (CSV or JSON lines), chunk by chunk, never the whole
    input at once. ``tz`` is the zone of timestamps written without an offset."""

    def events(self, source: BinaryIO, name: str, *, now_epoch: int, tz: str | None) -> Iterator[EventRows]: ...

    def samples(self, source: BinaryIO, name: str, *, now_epoch: int, tz: str | None) -> Iterator[SampleRows]: ...

    def probes(self, source: BinaryIO, name: str, *, now_epoch: int, tz: str | None) -> Iterator[ProbeRows]: ...

    def incidents(self, source: BinaryIO, name: str, *, now_epoch: int, tz: str | None) -> Iterator[IncidentRows]: ...


class EvaluationRepository(Protocol):
    """Evaluations as computed: one record per objective and instant, kept for history."""

    def add(self, evaluations: Sequence[ObjectiveEvaluation]) -> int:
        """Store the records (replacing one of the same objective, agreement and instant)."""
        ...

    def last_id(self) -> int:
        """The id of the record stored last (0 when none): it grows with every record added,
        so a reader can ask for what is new since (``latest(after=...)``)."""
        ...

    def latest(
        self, *, start: dt.datetime, end: dt.datetime, after: int = 0, upto: int | None = None
    ) -> list[StoredEvaluation]:
        """For each agreement and objective, its record with the greatest ``at`` among those
        with ``start <= at < end`` and ``after < id <= upto``; in one query, in no set order."""
        ...

    def list(
        self,
        *,
        agreement: str | None = None,
        objective: str | None = None,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[ObjectiveEvaluation]:
        """Records with ``start <= at < end``, oldest first (newest ``limit`` when given, past
        the newest ``offset``: pages from the newest back)."""
        ...


@dataclass(frozen=True)
class StoredEvaluation:
    """A stored record with its id (``EvaluationRepository.last_id`` orders them)."""

    id: int
    record: ObjectiveEvaluation


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None: ...

    def last_id(self) -> int:
        """The id of the entry recorded last (0 when none): every audited write, such as each
        change of the catalogue, makes it grow."""
        ...

    def list(
        self, *, kind: str | None = None, name: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[AuditEntry]:
        """Entries, oldest first, optionally for one object (newest ``limit`` when given, past
        the newest ``offset``: pages from the newest back)."""
        ...

    def chain(self) -> Iterator[ChainLink]:
        """Every entry in order of its position in the hash chain, with its stored link
        (``core.model.chain``); read lazily, inside the unit of work."""
        ...

    def chain_head(self) -> ChainHead: ...


class ReviewRepository(Protocol):
    """Reviews of agreements and procedures, by id; never changed once recorded."""

    def add(self, review: Review) -> Review:
        """Store a new review; it comes back with its id."""
        ...

    def get(self, review_id: int) -> Review | None: ...

    def list(self, *, subject_kind: str | None = None, subject: str | None = None) -> list[Review]:
        """Reviews of one kind of subject (and one subject), by date then id."""
        ...


class ActionRepository(Protocol):
    """The improvement register: actions by id, each change based on the revision read."""

    def add(self, action: ImprovementAction) -> ImprovementAction:
        """Store a new action; it comes back with its id and revision 1."""
        ...

    def update(self, action: ImprovementAction) -> ImprovementAction:
        """Store a changed action over the one of its id; ``ConflictError`` when the stored one
        is no longer at ``action.revision``. The revision grows."""
        ...

    def get(self, action_id: int) -> ImprovementAction | None: ...

    def list(self, *, statuses: Collection[ActionStatus] | None = None) -> list[ImprovementAction]:
        """Actions by id, of the ``statuses`` given (all when ``None``)."""
        ...


class PeriodCloseRepository(Protocol):
    """Closed periods: one per agreement, objective and period, in a hash chain."""

    def add(self, closed: ClosedPeriod) -> ClosedPeriod | None:
        """Store and chain a closed period; ``None``, and nothing stored, when that period of
        that objective is closed already."""
        ...

    def get(self, agreement: str, objective: str, period: str) -> ClosedPeriod | None: ...

    def figures(self, *, periods: Collection[str] | None = None, after: int = 0) -> list[ClosedFigure]:
        """The status and budget left of the closed periods of ``periods`` (all when ``None``)
        past position ``after``, in the order they were closed, read without the rest of each
        record."""
        ...

    def list(
        self,
        *,
        agreement: str | None = None,
        objective: str | None = None,
        periods: Collection[str] | None = None,
        after: int = 0,
    ) -> list[ClosedPeriod]:
        """Closed periods in the order they were closed, of the ``periods`` (labels; all when
        ``None``), past position ``after`` in the chain (``ChainHead.seq``): a reader that noted
        the head reads only what was closed since."""
        ...

    def chain(self) -> Iterator[ChainLink]:
        """Every closed period in order of position, with its stored link."""
        ...

    def chain_head(self) -> ChainHead: ...


class TokenRepository(Protocol):
    """API tokens, found by the hash of their secret; never deleted, only revoked."""

    def add(self, token: Token) -> None: ...

    def replace(self, token: Token) -> None:
        """Store a changed token (a revocation) over the one of the same id."""
        ...

    def get(self, token_id: str) -> Token | None: ...

    def find(self, secret_hash: str) -> Token | None: ...

    def list(self) -> list[Token]:
        """Every token, oldest first."""
        ...


class UserRepository(Protocol):
    """People who sign in to the web UI, by name; never deleted, only disabled."""

    def add(self, user: User) -> None: ...

    def replace(self, user: User) -> None:
        """Store a changed user (a new password hash, disabled) over the one of the same name."""
        ...

    def get(self, name: str) -> User | None: ...

    def list(self) -> list[User]:
        """Every user, by name."""
        ...


class WebSessionRepository(Protocol):
    """Signed-in browsers, found by the SHA-256 of their cookie's id."""

    def add(self, session: WebSession) -> None: ...

    def find(self, id_hash: str) -> WebSession | None: ...

    def touch(self, id_hash: str, at: dt.datetime) -> None:
        """Record a request of the session at ``at`` (its idle timeout counts from there)."""
        ...

    def delete(self, id_hash: str) -> None:
        """End one session; ending one that is gone changes nothing."""
        ...

    def delete_for(self, user: str) -> int:
        """End every session of ``user``; how many."""
        ...

    def delete_stale(self, before: dt.datetime, last_seen_before: dt.datetime) -> int:
        """Delete sessions past their lifetime (``expires_at <= before``) or idle since before
        ``last_seen_before``; how many."""
        ...


class JobRepository(Protocol):
    """Recurring jobs and their leases. ``lease`` and ``renew`` are meant to be committed at once,
    each in a unit of work of its own, so that a lease is visible to every other worker as soon
    as it is taken. ``complete`` is meant to be committed with the job's work."""

    def ensure(self, kind: str, key: str, interval_seconds: int, now: dt.datetime) -> Job:
        """The job of ``kind`` and ``key``, created due at ``now`` when absent (idempotent);
        an existing job keeps its schedule and takes the new interval."""
        ...

    def retire(self, kind: str, keep: Collection[str]) -> int:
        """Delete the jobs of ``kind`` whose key is not in ``keep``, with their runs; how many."""
        ...

    def lease(self, owner: str, now: dt.datetime, lease_seconds: int, limit: int) -> list[Job]:
        """Up to ``limit`` jobs due at ``now`` that nobody holds (or whose lease expired),
        leased to ``owner`` until ``now + lease_seconds``; two workers never get the same job."""
        ...

    def renew(self, job: Job, owner: str, now: dt.datetime, lease_seconds: int) -> bool:
        """Extend ``owner``'s lease of this occurrence of ``job`` to ``now + lease_seconds``;
        ``False`` when ``owner`` no longer holds it."""
        ...

    def complete(self, job: Job, owner: str, started_at: dt.datetime, now: dt.datetime) -> bool:
        """Record this occurrence of ``job`` (as leased) done and release it, due again at
        ``now`` + its interval. ``False``, and nothing changed, when ``owner`` no longer holds
        this occurrence: the caller must then roll its work back."""
        ...

    def fail(self, job: Job, owner: str, started_at: dt.datetime, now: dt.datetime, error: str) -> bool:
        """Record this occurrence failed and release it: the error is kept and the job is due
        again after a back-off (at most its interval); ``False`` when ``owner`` does not hold it."""
        ...

    def release(self, job_id: int, owner: str) -> bool:
        """Give back a job ``owner`` holds without running it: due as it was, for anyone."""
        ...

    def runs(self, job_id: int | None = None) -> list[JobRun]:
        """Finished occurrences (of one job, or all), oldest first."""
        ...

    def get(self, job_id: int) -> Job | None: ...

    def find(self, kind: str, key: str) -> Job | None:
        """The job of ``kind`` and ``key``, if there is one."""
        ...

    def list(self) -> list[Job]:
        """Every job, by id."""
        ...


class ProbeResultRepository(Protocol):
    """Every check of each indicator's probe, kept for a while (``prune``): the buckets say how
    many were up, these say when, how fast and why not."""

    def add(self, indicator: str, result: ProbeResult) -> None: ...

    def list(
        self, indicator: str, *, start: dt.datetime | None = None, end: dt.datetime | None = None
    ) -> list[ProbeResult]:
        """Results with ``start <= at < end``, oldest first (this transaction's own included)."""
        ...

    def latest(self, indicator: str) -> ProbeResult | None: ...

    def prune(self, indicator: str, before: dt.datetime) -> int:
        """Delete the indicator's results older than ``before``; how many."""
        ...


class AlertRepository(Protocol):
    """Alerts by id; at most one open (firing or acknowledged) per objective and tier, which
    the store enforces (a second is a ``ConflictError``)."""

    def add(self, alert: Alert) -> Alert:
        """Store a new alert; it comes back with its id and revision 1."""
        ...

    def update(self, alert: Alert) -> Alert:
        """Store a changed alert over the one of its id; ``ConflictError`` when the stored one
        is no longer at ``alert.revision`` (someone changed it meanwhile). The revision grows."""
        ...

    def get(self, alert_id: int) -> Alert | None: ...

    def open_for(self, agreement: str, objective: str) -> list[Alert]:
        """The objective's open alerts (firing or acknowledged), by tier."""
        ...

    def list(
        self,
        *,
        states: Collection[AlertStatus] | None = None,
        agreement: str | None = None,
        objective: str | None = None,
        agreements: Collection[str] | None = None,
    ) -> list[Alert]:
        """Alerts newest first (by opening, then id), of the ``states`` given (all when
        ``None``), of one ``agreement`` and ``objective`` (the objective's bare name), and of
        ``agreements`` only when given."""
        ...


class NotificationRepository(Protocol):
    """The outbox: notifications queued with the change they tell of, then delivered."""

    def add(self, notifications: Sequence[Notification]) -> int:
        """Queue notifications; one whose ``key`` is already queued is left out (an event is
        told once per recipient). How many were queued."""
        ...

    def told(self, subject: str) -> bool:
        """Whether some notification of ``subject`` was ever queued."""
        ...

    def due(self, now: dt.datetime, limit: int) -> list[Notification]:
        """Pending notifications whose next attempt is due at ``now``, oldest first."""
        ...

    def record(self, notification: Notification) -> None:
        """Store the outcome of an attempt (status, attempts, error, next attempt, history)."""
        ...

    def list(
        self, *, alert_id: int | None = None, status: DeliveryStatus | None = None, limit: int | None = None
    ) -> list[Notification]:
        """Notifications oldest first, of one alert or status when given (the newest ``limit``)."""
        ...


class NegotiationLog(Protocol):
    """The steps of agreement versions' negotiation (``core.model.negotiation``): appended in
    the order taken, in the transaction of the version change, and never changed."""

    def add(self, steps: Sequence[NegotiationStep]) -> list[NegotiationStep]:
        """Append ``steps``; they come back with their ids."""
        ...

    def list(self, agreement: str | None = None, version: int | None = None) -> list[NegotiationStep]:
        """Steps of one agreement (and version), or all, in the order taken."""
        ...


class CreditLedger(Protocol):
    """The credits ledger (``core.model.ledger``): one line per agreement, period, basis and
    clause (``CreditEntry.key``)."""

    def add(self, entry: CreditEntry) -> CreditEntry:
        """Store a new line; it comes back with its id. A line of the same key stored by
        someone else is a ``ConflictError`` (at once or at commit)."""
        ...

    def replace(self, entry: CreditEntry) -> CreditEntry:
        """Store a changed line over the one of its id, which this unit of work has read; a
        ``ConflictError`` (at once or at commit) when someone else changed or deleted it since."""
        ...

    def get(self, entry_id: int) -> CreditEntry | None: ...

    def delete(self, entry_id: int) -> None:
        """Remove a line; removing one that is gone changes nothing."""
        ...

    def amounts(self, *, periods: Collection[str] | None = None) -> list[CreditAmount]:
        """The money of the lines of the ``periods`` (all when ``None``), without their
        calculations (sums over every agreement read no documents); by period, agreement."""
        ...

    def list(
        self,
        *,
        periods: Collection[str] | None = None,
        agreement: str | None = None,
        agreements: Collection[str] | None = None,
    ) -> list[CreditEntry]:
        """Lines of the ``periods`` (all when ``None``), of one ``agreement``, and of
        ``agreements`` only when given; by period, agreement, basis, clause."""
        ...


class ClaimRepository(Protocol):
    """Claims on suppliers (``core.model.claims``): one per ledger line of an underpinning
    contract (``Claim.key``)."""

    def add(self, claim: Claim) -> Claim:
        """Store a new claim; it comes back with its id. A claim of the same key stored by
        someone else is a ``ConflictError`` (at once or at commit)."""
        ...

    def replace(self, claim: Claim) -> Claim:
        """Store a changed claim over the one of its id, which this unit of work has read; a
        ``ConflictError`` (at once or at commit) when someone else changed or deleted it since."""
        ...

    def get(self, claim_id: int) -> Claim | None: ...

    def delete(self, claim_id: int) -> None:
        """Remove a claim; removing one that is gone changes nothing."""
        ...

    def list(
        self,
        *,
        statuses: Collection[ClaimStatus] | None = None,
        periods: Collection[str] | None = None,
        agreement: str | None = None,
        supplier: str | None = None,
    ) -> list[Claim]:
        """Claims of the ``statuses`` and ``periods`` (all when ``None``), of one ``agreement`` or
        ``supplier``; by period, agreement, basis, clause."""
        ...


class ProposalRepository(Protocol):
    """Proposals for change (``core.model.proposal``): one per period, kind, agreement and
    objective (``Proposal.key``)."""

    def add(self, proposal: Proposal) -> Proposal:
        """Store a new proposal; it comes back with its id. One of the same key stored by someone
        else is a ``ConflictError`` (at once or at commit)."""
        ...

    def replace(self, proposal: Proposal) -> Proposal:
        """Store a changed proposal over the one of its id, which this unit of work has read; a
        ``ConflictError`` (at once or at commit) when someone else changed or deleted it since."""
        ...

    def get(self, proposal_id: int) -> Proposal | None: ...

    def delete(self, proposal_id: int) -> None:
        """Remove a proposal; removing one that is gone changes nothing."""
        ...

    def list(
        self,
        *,
        period: str | None = None,
        statuses: Collection[ProposalStatus] | None = None,
        agreements: Collection[str] | None = None,
    ) -> list[Proposal]:
        """Proposals of ``period`` and ``statuses`` (all when ``None``), of ``agreements`` only
        when given; by id."""
        ...


class ServiceCostRepository(Protocol):
    """What each service cost in each month, one amount per service and month."""

    def put(self, costs: Sequence[ServiceCost]) -> int:
        """Store the amounts, replacing those of the same service and month; how many changed
        (an amount stored again as it was changes nothing)."""
        ...

    def list(self, *, periods: Collection[str] | None = None, service: str | None = None) -> list[ServiceCost]:
        """Costs of the ``periods`` (all when ``None``), by period then service."""
        ...


class CostRows(Protocol):
    """What a costs file gave: the costs in order with the line of each, and the problems."""

    costs: list[ServiceCost]
    lines: list[int]
    problems: list[Problem]
    rows: int


class CostReader(Protocol):
    """Reads what services cost per month (``sources/costs.py``): every row, every problem."""

    def read(self, source: BinaryIO, name: str) -> CostRows: ...


class UnitOfWork(Protocol):
    """One transaction: everything done through it is committed together or not at all."""

    catalogue: CatalogueRepository
    audit: AuditLog
    measurements: MeasurementRepository
    evaluations: EvaluationRepository
    tokens: TokenRepository
    tickets: TicketRepository
    jobs: JobRepository
    users: UserRepository
    web_sessions: WebSessionRepository
    probe_results: ProbeResultRepository
    alerts: AlertRepository
    notifications: NotificationRepository
    reviews: ReviewRepository
    actions: ActionRepository
    period_closes: PeriodCloseRepository
    negotiation: NegotiationLog
    credits: CreditLedger
    costs: ServiceCostRepository
    proposals: ProposalRepository
    claims: ClaimRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""
        ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


class CalendarExpander(Protocol):
    """Calendars as instants: what a pure clock or mask needs from holidays and rules."""

    def service_intervals(
        self, calendar: Calendar, start: int, end: int
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Service hours overlapping ``[start, end)`` (epoch seconds) as merged ``[s, e)`` intervals."""
        ...

    def excluded_intervals(
        self, calendar: Calendar, start: int, end: int
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Agreed maintenance overlapping ``[start, end)`` as merged intervals."""
        ...

    def closed_days(
        self, calendar: Calendar, first: dt.date, last: dt.date
    ) -> dict[dt.date, tuple[TimeRange, ...] | None]:
        """Days from ``first`` to ``last`` that differ from the weekly hours: ``None`` when closed,
        else that day's hours (a partial day)."""
        ...


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware."""
        ...


@dataclass(frozen=True)
class LoadedObject:
    """A catalogue object read from a document, with where it was defined."""

    obj: CatalogueObject
    location: Location
    # Where a field of the object's spec (a path such as ``versions[0].objectives[1].indicator``)
    # is written, when the reader knows; used to point reference problems at their line.
    locate: Callable[[str], Location] | None = field(default=None, compare=False, repr=False)

    def location_of(self, spec_field: str) -> Location:
        return self.locate(spec_field) if self.locate is not None else self.location


@dataclass(frozen=True)
class Imported:
    """What a foreign format (OpenSLO, Sloth) gave: the objects, and every field slmo could
    not represent, by name, so that nothing is dropped in silence."""

    objects: list[LoadedObject]
    unrepresented: list[Problem] = field(default_factory=list)


class SpecCodec(Protocol):
    """slmo's own document format (``apiVersion: slmo/v1``)."""

    def load_paths(self, paths: Sequence[str]) -> list[LoadedObject]:
        """Every object in the files (directories are walked for .yaml/.yml/.json files).

        Raises SpecError listing every problem found, each with file:line:column and field.
        """
        ...

    def load_text(self, text: str, source: str) -> list[LoadedObject]: ...

    def dump(self, objects: Sequence[CatalogueObject]) -> str:
        """YAML that ``load_text`` reads back to equal objects."""
        ...

    def dump_one(self, obj: CatalogueObject) -> dict[str, Any]:
        """One object as its document (a plain mapping)."""
        ...

    def json_schema(self) -> dict[str, Any]: ...


class ForeignFormat(Protocol):
    """A document format slmo imports from and exports to."""

    name: str

    def load_paths(self, paths: Sequence[str]) -> Imported: ...

    def dump(self, objects: Sequence[CatalogueObject]) -> str: ...


class TicketRepository(Protocol):
    """Service-desk tickets with their status histories, by id."""

    def put(self, tickets: Sequence[Ticket]) -> int:
        """Store tickets, merged by id and update sequence with what is held (idempotent);
        the number that changed."""
        ...

    def get(self, ticket_id: str) -> Ticket | None: ...

    def list(self, *, service: str | None = None, opened_before: dt.datetime | None = None) -> list[Ticket]:
        """Tickets, by opening then id."""
        ...


class TicketRows(Protocol):
    """What a ticket export gave: tickets grouped by id, and the problems of bad rows."""

    tickets: list[Ticket]
    problems: list[Problem]
    rows: int
    rejected: int


class TicketReader(Protocol):
    """Reads ticket exports (``slmo.sources.tickets``) through a preset or a mapping file."""

    def presets(self) -> list[str]: ...

    def read(
        self,
        source: BinaryIO,
        name: str,
        *,
        preset: str | None,
        mapping: str | None,
        now_epoch: int,
        tz: str | None,
        service: str | None,
        known_priorities: Sequence[str] | None,
    ) -> TicketRows: ...


class MetricReader(Protocol):
    """Reads named queries from a metrics store at regular instants (``sources/prometheus.py``)."""

    def instants(
        self, source: DataSource, queries: Mapping[str, str], start: int, end: int, step: int
    ) -> dict[str, NDArray[np.float64]]:
        """Each query's value at ``start``, ``start + step`` ... ``end`` inclusive, NaN where the
        store had none; all queries evaluated together. ``SourceError`` when it cannot answer."""
        ...


class Notifier(Protocol):
    """Delivers one message to a notification URL (``notify/``: apprise)."""

    def send(self, target: str, title: str, body: str) -> str | None:
        """Send ``title`` and ``body`` to ``target`` (an apprise URL: ``mailto://``,
        ``json://``, ``slack://`` ...); ``None`` when it was delivered, else the reason it was
        not, without the URL's secrets. A failed delivery is a result, never an exception."""
        ...


class Prober(Protocol):
    """Makes one check of a probe (``sources/probing.py``)."""

    def check(self, probe: ProbeSpec, at: dt.datetime) -> ProbeResult:
        """The check made now, recorded as made at ``at``: a target that is down, slow or
        wrong is a result with ``up=False`` and its reason, never an exception. Raises
        ``SourceError`` only when the check cannot be made at all (a CA file that is missing)."""
        ...


class ReportRenderer(Protocol):
    """Lays out a period report (``render/report_html.py``, ``render/report_pdf.py``) in one
    language: a self-contained HTML file, or a PDF made from the same HTML."""

    def html(self, report: Report, lang: str) -> str: ...

    def pdf(self, report: Report, lang: str) -> bytes: ...


class TrendTester(Protocol):
    """Tests a series of per-period values for a monotonic trend and finds its step changes
    (``forecasting/trends.py``: Mann–Kendall, Theil–Sen, PELT and Mann–Whitney U)."""

    def analyse(self, series: TrendSeries, *, alpha: float, method: TrendMethod) -> TrendAnalysis:
        """The trend test of ``series`` (``None`` with fewer than ``MIN_VALUES`` values) and the
        step changes significant at ``alpha``, oldest first. Pure: no I/O, no state."""
        ...


class DemandForecaster(Protocol):
    """Forecasts counts per hour or day with their daily and weekly seasonality
    (``forecasting/demand.py``: statsmodels)."""

    def forecast(self, history: DemandHistory, horizon: int) -> DemandForecast:
        """The ``horizon`` steps after ``history``, from it alone, with 80 and 95 % intervals;
        counts never negative. A history too short for the model gets the seasonal-naive
        forecast with empirical intervals (``method`` and ``note`` say so); one with no count
        at all gets zeros. Pure: no I/O, no state."""
        ...
