"""One transaction over the database, as the ``UnitOfWork`` port.

A unit of work owns one session from construction to ``__exit__``. Nothing is written
until ``commit``; leaving the ``with`` block rolls back whatever was not committed, so
an exception inside it (or simply forgetting to commit) leaves the database as it was.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

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
    TicketRepository,
    TokenRepository,
    UserRepository,
    WebSessionRepository,
)
from slmo.store.alerts import SqlAlertRepository, SqlNotificationRepository
from slmo.store.auth import SqlTokenRepository, SqlUserRepository, SqlWebSessionRepository
from slmo.store.claims import SqlClaimRepository
from slmo.store.documents import utc_now
from slmo.store.evaluations import SqlEvaluationRepository
from slmo.store.failures import session_url, translated
from slmo.store.jobs import SqlJobRepository
from slmo.store.ledger import SqlCreditLedger, SqlServiceCostRepository
from slmo.store.measurements import SqlMeasurementRepository
from slmo.store.negotiation import SqlNegotiationLog
from slmo.store.period_closes import SqlPeriodCloseRepository
from slmo.store.probes import SqlProbeResultRepository
from slmo.store.proposals import SqlProposalRepository
from slmo.store.repositories import Now, SqlAuditLog, SqlCatalogueRepository
from slmo.store.reviews import SqlActionRepository, SqlReviewRepository
from slmo.store.tickets import SqlTicketRepository

logger = logging.getLogger(__name__)


class SqlUnitOfWork:
    """Use as ``with factory() as uow: ...; uow.commit()``.

    The session is created here but connects only when first used, so building a unit of
    work costs nothing. A unit of work may commit more than once; each commit ends one
    transaction and the next use begins another.
    """

    # Declared with the ports' types: the Protocol's attributes are settable, so mypy
    # holds them invariant and the concrete repository types would not match.
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

    def __init__(self, session_factory: sessionmaker[Session], *, now: Now = utc_now) -> None:
        self._session = session_factory()
        self._url = session_url(self._session)
        self._catalogue = SqlCatalogueRepository(self._session, now=now)
        self.catalogue = self._catalogue
        self._audit = SqlAuditLog(self._session)
        self.audit = self._audit
        self.measurements = SqlMeasurementRepository(self._session)
        self.evaluations = SqlEvaluationRepository(self._session)
        self.tokens = SqlTokenRepository(self._session)
        self.tickets = SqlTicketRepository(self._session)
        self.jobs = SqlJobRepository(self._session)
        self.users = SqlUserRepository(self._session)
        self.web_sessions = SqlWebSessionRepository(self._session)
        self.probe_results = SqlProbeResultRepository(self._session)
        self.alerts = SqlAlertRepository(self._session)
        self.notifications = SqlNotificationRepository(self._session)
        self.reviews = SqlReviewRepository(self._session)
        self.actions = SqlActionRepository(self._session)
        self.period_closes = SqlPeriodCloseRepository(self._session)
        self.negotiation = SqlNegotiationLog(self._session)
        self.credits = SqlCreditLedger(self._session)
        self.costs = SqlServiceCostRepository(self._session)
        self.proposals = SqlProposalRepository(self._session)
        self.claims = SqlClaimRepository(self._session)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        except Exception:
            # The original exception (if any) matters more than a failed rollback, which
            # the database does anyway when the connection goes.
            logger.warning("rolling back a unit of work on %s failed", self._url, exc_info=True)
        finally:
            self._session.close()

    def commit(self) -> None:
        try:
            with translated(self._url, "committing"):
                # The audit entries are chained last, right before the commit (``SqlAuditLog``).
                self._audit.seal()
                self._session.commit()
        finally:
            self._catalogue.release()

    def rollback(self) -> None:
        try:
            with translated(self._url, "rolling back"):
                self._audit.discard()
                self._session.rollback()
        finally:
            self._catalogue.release()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine)


def unit_of_work_factory(engine: Engine, *, now: Now = utc_now) -> Callable[[], SqlUnitOfWork]:
    """What bootstrap hands the services as their ``UnitOfWorkFactory``."""
    return functools.partial(SqlUnitOfWork, make_session_factory(engine), now=now)
