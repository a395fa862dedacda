"""Closed periods (``core.model.period_close``) over SQLAlchemy: the ``PeriodCloseRepository``
port. One row per agreement, objective and period (a unique key: a period is closed once),
never updated; each row is a link of the ``periods`` hash chain (``store.chains``), made in
the transaction that stores it. The evaluation is kept whole as its document.

The row class lives here, registered on ``Base.metadata`` (the migrations' ``env.py`` imports
this module for it).
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import Index, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from slmo.core.model.chain import CLOSES_CHAIN, ChainHead, ChainLink, close_content
from slmo.core.model.period_close import ClosedFigure, ClosedPeriod
from slmo.core.model.results import EvaluationStatus
from slmo.store.chains import HASH_LENGTH, append_link, read_head
from slmo.store.columns import UtcDateTime, json_document
from slmo.store.documents import as_utc, evaluation_document, evaluation_from, stored_number
from slmo.store.failures import session_url, translated
from slmo.store.schema import NAME_LENGTH, Base

PERIOD_LENGTH = 16


class PeriodCloseRow(Base):
    __tablename__ = "period_closes"
    __table_args__ = (
        UniqueConstraint("agreement", "objective", "period"),
        UniqueConstraint("seq"),
        Index(None, "objective"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement: Mapped[str] = mapped_column(String(NAME_LENGTH))
    objective: Mapped[str] = mapped_column(String(NAME_LENGTH))
    period: Mapped[str] = mapped_column(String(PERIOD_LENGTH))
    closed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    document: Mapped[dict[str, Any]] = mapped_column(json_document())
    seq: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH))

    def __repr__(self) -> str:
        return f"PeriodCloseRow({self.agreement}/{self.objective} {self.period})"


def closed_of(row: PeriodCloseRow) -> ClosedPeriod:
    return ClosedPeriod(
        id=row.id,
        agreement=row.agreement,
        objective=row.objective,
        period=row.period,
        closed_at=row.closed_at,
        record=evaluation_from(row.document),
        seq=row.seq,
    )


_STATUSES = {s.value: s for s in EvaluationStatus}


def _budget(value: float | str | None) -> float | None:
    """A budget left as the database extracts it: a number (SQLite), its text (PostgreSQL), or
    the text of the document a non-finite number is stored as."""
    if value is None or isinstance(value, (float, int)):
        return value
    try:
        return float(value)
    except ValueError:
        return stored_number(json.loads(value))


def content_of(row: PeriodCloseRow, seq: int) -> dict[str, Any]:
    return close_content(seq, row.agreement, row.objective, row.period, row.closed_at, row.document)


class SqlPeriodCloseRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, closed: ClosedPeriod) -> ClosedPeriod | None:
        """Store a closed period, chained; ``None`` (nothing stored) when that period of that
        objective is closed already."""
        with translated(session_url(self._session), f"closing {closed.key} {closed.period}"):
            if self.get(closed.agreement, closed.objective, closed.period) is not None:
                return None
            row = PeriodCloseRow(
                agreement=closed.agreement,
                objective=closed.objective,
                period=closed.period,
                closed_at=as_utc(closed.closed_at),
                document=evaluation_document(closed.record),
            )
            row.seq, row.prev_hash, row.hash = append_link(
                self._session, CLOSES_CHAIN, lambda seq: content_of(row, seq)
            )
            self._session.add(row)
            self._session.flush()
            return closed_of(row)

    def get(self, agreement: str, objective: str, period: str) -> ClosedPeriod | None:
        statement = select(PeriodCloseRow).where(
            PeriodCloseRow.agreement == agreement,
            PeriodCloseRow.objective == objective,
            PeriodCloseRow.period == period,
        )
        with translated(session_url(self._session), "reading closed periods"):
            row = self._session.scalars(statement).one_or_none()
        return None if row is None else closed_of(row)

    def list(
        self,
        *,
        agreement: str | None = None,
        objective: str | None = None,
        periods: Collection[str] | None = None,
        after: int = 0,
    ) -> builtins.list[ClosedPeriod]:
        """Closed periods in the order they were closed (of ``periods``, past position ``after``)."""
        statement = select(PeriodCloseRow).order_by(PeriodCloseRow.seq)
        if agreement is not None:
            statement = statement.where(PeriodCloseRow.agreement == agreement)
        if objective is not None:
            statement = statement.where(PeriodCloseRow.objective == objective)
        if periods is not None:
            statement = statement.where(PeriodCloseRow.period.in_(sorted(periods)))
        if after:
            statement = statement.where(PeriodCloseRow.seq > after)
        with translated(session_url(self._session), "reading closed periods"):
            return [closed_of(row) for row in self._session.scalars(statement)]

    def figures(self, *, periods: Collection[str] | None = None, after: int = 0) -> builtins.list[ClosedFigure]:
        """Two values out of each document, extracted by the database (SQLite's ``json_extract``,
        PostgreSQL's ``->``): decoding whole records is what makes reading thousands slow."""
        row = PeriodCloseRow
        inner = row.document["evaluation"]
        statement = select(
            row.agreement,
            row.objective,
            row.period,
            row.seq,
            inner["status"].as_string(),
            inner["budget_left"].as_string(),
        ).order_by(row.seq)
        if periods is not None:
            statement = statement.where(row.period.in_(sorted(periods)))
        if after:
            statement = statement.where(row.seq > after)
        with translated(session_url(self._session), "reading closed periods"):
            return [
                ClosedFigure(
                    agreement=agreement,
                    objective=objective,
                    period=period,
                    seq=seq,
                    status=_STATUSES[status],
                    budget_left=_budget(budget),
                )
                for agreement, objective, period, seq, status, budget in self._session.execute(statement)
            ]

    def chain(self) -> Iterator[ChainLink]:
        statement = select(PeriodCloseRow).order_by(PeriodCloseRow.seq).execution_options(yield_per=1000)
        with translated(session_url(self._session), "reading the closed periods' chain"):
            rows = self._session.scalars(statement)
            try:
                for row in rows:
                    yield ChainLink(row.seq, row.id, content_of(row, row.seq), row.prev_hash, row.hash)
            finally:
                rows.close()

    def chain_head(self) -> ChainHead:
        with translated(session_url(self._session), "reading the closed periods' chain"):
            return read_head(self._session, CLOSES_CHAIN)
