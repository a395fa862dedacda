"""Proposals for change: the ``ProposalRepository`` port over SQLAlchemy.

One ``proposals`` row per period, kind, agreement and objective (a unique key; ``subject`` is
the objective's name, empty when the proposal is about the whole agreement), with the columns
queries filter on and the proposal whole as a document (its change, evidence and effect). Its
``revision`` is the mapper's version counter: drafting a period again reads the proposals and
replaces the drafts, and one accepted or rejected by someone else meanwhile makes that write a
conflict instead of turning it back into a draft. The row class lives here, registered on
``Base.metadata`` (the migrations' ``env.py`` imports this module for it; revision 0018 creates
the table).
"""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import Index, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from slmo.core.model.plain import from_plain
from slmo.core.model.proposal import Proposal, ProposalStatus
from slmo.errors import ConflictError
from slmo.store.columns import UtcDateTime, json_document
from slmo.store.documents import as_utc
from slmo.store.failures import session_url, translated
from slmo.store.proposal_documents import normalised, proposal_document
from slmo.store.schema import NAME_LENGTH, Base

PERIOD_LENGTH = 16
KIND_LENGTH = 32


class ProposalRow(Base):
    __tablename__ = "proposals"
    __table_args__ = (UniqueConstraint("period", "kind", "agreement", "subject"), Index(None, "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(String(PERIOD_LENGTH))
    kind: Mapped[str] = mapped_column(String(KIND_LENGTH))
    agreement: Mapped[str] = mapped_column(String(NAME_LENGTH))
    subject: Mapped[str] = mapped_column(String(NAME_LENGTH))
    status: Mapped[str] = mapped_column(String(16))
    document: Mapped[dict[str, Any]] = mapped_column(json_document())
    drafted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    revision: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - SQLAlchemy reads it as a plain dict

    def __repr__(self) -> str:
        return f"ProposalRow({self.id}: {self.period} {self.kind} {self.agreement}/{self.subject} {self.status})"


def proposal_of(row: ProposalRow) -> Proposal:
    return normalised(dataclasses.replace(from_plain(Proposal, row.document), id=row.id, revision=row.revision))


def _fill(row: ProposalRow, proposal: Proposal) -> None:
    row.period, row.kind, row.agreement = proposal.period, proposal.kind.value, proposal.agreement
    row.subject, row.status = proposal.objective or "", proposal.status.value
    row.document = proposal_document(proposal)
    row.drafted_at = as_utc(proposal.drafted_at)
    row.decided_at = None if proposal.decided_at is None else as_utc(proposal.decided_at)


class SqlProposalRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, proposal: Proposal) -> Proposal:
        with translated(session_url(self._session), "storing a proposal"):
            row = ProposalRow()
            _fill(row, proposal)
            self._session.add(row)
            self._session.flush()
            return proposal_of(row)

    def replace(self, proposal: Proposal) -> Proposal:
        doing = f"storing proposal {proposal.id}"
        with translated(session_url(self._session), doing):
            row = None if proposal.id is None else self._session.get(ProposalRow, proposal.id)
            if row is None or row.revision != proposal.revision:
                raise ConflictError(
                    f"{doing}: it was changed or deleted by someone else meanwhile; read it again and retry",
                    key="error.store.stale",
                )
            _fill(row, proposal)
            self._session.flush()
            return proposal_of(row)

    def get(self, proposal_id: int) -> Proposal | None:
        with translated(session_url(self._session), "reading a proposal"):
            row = self._session.get(ProposalRow, proposal_id)
            return None if row is None else proposal_of(row)

    def delete(self, proposal_id: int) -> None:
        with translated(session_url(self._session), "deleting a proposal"):
            row = self._session.get(ProposalRow, proposal_id)
            if row is not None:
                self._session.delete(row)
                self._session.flush()

    def list(
        self,
        *,
        period: str | None = None,
        statuses: Collection[ProposalStatus] | None = None,
        agreements: Collection[str] | None = None,
    ) -> builtins.list[Proposal]:
        query = select(ProposalRow)
        if period is not None:
            query = query.where(ProposalRow.period == period)
        if statuses is not None:
            query = query.where(ProposalRow.status.in_(sorted(s.value for s in statuses)))
        if agreements is not None:
            query = query.where(ProposalRow.agreement.in_(sorted(agreements)))
        query = query.order_by(ProposalRow.id)
        with translated(session_url(self._session), "reading proposals"):
            return [proposal_of(row) for row in self._session.scalars(query)]
