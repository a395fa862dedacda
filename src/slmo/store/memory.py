"""In-memory implementations of the store's ports, for tests of the use cases.

They keep what the database keeps (plain documents, revisions, audit entries) and behave
as the SQL store does where a use case could tell the difference:

- nothing is visible to other units of work until ``commit``; ``__exit__`` rolls back;
- reads see what others committed (read committed), and an object once read in a unit of
  work stays as read, as SQLAlchemy's identity map keeps it;
- changing or deleting an object that someone else changed or deleted since this unit of
  work read it is a ``ConflictError``, as the database's revision check makes it; so is
  committing the creation of an object someone else created first (the unique key);
- objects go through ``to_plain``/``from_plain``, so a fake never hands back the very
  instance it was given, and an object that would not survive the database fails here too.

Measurements are in ``memory_measurements``: the SQL store's own chunks, in dictionaries.
Evaluations are kept as the documents the database keeps.

No SQLAlchemy is imported, so unit tests stay fast.
"""

from __future__ import annotations

import builtins
import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from slmo.core.model.audit import AuditEntry
from slmo.core.model.auth import Token
from slmo.core.model.chain import ChainHead, ChainLink
from slmo.core.model.kinds import CatalogueObject
from slmo.core.model.results import ObjectiveEvaluation
from slmo.core.ports import (
    ActionRepository,
    AlertRepository,
    AuditLog,
    CatalogueRepository,
    ClaimRepository,
    CreditLedger,
    EvaluationRepository,
    JobRepository,
    MeasurementRepository,
    NegotiationLog,
    NotificationRepository,
    PeriodCloseRepository,
    ProbeResultRepository,
    ProposalRepository,
    ReviewRepository,
    ServiceCostRepository,
    StoredEvaluation,
    TicketRepository,
    TokenRepository,
    UserRepository,
    WebSessionRepository,
)
from slmo.errors import ConflictError
from slmo.store.auth import MemoryTokenRepository
from slmo.store.documents import (
    as_utc,
    document_of,
    evaluation_document,
    evaluation_from,
    object_from,
    sort_key,
    stored_audit_entry,
)
from slmo.store.jobs import MemoryJobRepository, StoredJobs
from slmo.store.memory_alerts import MemoryAlertRepository, MemoryNotificationRepository, StoredAlerts
from slmo.store.memory_auth import MemoryUserRepository, MemoryWebSessionRepository, StoredAuth
from slmo.store.memory_claims import MemoryClaimRepository, StoredClaims
from slmo.store.memory_ledger import MemoryCreditLedger, MemoryServiceCostRepository, StoredLedger
from slmo.store.memory_measurements import MemoryMeasurementRepository, PendingMeasurements, StoredMeasurements
from slmo.store.memory_negotiation import MemoryNegotiationLog, StoredNegotiation
from slmo.store.memory_proposals import MemoryProposalRepository, StoredProposals
from slmo.store.memory_records import (
    MemoryActionRepository,
    MemoryPeriodCloseRepository,
    MemoryReviewRepository,
    StoredRecords,
    audit_head,
)
from slmo.store.memory_tickets import MemoryTicketRepository, StoredTickets
from slmo.store.probes import MemoryProbeResultRepository, StoredProbes

Key = tuple[str, str]
# An evaluation's key: agreement, objective and instant (UTC).
EvaluationKey = tuple[str, str, dt.datetime]


@dataclass(frozen=True)
class _Stored:
    """A row: ``row_id`` tells a re-created object from the one deleted before it."""

    document: dict[str, Any]
    revision: int
    row_id: int


@dataclass
class MemoryStore:
    """What the units of work share, like a database: the committed state. One per test."""

    objects: dict[Key, _Stored] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    measurements: StoredMeasurements = field(default_factory=StoredMeasurements)
    # Each evaluation as (id, document): the id orders records of one instant as the
    # database's does, and is kept when the record is replaced.
    evaluations: dict[EvaluationKey, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    tickets: StoredTickets = field(default_factory=StoredTickets)
    jobs: StoredJobs = field(default_factory=StoredJobs)
    auth: StoredAuth = field(default_factory=StoredAuth)
    probes: StoredProbes = field(default_factory=StoredProbes)
    alerts: StoredAlerts = field(default_factory=StoredAlerts)
    records: StoredRecords = field(default_factory=StoredRecords)
    negotiation: StoredNegotiation = field(default_factory=StoredNegotiation)
    ledger: StoredLedger = field(default_factory=StoredLedger)
    proposals: StoredProposals = field(default_factory=StoredProposals)
    claims: StoredClaims = field(default_factory=StoredClaims)
    last_id: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def unit_of_work(self) -> MemoryUnitOfWork:
        """A new unit of work over this store: the ``UnitOfWorkFactory`` to hand the services."""
        return MemoryUnitOfWork(self)

    def next_id(self) -> int:
        # Like a database sequence: ids are taken when used and not given back on
        # rollback, so they grow but may have gaps.
        with self.lock:
            self.last_id += 1
            return self.last_id


class _Transaction:
    """The uncommitted state of one unit of work."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.changes: dict[Key, _Stored | None] = {}  # None: deleted
        self.bases: dict[Key, _Stored | None] = {}  # what the first write of a key replaced
        self.seen: dict[Key, _Stored] = {}  # rows as first read: SQLAlchemy's identity map
        self.audit: list[AuditEntry] = []
        self.measurements = PendingMeasurements()
        self.evaluations: dict[EvaluationKey, tuple[int, dict[str, Any]]] = {}

    def read(self, key: Key) -> _Stored | None:
        """Whether the object exists is asked of the committed state every time (as a query
        is); an object already read keeps the content it was read with."""
        if key in self.changes:
            return self.changes[key]
        current = self.store.objects.get(key)
        if current is None:
            return None
        seen = self.seen.get(key)
        if seen is not None and seen.row_id == current.row_id:
            return seen
        self.seen[key] = current
        return current

    def write(self, key: Key, base: _Stored | None, new: _Stored | None) -> None:
        if key not in self.changes:
            # The database checks a write when it is flushed, at the call; do the same.
            self.bases[key] = base
            self.check(key)
        self.changes[key] = new

    def check(self, key: Key) -> None:
        """Refuse a write whose base is no longer what is committed: an insert of an object
        that now exists (the unique key), or a change of one that was changed or deleted
        since it was read (the revision check)."""
        base, committed = self.bases[key], self.store.objects.get(key)
        kind, name = key
        if base is None and committed is not None:
            raise ConflictError(
                f"storing {kind}/{name}: it was created by someone else meanwhile", key="error.store.integrity"
            )
        if base is not None and (
            committed is None or (committed.row_id, committed.revision) != (base.row_id, base.revision)
        ):
            raise ConflictError(
                f"storing {kind}/{name}: the object was changed or deleted by someone else meanwhile; "
                "read it again and retry",
                key="error.store.stale",
            )

    def clear(self) -> None:
        self.changes.clear()
        self.bases.clear()
        self.seen.clear()
        self.audit.clear()
        self.measurements.clear()
        self.evaluations.clear()


def _revision(stored: _Stored | None) -> int | None:
    return None if stored is None else stored.revision


class MemoryCatalogueRepository:
    def __init__(self, transaction: _Transaction) -> None:
        self._tx = transaction

    def get(self, kind: str, name: str) -> CatalogueObject | None:
        stored = self._tx.read((kind, name))
        return None if stored is None else object_from(kind, name, stored.document)

    def list(self, kind: str | None = None) -> builtins.list[CatalogueObject]:
        with self._tx.store.lock:
            keys = set(self._tx.store.objects) | set(self._tx.changes)
        found: builtins.list[tuple[Key, _Stored]] = []
        for key in sorted(keys, key=lambda k: sort_key(*k)):
            if kind is not None and key[0] != kind:
                continue
            stored = self._tx.read(key)
            if stored is not None:
                found.append((key, stored))
        return [object_from(k, n, stored.document) for (k, n), stored in found]

    def put(self, obj: CatalogueObject) -> None:
        kind, document = document_of(obj)
        key = (kind, obj.name)
        current = self._tx.read(key)
        if current is None:
            new = _Stored(document, 1, self._tx.store.next_id())
        elif current.document == document:
            return
        else:
            new = _Stored(document, current.revision + 1, current.row_id)
        self._tx.write(key, current, new)

    def delete(self, kind: str, name: str) -> None:
        """Remove the object; removing one that is absent changes nothing."""
        key = (kind, name)
        current = self._tx.read(key)
        if current is not None:
            self._tx.write(key, current, None)

    def revision(self, kind: str, name: str) -> int | None:
        key = (kind, name)
        if key in self._tx.changes:
            return _revision(self._tx.changes[key])
        return _revision(self._tx.store.objects.get(key))

    def fingerprint(self) -> tuple[int, ...]:
        with self._tx.store.lock:
            visible: dict[Key, _Stored | None] = dict(self._tx.store.objects)
        visible.update(self._tx.changes)
        rows = [stored for stored in visible.values() if stored is not None]
        return (len(rows), max((r.row_id for r in rows), default=0), sum(r.revision for r in rows))


class MemoryAuditLog:
    def __init__(self, transaction: _Transaction) -> None:
        self._tx = transaction

    def record(self, entry: AuditEntry) -> None:
        self._tx.audit.append(stored_audit_entry(entry, entry_id=self._tx.store.next_id()))

    def last_id(self) -> int:
        with self._tx.store.lock:
            everything = [*self._tx.store.audit, *self._tx.audit]
        return max((e.id or 0 for e in everything), default=0)

    def chain(self) -> Iterator[ChainLink]:
        with self._tx.store.lock:
            committed = list(self._tx.store.audit)
        return self._tx.store.records.audit_chain(committed)

    def chain_head(self) -> ChainHead:
        return audit_head(self._tx.store.records)

    def list(
        self, *, kind: str | None = None, name: str | None = None, limit: int | None = None, offset: int = 0
    ) -> builtins.list[AuditEntry]:
        """Entries oldest first; with ``limit``, the latest ``limit`` of them past the newest
        ``offset`` (still oldest first)."""
        if (limit is not None and limit < 0) or offset < 0:
            raise ValueError(f"limit and offset must not be negative: {limit}, {offset}")
        with self._tx.store.lock:
            everything = [*self._tx.store.audit, *self._tx.audit]
        entries = [e for e in everything if (kind is None or e.kind == kind) and (name is None or e.name == name)]
        entries.sort(key=lambda e: (e.at, e.id or 0))
        if limit is not None:
            entries = entries[: max(len(entries) - offset, 0)]
            entries = entries[len(entries) - limit :] if limit else []
        return entries


class MemoryEvaluationRepository:
    def __init__(self, transaction: _Transaction) -> None:
        self._tx = transaction

    def add(self, evaluations: Sequence[ObjectiveEvaluation]) -> int:
        """Store the records, each replacing one of the same agreement, objective and instant;
        the number stored (repeats in ``evaluations`` count once, the last one kept)."""
        keys: set[EvaluationKey] = set()
        for record in evaluations:
            document = evaluation_document(record)
            key = (record.agreement, record.evaluation.objective, as_utc(record.evaluation.at))
            held = self._tx.evaluations.get(key)
            if held is None:
                with self._tx.store.lock:
                    held = self._tx.store.evaluations.get(key)
            row_id = held[0] if held is not None else self._tx.store.next_id()
            self._tx.evaluations[key] = (row_id, document)
            keys.add(key)
        return len(keys)

    def list(
        self,
        *,
        agreement: str | None = None,
        objective: str | None = None,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> builtins.list[ObjectiveEvaluation]:
        """Records with ``start <= at < end``, oldest first; with ``limit``, the newest ``limit``
        past the newest ``offset``."""
        if (limit is not None and limit < 0) or offset < 0:
            raise ValueError(f"limit and offset must not be negative: {limit}, {offset}")
        low = None if start is None else as_utc(start)
        high = None if end is None else as_utc(end)
        with self._tx.store.lock:
            everything = dict(self._tx.store.evaluations)
        everything.update(self._tx.evaluations)
        found = sorted(
            (at, row_id, document)
            for (a, o, at), (row_id, document) in everything.items()
            if (agreement is None or a == agreement)
            and (objective is None or o == objective)
            and (low is None or at >= low)
            and (high is None or at < high)
        )
        if limit is not None:
            found = found[: max(len(found) - offset, 0)]
            found = found[len(found) - limit :] if limit else []
        return [evaluation_from(document) for _, _, document in found]

    def _visible(self) -> dict[EvaluationKey, tuple[int, dict[str, Any]]]:
        with self._tx.store.lock:
            everything = dict(self._tx.store.evaluations)
        everything.update(self._tx.evaluations)
        return everything

    def last_id(self) -> int:
        return max((row_id for row_id, _ in self._visible().values()), default=0)

    def latest(
        self, *, start: dt.datetime, end: dt.datetime, after: int = 0, upto: int | None = None
    ) -> builtins.list[StoredEvaluation]:
        low, high = as_utc(start), as_utc(end)
        newest: dict[tuple[str, str], tuple[dt.datetime, int, dict[str, Any]]] = {}
        for (a, o, at), (row_id, document) in self._visible().items():
            if not (low <= at < high and row_id > after and (upto is None or row_id <= upto)):
                continue
            held = newest.get((a, o))
            if held is None or at > held[0]:
                newest[a, o] = (at, row_id, document)
        return [StoredEvaluation(row_id, evaluation_from(document)) for _, row_id, document in newest.values()]


class MemoryUnitOfWork:
    """A unit of work over a ``MemoryStore``, with the SQL store's commit semantics."""

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

    def __init__(self, store: MemoryStore | None = None) -> None:
        self.store = store if store is not None else MemoryStore()
        self._tx = _Transaction(self.store)
        self.catalogue = MemoryCatalogueRepository(self._tx)
        self.audit = MemoryAuditLog(self._tx)
        self.measurements = MemoryMeasurementRepository(self.store.measurements, self._tx.measurements, self.store.lock)
        self.evaluations = MemoryEvaluationRepository(self._tx)
        self._tokens = MemoryTokenRepository(self.store.tokens, self.store.lock)
        self.tokens = self._tokens
        self._tickets = MemoryTicketRepository(self.store.tickets)
        self.tickets = self._tickets
        self._users = MemoryUserRepository(self.store.auth)
        self.users = self._users
        self._web_sessions = MemoryWebSessionRepository(self.store.auth, self._users)
        self.web_sessions = self._web_sessions
        self._jobs = MemoryJobRepository(self.store.jobs)
        self.jobs = self._jobs
        self._probe_results = MemoryProbeResultRepository(self.store.probes)
        self.probe_results = self._probe_results
        self._alerts = MemoryAlertRepository(self.store.alerts)
        self.alerts = self._alerts
        self._notifications = MemoryNotificationRepository(self.store.alerts)
        self.notifications = self._notifications
        self._reviews = MemoryReviewRepository(self.store.records)
        self.reviews = self._reviews
        self._actions = MemoryActionRepository(self.store.records)
        self.actions = self._actions
        self._period_closes = MemoryPeriodCloseRepository(self.store.records)
        self.period_closes = self._period_closes
        self._negotiation = MemoryNegotiationLog(self.store.negotiation)
        self.negotiation = self._negotiation
        self._credits = MemoryCreditLedger(self.store.ledger)
        self.credits = self._credits
        self._costs = MemoryServiceCostRepository(self.store.ledger)
        self.costs = self._costs
        self._proposals = MemoryProposalRepository(self.store.proposals)
        self.proposals = self._proposals
        self._claims = MemoryClaimRepository(self.store.claims)
        self.claims = self._claims

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        tx, db = self._tx, self.store
        with db.lock:
            # All or nothing: every write is checked before any is applied.
            for key in tx.changes:
                tx.check(key)
            self._users.check()
            self._alerts.check()
            self._actions.check()
            self._period_closes.check()
            self._negotiation.check()
            self._credits.check()
            self._proposals.check()
            self._claims.check()
            for key, stored in tx.changes.items():
                if stored is None:
                    db.objects.pop(key, None)
                else:
                    db.objects[key] = stored
            db.audit.extend(tx.audit)
            db.records.link_audit(tx.audit)
            tx.measurements.commit_into(db.measurements)
            for evaluation_key, (row_id, document) in tx.evaluations.items():
                # Someone else may have stored the same key meanwhile: the upsert keeps their row.
                held = db.evaluations.get(evaluation_key)
                db.evaluations[evaluation_key] = (row_id if held is None else held[0], document)
            self._tokens.commit()
            self._tickets.commit()
            self._users.commit()
            self._web_sessions.commit()
            self._jobs.commit()
            self._probe_results.commit()
            self._alerts.commit()
            self._notifications.commit()
            with db.records.lock:
                self._reviews.commit()
                self._actions.commit()
                self._period_closes.commit()
            self._negotiation.commit()
            self._credits.commit()
            self._costs.commit()
            self._proposals.commit()
            self._claims.commit()
        tx.clear()

    def rollback(self) -> None:
        self._tx.clear()
        self._tokens.pending.clear()
        self._tickets.rollback()
        self._users.rollback()
        self._web_sessions.rollback()
        self._jobs.rollback()
        self._probe_results.rollback()
        self._alerts.rollback()
        self._notifications.rollback()
        self._reviews.rollback()
        self._actions.rollback()
        self._period_closes.rollback()
        self._negotiation.rollback()
        self._credits.rollback()
        self._costs.rollback()
        self._proposals.rollback()
        self._claims.rollback()
