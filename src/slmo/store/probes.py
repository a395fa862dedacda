"""Probe results: the ``ProbeResultRepository`` port over SQLAlchemy, and its in-memory fake.

One row per check, keyed by indicator and instant. The buckets of the indicator (in the
measurement store) are what availability is computed from; these rows keep what a bucket
cannot: each check's latency and why it was down, for people to read. The row class lives
here, registered on ``Base.metadata`` (the migrations' ``env.py`` imports this module for it).
"""

from __future__ import annotations

import builtins
import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Boolean, Float, Index, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from slmo.core.model.probe import ProbeReason, ProbeReasonCode, ProbeResult
from slmo.store.columns import UtcDateTime, json_document
from slmo.store.documents import as_utc
from slmo.store.failures import session_url, translated
from slmo.store.schema import NAME_LENGTH, Base


class ProbeResultRow(Base):
    __tablename__ = "probe_results"
    __table_args__ = (Index(None, "indicator", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    indicator: Mapped[str] = mapped_column(String(NAME_LENGTH))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    up: Mapped[bool] = mapped_column(Boolean)
    latency_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    reason_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason_args: Mapped[dict[str, Any] | None] = mapped_column(json_document(none_as_null=True), nullable=True)
    certificate_expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    def __repr__(self) -> str:
        return f"ProbeResultRow({self.indicator} at {self.at}: {'up' if self.up else 'down'})"


def _result(row: ProbeResultRow) -> ProbeResult:
    reason = None
    if row.reason_code is not None:
        reason = ProbeReason(ProbeReasonCode(row.reason_code), row.reason or "", dict(row.reason_args or {}))
    return ProbeResult(
        at=row.at,
        up=row.up,
        latency_ms=row.latency_ms,
        reason=reason,
        certificate_expires_at=row.certificate_expires_at,
    )


def _row(indicator: str, result: ProbeResult) -> ProbeResultRow:
    reason = result.reason
    return ProbeResultRow(
        indicator=indicator,
        at=as_utc(result.at),
        up=result.up,
        latency_ms=result.latency_ms,
        reason_code=None if reason is None else reason.code.value,
        reason=None if reason is None else reason.message,
        reason_args=None if reason is None else dict(reason.args),
        certificate_expires_at=None if result.certificate_expires_at is None else as_utc(result.certificate_expires_at),
    )


class SqlProbeResultRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, indicator: str, result: ProbeResult) -> None:
        with translated(session_url(self._session), "storing a probe result"):
            self._session.add(_row(indicator, result))
            self._session.flush()

    def list(
        self, indicator: str, *, start: dt.datetime | None = None, end: dt.datetime | None = None
    ) -> builtins.list[ProbeResult]:
        query = select(ProbeResultRow).where(ProbeResultRow.indicator == indicator)
        if start is not None:
            query = query.where(ProbeResultRow.at >= as_utc(start))
        if end is not None:
            query = query.where(ProbeResultRow.at < as_utc(end))
        with translated(session_url(self._session), "reading probe results"):
            return [_result(r) for r in self._session.scalars(query.order_by(ProbeResultRow.at, ProbeResultRow.id))]

    def latest(self, indicator: str) -> ProbeResult | None:
        query = (
            select(ProbeResultRow)
            .where(ProbeResultRow.indicator == indicator)
            .order_by(ProbeResultRow.at.desc(), ProbeResultRow.id.desc())
            .limit(1)
        )
        with translated(session_url(self._session), "reading probe results"):
            row = self._session.scalars(query).first()
        return None if row is None else _result(row)

    def prune(self, indicator: str, before: dt.datetime) -> int:
        statement = delete(ProbeResultRow).where(
            ProbeResultRow.indicator == indicator, ProbeResultRow.at < as_utc(before)
        )
        with translated(session_url(self._session), "deleting old probe results"):
            return int(getattr(self._session.execute(statement), "rowcount", 0) or 0)


@dataclass
class StoredProbes:
    """The in-memory store's probe results, per indicator, in the order added."""

    results: dict[str, list[ProbeResult]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class MemoryProbeResultRepository:
    """Adds and prunes wait for the unit of work's commit, as the SQL store's do."""

    def __init__(self, stored: StoredProbes) -> None:
        self._stored = stored
        self.pending: builtins.list[tuple[str, ProbeResult]] = []
        self.pruned: builtins.list[tuple[str, dt.datetime]] = []

    def add(self, indicator: str, result: ProbeResult) -> None:
        self.pending.append((indicator, result))

    def _visible(self, indicator: str) -> builtins.list[ProbeResult]:
        with self._stored.lock:
            held = builtins.list(self._stored.results.get(indicator, []))
        held += [r for name, r in self.pending if name == indicator]
        for name, before in self.pruned:
            if name == indicator:
                held = [r for r in held if as_utc(r.at) >= before]
        return sorted(held, key=lambda r: as_utc(r.at))

    def list(
        self, indicator: str, *, start: dt.datetime | None = None, end: dt.datetime | None = None
    ) -> builtins.list[ProbeResult]:
        low = None if start is None else as_utc(start)
        high = None if end is None else as_utc(end)
        return [
            r
            for r in self._visible(indicator)
            if (low is None or as_utc(r.at) >= low) and (high is None or as_utc(r.at) < high)
        ]

    def latest(self, indicator: str) -> ProbeResult | None:
        found = self._visible(indicator)
        return found[-1] if found else None

    def prune(self, indicator: str, before: dt.datetime) -> int:
        cut = as_utc(before)
        gone = sum(1 for r in self._visible(indicator) if as_utc(r.at) < cut)
        self.pruned.append((indicator, cut))
        return gone

    def commit(self) -> None:
        """Apply the pending adds and prunes (the caller holds the store's lock)."""
        with self._stored.lock:
            for indicator, result in self.pending:
                self._stored.results.setdefault(indicator, []).append(result)
            for indicator, before in self.pruned:
                kept = [r for r in self._stored.results.get(indicator, []) if as_utc(r.at) >= before]
                self._stored.results[indicator] = kept
        self.rollback()

    def rollback(self) -> None:
        self.pending.clear()
        self.pruned.clear()
