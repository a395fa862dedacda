"""The credits ledger and the costs of services: the ``CreditLedger`` and
``ServiceCostRepository`` ports over SQLAlchemy.

One ``credits`` row per agreement, period, basis and clause (a unique key), with the columns
queries filter on, the amount as decimal text and the calculation whole as a document. Its
``revision`` is the mapper's version counter: recomputing a period reads the lines and replaces
the computed ones, and a line confirmed or paid by someone else in the meantime makes that
write a conflict instead of turning it back into a computed one. One ``service_costs`` row per
service and month. The row classes live here, registered on ``Base.metadata`` (the migrations'
``env.py`` imports this module for them; revision 0015 creates the tables).
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, Index, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from slmo.core.model.ledger import CreditAmount, CreditBasis, CreditEntry, CreditStatus, ServiceCost
from slmo.errors import ConflictError
from slmo.store.columns import UtcDateTime, json_document
from slmo.store.documents import as_utc, utc_now
from slmo.store.failures import session_url, translated
from slmo.store.ledger_documents import calculation_document, calculation_of
from slmo.store.schema import NAME_LENGTH, Base

PERIOD_LENGTH = 16
AMOUNT_LENGTH = 40


class CreditRow(Base):
    __tablename__ = "credits"
    __table_args__ = (UniqueConstraint("agreement", "period", "basis", "clause"), Index(None, "period"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement: Mapped[str] = mapped_column(String(NAME_LENGTH))
    period: Mapped[str] = mapped_column(String(PERIOD_LENGTH))
    basis: Mapped[str] = mapped_column(String(16))
    clause: Mapped[str] = mapped_column(String(NAME_LENGTH))
    version: Mapped[int] = mapped_column(Integer)
    objective: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    attainment: Mapped[float | None] = mapped_column(Float, nullable=True)
    amount: Mapped[str | None] = mapped_column(String(AMOUNT_LENGTH), nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    covered: Mapped[list[str]] = mapped_column(json_document())
    calculation: Mapped[dict[str, Any]] = mapped_column(json_document())
    computed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    confirmed_by: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    paid_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    paid_by: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    revision: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - SQLAlchemy reads it as a plain dict

    def __repr__(self) -> str:
        return f"CreditRow({self.agreement} {self.period} {self.basis}/{self.clause}: {self.amount} {self.status})"


class ServiceCostRow(Base):
    __tablename__ = "service_costs"

    service: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    period: Mapped[str] = mapped_column(String(PERIOD_LENGTH), primary_key=True)
    amount: Mapped[str] = mapped_column(String(AMOUNT_LENGTH))
    currency: Mapped[str] = mapped_column(String(3))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())

    def __repr__(self) -> str:
        return f"ServiceCostRow({self.service} {self.period}: {self.amount} {self.currency})"


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else as_utc(value)


def entry_of(row: CreditRow) -> CreditEntry:
    basis = CreditBasis(row.basis)
    return CreditEntry(
        id=row.id,
        agreement=row.agreement,
        period=row.period,
        basis=basis,
        clause=row.clause,
        version=row.version,
        objective=row.objective,
        attainment=row.attainment,
        amount=None if row.amount is None else Decimal(row.amount),
        currency=row.currency,
        calculation=calculation_of(basis, row.calculation),
        covered=tuple(row.covered),
        status=CreditStatus(row.status),
        computed_at=row.computed_at,
        confirmed_at=row.confirmed_at,
        confirmed_by=row.confirmed_by,
        paid_at=row.paid_at,
        paid_by=row.paid_by,
        revision=row.revision,
    )


def _fill(row: CreditRow, entry: CreditEntry) -> None:
    row.agreement, row.period, row.basis, row.clause = entry.agreement, entry.period, entry.basis.value, entry.clause
    row.version, row.objective, row.attainment = entry.version, entry.objective, entry.attainment
    row.amount = None if entry.amount is None else str(entry.amount)
    row.currency, row.status = entry.currency, entry.status.value
    row.covered, row.calculation = list(entry.covered), calculation_document(entry)
    row.computed_at = as_utc(entry.computed_at)
    row.confirmed_at, row.confirmed_by = _utc(entry.confirmed_at), entry.confirmed_by
    row.paid_at, row.paid_by = _utc(entry.paid_at), entry.paid_by


class SqlCreditLedger:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, entry: CreditEntry) -> CreditEntry:
        with translated(session_url(self._session), "storing a credit"):
            row = CreditRow()
            _fill(row, entry)
            self._session.add(row)
            self._session.flush()
            return entry_of(row)

    def replace(self, entry: CreditEntry) -> CreditEntry:
        doing = f"storing credit {entry.id}"
        with translated(session_url(self._session), doing):
            row = None if entry.id is None else self._session.get(CreditRow, entry.id)
            if row is None or row.revision != entry.revision:
                raise ConflictError(
                    f"{doing}: it was changed or deleted by someone else meanwhile; read it again and retry",
                    key="error.store.stale",
                )
            _fill(row, entry)
            self._session.flush()
            return entry_of(row)

    def get(self, entry_id: int) -> CreditEntry | None:
        with translated(session_url(self._session), "reading a credit"):
            row = self._session.get(CreditRow, entry_id)
            return None if row is None else entry_of(row)

    def delete(self, entry_id: int) -> None:
        with translated(session_url(self._session), "deleting a credit"):
            row = self._session.get(CreditRow, entry_id)
            if row is not None:
                self._session.delete(row)
                self._session.flush()

    def list(
        self,
        *,
        periods: Collection[str] | None = None,
        agreement: str | None = None,
        agreements: Collection[str] | None = None,
    ) -> builtins.list[CreditEntry]:
        query = select(CreditRow)
        if periods is not None:
            query = query.where(CreditRow.period.in_(sorted(periods)))
        if agreement is not None:
            query = query.where(CreditRow.agreement == agreement)
        if agreements is not None:
            query = query.where(CreditRow.agreement.in_(sorted(agreements)))
        query = query.order_by(CreditRow.period, CreditRow.agreement, CreditRow.basis, CreditRow.clause)
        with translated(session_url(self._session), "reading credits"):
            return [entry_of(row) for row in self._session.scalars(query)]

    def amounts(self, *, periods: Collection[str] | None = None) -> builtins.list[CreditAmount]:
        row = CreditRow
        query = select(row.agreement, row.period, row.amount, row.currency, row.status)
        if periods is not None:
            query = query.where(row.period.in_(sorted(periods)))
        query = query.order_by(row.period, row.agreement, row.basis, row.clause)
        with translated(session_url(self._session), "reading credits"):
            return [
                CreditAmount(
                    agreement=agreement,
                    period=period,
                    amount=None if amount is None else Decimal(amount),
                    currency=currency,
                    status=CreditStatus(status),
                )
                for agreement, period, amount, currency, status in self._session.execute(query)
            ]


class SqlServiceCostRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, costs: Sequence[ServiceCost]) -> int:
        changed = 0
        with translated(session_url(self._session), "storing service costs"):
            for cost in costs:
                row = self._session.get(ServiceCostRow, (cost.service, cost.period))
                amount = str(cost.amount)
                if row is None:
                    row = ServiceCostRow(service=cost.service, period=cost.period)
                    self._session.add(row)
                elif Decimal(row.amount) == cost.amount and row.currency == cost.currency:
                    continue
                row.amount, row.currency = amount, cost.currency
                row.updated_at = as_utc(cost.updated_at) if cost.updated_at is not None else utc_now()
                changed += 1
            self._session.flush()
        return changed

    def list(self, *, periods: Collection[str] | None = None, service: str | None = None) -> builtins.list[ServiceCost]:
        query = select(ServiceCostRow)
        if periods is not None:
            query = query.where(ServiceCostRow.period.in_(sorted(periods)))
        if service is not None:
            query = query.where(ServiceCostRow.service == service)
        query = query.order_by(ServiceCostRow.period, ServiceCostRow.service)
        with translated(session_url(self._session), "reading service costs"):
            return [
                ServiceCost(
                    service=r.service,
                    period=r.period,
                    amount=Decimal(r.amount),
                    currency=r.currency,
                    updated_at=r.updated_at,
                )
                for r in self._session.scalars(query)
            ]
