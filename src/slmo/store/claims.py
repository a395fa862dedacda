"""Claims on suppliers: the ``ClaimRepository`` port over SQLAlchemy.

One ``supplier_claims`` row per ledger line of an underpinning contract (agreement, period,
basis and clause: a unique key), with the columns queries filter on, the amount as decimal text,
the filing deadline as an instant and as the last day, and a revision as the mapper's version
counter: a claim filed, accepted or paid by someone else meanwhile makes a write based on the
older revision a conflict. The row class lives here, registered on ``Base.metadata`` (the
migrations' ``env.py`` imports this module for it; revision 0016 creates the table).
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Collection
from decimal import Decimal

from sqlalchemy import Date, Index, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from slmo.core.model.claims import Claim, ClaimStatus
from slmo.core.model.ledger import CreditBasis
from slmo.errors import ConflictError
from slmo.store.columns import UtcDateTime
from slmo.store.documents import as_utc
from slmo.store.failures import session_url, translated
from slmo.store.ledger import AMOUNT_LENGTH, PERIOD_LENGTH
from slmo.store.schema import NAME_LENGTH, Base

REFERENCE_LENGTH = 255
REASON_LENGTH = 2000


class ClaimRow(Base):
    __tablename__ = "supplier_claims"
    __table_args__ = (UniqueConstraint("agreement", "period", "basis", "clause"), Index(None, "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement: Mapped[str] = mapped_column(String(NAME_LENGTH))
    supplier: Mapped[str] = mapped_column(String(NAME_LENGTH))
    period: Mapped[str] = mapped_column(String(PERIOD_LENGTH))
    basis: Mapped[str] = mapped_column(String(16))
    clause: Mapped[str] = mapped_column(String(NAME_LENGTH))
    amount: Mapped[str] = mapped_column(String(AMOUNT_LENGTH))
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    deadline: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    file_by: Mapped[dt.date | None] = mapped_column(Date(), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(REFERENCE_LENGTH), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(REASON_LENGTH), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    filed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    filed_by: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    accepted_by: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    paid_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    paid_by: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    revision: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - SQLAlchemy reads it as a plain dict

    def __repr__(self) -> str:
        return f"ClaimRow({self.agreement} {self.period} {self.basis}/{self.clause}: {self.amount} {self.status})"


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else as_utc(value)


def claim_of(row: ClaimRow) -> Claim:
    return Claim(
        id=row.id,
        agreement=row.agreement,
        supplier=row.supplier,
        period=row.period,
        basis=CreditBasis(row.basis),
        clause=row.clause,
        amount=Decimal(row.amount),
        currency=row.currency,
        deadline=row.deadline,
        file_by=row.file_by,
        status=ClaimStatus(row.status),
        reference=row.reference,
        reason=row.reason,
        created_at=row.created_at,
        filed_at=row.filed_at,
        filed_by=row.filed_by,
        accepted_at=row.accepted_at,
        accepted_by=row.accepted_by,
        paid_at=row.paid_at,
        paid_by=row.paid_by,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        revision=row.revision,
    )


def _fill(row: ClaimRow, claim: Claim) -> None:
    row.agreement, row.supplier, row.period = claim.agreement, claim.supplier, claim.period
    row.basis, row.clause = claim.basis.value, claim.clause
    row.amount, row.currency = str(claim.amount), claim.currency
    row.deadline, row.file_by = _utc(claim.deadline), claim.file_by
    row.status, row.reference, row.reason = claim.status.value, claim.reference, claim.reason
    row.created_at = as_utc(claim.created_at)
    row.filed_at, row.filed_by = _utc(claim.filed_at), claim.filed_by
    row.accepted_at, row.accepted_by = _utc(claim.accepted_at), claim.accepted_by
    row.paid_at, row.paid_by = _utc(claim.paid_at), claim.paid_by
    row.closed_at, row.closed_by = _utc(claim.closed_at), claim.closed_by


class SqlClaimRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, claim: Claim) -> Claim:
        with translated(session_url(self._session), "storing a claim"):
            row = ClaimRow()
            _fill(row, claim)
            self._session.add(row)
            self._session.flush()
            return claim_of(row)

    def replace(self, claim: Claim) -> Claim:
        doing = f"storing claim {claim.id}"
        with translated(session_url(self._session), doing):
            row = None if claim.id is None else self._session.get(ClaimRow, claim.id)
            if row is None or row.revision != claim.revision:
                raise ConflictError(
                    f"{doing}: it was changed or deleted by someone else meanwhile; read it again and retry",
                    key="error.store.stale",
                )
            _fill(row, claim)
            self._session.flush()
            return claim_of(row)

    def get(self, claim_id: int) -> Claim | None:
        with translated(session_url(self._session), "reading a claim"):
            row = self._session.get(ClaimRow, claim_id)
            return None if row is None else claim_of(row)

    def delete(self, claim_id: int) -> None:
        with translated(session_url(self._session), "deleting a claim"):
            row = self._session.get(ClaimRow, claim_id)
            if row is not None:
                self._session.delete(row)
                self._session.flush()

    def list(
        self,
        *,
        statuses: Collection[ClaimStatus] | None = None,
        periods: Collection[str] | None = None,
        agreement: str | None = None,
        supplier: str | None = None,
    ) -> builtins.list[Claim]:
        query = select(ClaimRow)
        if statuses is not None:
            query = query.where(ClaimRow.status.in_(sorted(s.value for s in statuses)))
        if periods is not None:
            query = query.where(ClaimRow.period.in_(sorted(periods)))
        if agreement is not None:
            query = query.where(ClaimRow.agreement == agreement)
        if supplier is not None:
            query = query.where(ClaimRow.supplier == supplier)
        query = query.order_by(ClaimRow.period, ClaimRow.agreement, ClaimRow.basis, ClaimRow.clause)
        with translated(session_url(self._session), "reading claims"):
            return [claim_of(row) for row in self._session.scalars(query)]
