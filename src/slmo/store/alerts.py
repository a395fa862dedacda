"""Alerts and the notifications outbox: the ``AlertRepository`` and ``NotificationRepository``
ports over SQLAlchemy (the in-memory fakes are in ``memory_alerts``).

One open alert per objective and tier is the database's own rule: ``open_tier`` holds the
tier while the alert is open and NULL once resolved, under a unique key with the agreement and
the objective (NULLs never collide, on SQLite as on PostgreSQL), so two workers can never
open the same alert twice. ``revision`` is the mapper's version counter: a change based on a
revision that another transaction has since changed matches no row, and is a conflict.

The row classes live here, registered on ``Base.metadata`` (the migrations' ``env.py``
imports this module for them).
"""

from __future__ import annotations

import builtins
import datetime as dt
import math
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from slmo.core.model.alerts import (
    Alert,
    AlertStatus,
    DeliveryAttempt,
    DeliveryStatus,
    Notification,
    NotificationEvent,
)
from slmo.errors import ConflictError
from slmo.store.columns import UtcDateTime, json_document
from slmo.store.documents import as_utc
from slmo.store.failures import session_url, translated
from slmo.store.schema import NAME_LENGTH, Base

TIER_LENGTH = 64
KEY_LENGTH = 1024
# Errors are kept for people to read, not whole tracebacks.
ERROR_LENGTH = 2000


class AlertRow(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("agreement", "objective", "open_tier"),
        Index(None, "state", "opened_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement: Mapped[str] = mapped_column(String(NAME_LENGTH))
    objective: Mapped[str] = mapped_column(String(NAME_LENGTH))
    service: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    tier: Mapped[str] = mapped_column(String(TIER_LENGTH))
    open_tier: Mapped[str | None] = mapped_column(String(TIER_LENGTH), nullable=True)
    state: Mapped[str] = mapped_column(String(16))
    level: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    reasons: Mapped[list[str]] = mapped_column(json_document())
    burn_rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    burn_window: Mapped[str | None] = mapped_column(String(16), nullable=True)
    budget_left: Mapped[float | None] = mapped_column(Float, nullable=True)
    revision: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - SQLAlchemy reads it as a plain dict

    def __repr__(self) -> str:
        return f"AlertRow({self.id} {self.agreement}/{self.objective} {self.tier}: {self.state})"


class NotificationRow(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("key"),
        Index(None, "subject"),
        Index(None, "alert_id"),
        Index(None, "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    subject: Mapped[str] = mapped_column(String(KEY_LENGTH))
    alert_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("alerts.id"), nullable=True)
    event: Mapped[str] = mapped_column(String(32))
    agreement: Mapped[str] = mapped_column(String(NAME_LENGTH))
    objective: Mapped[str] = mapped_column(String(NAME_LENGTH))
    recipient: Mapped[str] = mapped_column(String(KEY_LENGTH))
    target: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    history: Mapped[list[dict[str, Any]]] = mapped_column(json_document())

    def __repr__(self) -> str:
        return f"NotificationRow({self.id} {self.event} to {self.recipient}: {self.status})"


def _utc(at: dt.datetime | None) -> dt.datetime | None:
    return None if at is None else as_utc(at)


def alert_of(row: AlertRow) -> Alert:
    return Alert(
        id=row.id,
        agreement=row.agreement,
        objective=row.objective,
        service=row.service,
        tier=row.tier,
        state=AlertStatus(row.state),
        level=row.level,
        opened_at=row.opened_at,
        last_seen_at=row.last_seen_at,
        escalated_at=row.escalated_at,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        resolved_at=row.resolved_at,
        reasons=tuple(row.reasons or ()),
        burn_rate=row.burn_rate,
        burn_window=row.burn_window,
        budget_left=row.budget_left,
        revision=row.revision,
    )


def _finite(value: float | None) -> float | None:
    # NaN and infinities are no figures to keep (SQLite turns NaN into NULL anyway).
    return value if value is not None and math.isfinite(value) else None


def _fill(row: AlertRow, alert: Alert) -> None:
    row.agreement = alert.agreement
    row.objective = alert.objective
    row.service = alert.service
    row.tier = alert.tier
    row.open_tier = alert.tier if alert.open else None
    row.state = alert.state.value
    row.level = alert.level
    row.opened_at = as_utc(alert.opened_at)
    row.last_seen_at = as_utc(alert.last_seen_at)
    row.escalated_at = _utc(alert.escalated_at)
    row.acknowledged_at = _utc(alert.acknowledged_at)
    row.acknowledged_by = alert.acknowledged_by
    row.resolved_at = _utc(alert.resolved_at)
    row.reasons = list(alert.reasons)
    row.burn_rate = _finite(alert.burn_rate)
    row.burn_window = alert.burn_window
    row.budget_left = _finite(alert.budget_left)


def history_document(history: Sequence[DeliveryAttempt]) -> list[dict[str, Any]]:
    return [{"at": as_utc(a.at).isoformat(), "error": a.error} for a in history]


def history_of(document: Sequence[dict[str, Any]] | None) -> tuple[DeliveryAttempt, ...]:
    return tuple(
        DeliveryAttempt(at=dt.datetime.fromisoformat(item["at"]), error=item.get("error")) for item in document or ()
    )


def notification_of(row: NotificationRow) -> Notification:
    return Notification(
        id=row.id,
        key=row.key,
        subject=row.subject,
        alert_id=row.alert_id,
        event=NotificationEvent(row.event),
        agreement=row.agreement,
        objective=row.objective,
        recipient=row.recipient,
        target=row.target,
        lang=row.lang,
        title=row.title,
        body=row.body,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
        history=history_of(row.history),
    )


def _notification_row(n: Notification) -> NotificationRow:
    return NotificationRow(
        key=n.key,
        subject=n.subject,
        alert_id=n.alert_id,
        event=n.event.value,
        agreement=n.agreement,
        objective=n.objective,
        recipient=n.recipient,
        target=n.target,
        lang=n.lang,
        title=n.title,
        body=n.body,
        status=n.status.value,
        attempts=n.attempts,
        last_error=None if n.last_error is None else n.last_error[:ERROR_LENGTH],
        created_at=as_utc(n.created_at),
        next_attempt_at=_utc(n.next_attempt_at),
        sent_at=_utc(n.sent_at),
        history=history_document(n.history),
    )


class SqlAlertRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, alert: Alert) -> Alert:
        row = AlertRow()
        _fill(row, alert)
        with translated(session_url(self._session), "storing an alert"):
            self._session.add(row)
            self._session.flush()
        return alert_of(row)

    def update(self, alert: Alert) -> Alert:
        if alert.id is None:
            raise ValueError("an alert must be stored before it is changed")
        with translated(session_url(self._session), "changing an alert"):
            row = self._session.get(AlertRow, alert.id, populate_existing=True)
            if row is None or row.revision != alert.revision:
                raise ConflictError(
                    f"alert {alert.id} was changed by someone else meanwhile; read it again and retry",
                    key="error.store.stale",
                )
            _fill(row, alert)
            self._session.flush()
        return alert_of(row)

    def get(self, alert_id: int) -> Alert | None:
        with translated(session_url(self._session), "reading an alert"):
            row = self._session.get(AlertRow, alert_id, populate_existing=True)
        return None if row is None else alert_of(row)

    def open_for(self, agreement: str, objective: str) -> builtins.list[Alert]:
        query = (
            select(AlertRow)
            .where(AlertRow.agreement == agreement, AlertRow.objective == objective, AlertRow.open_tier.is_not(None))
            .order_by(AlertRow.tier)
            .execution_options(populate_existing=True)
        )
        with translated(session_url(self._session), "reading alerts"):
            return [alert_of(r) for r in self._session.scalars(query)]

    def list(
        self,
        *,
        states: Collection[AlertStatus] | None = None,
        agreement: str | None = None,
        objective: str | None = None,
        agreements: Collection[str] | None = None,
    ) -> builtins.list[Alert]:
        query = select(AlertRow).execution_options(populate_existing=True)
        if states is not None:
            query = query.where(AlertRow.state.in_([s.value for s in states]))
        if agreement is not None:
            query = query.where(AlertRow.agreement == agreement)
        if objective is not None:
            query = query.where(AlertRow.objective == objective)
        if agreements is not None:
            query = query.where(AlertRow.agreement.in_(builtins.list(agreements)))
        query = query.order_by(AlertRow.opened_at.desc(), AlertRow.id.desc())
        with translated(session_url(self._session), "reading alerts"):
            return [alert_of(r) for r in self._session.scalars(query)]


class SqlNotificationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, notifications: Sequence[Notification]) -> int:
        if not notifications:
            return 0
        keys = [n.key for n in notifications]
        with translated(session_url(self._session), "queueing notifications"):
            # The job that queues them holds the objective's lease, so no one else queues
            # the same keys meanwhile; the unique key stays the last word.
            held = set(self._session.scalars(select(NotificationRow.key).where(NotificationRow.key.in_(keys))))
            fresh: dict[str, Notification] = {}
            for n in notifications:
                if n.key not in held:
                    fresh.setdefault(n.key, n)
            self._session.add_all([_notification_row(n) for n in fresh.values()])
            self._session.flush()
        return len(fresh)

    def told(self, subject: str) -> bool:
        with translated(session_url(self._session), "reading notifications"):
            found = self._session.scalars(
                select(NotificationRow.id).where(NotificationRow.subject == subject).limit(1)
            ).first()
        return found is not None

    def due(self, now: dt.datetime, limit: int) -> builtins.list[Notification]:
        query = (
            select(NotificationRow)
            .where(
                NotificationRow.status == DeliveryStatus.PENDING.value, NotificationRow.next_attempt_at <= as_utc(now)
            )
            .order_by(NotificationRow.next_attempt_at, NotificationRow.id)
            .limit(limit)
            .execution_options(populate_existing=True)
        )
        with translated(session_url(self._session), "reading notifications"):
            return [notification_of(r) for r in self._session.scalars(query)]

    def record(self, notification: Notification) -> None:
        if notification.id is None:
            raise ValueError("a notification must be queued before an attempt is recorded")
        with translated(session_url(self._session), "recording a delivery"):
            row = self._session.get(NotificationRow, notification.id, populate_existing=True)
            if row is None:
                raise ConflictError(f"notification {notification.id} is gone", key="error.store.stale")
            row.status = notification.status.value
            row.attempts = notification.attempts
            row.last_error = None if notification.last_error is None else notification.last_error[:ERROR_LENGTH]
            row.next_attempt_at = _utc(notification.next_attempt_at)
            row.sent_at = _utc(notification.sent_at)
            row.history = history_document(notification.history)
            self._session.flush()

    def list(
        self, *, alert_id: int | None = None, status: DeliveryStatus | None = None, limit: int | None = None
    ) -> builtins.list[Notification]:
        query = select(NotificationRow).execution_options(populate_existing=True)
        if alert_id is not None:
            query = query.where(NotificationRow.alert_id == alert_id)
        if status is not None:
            query = query.where(NotificationRow.status == status.value)
        if limit is not None:
            query = query.order_by(NotificationRow.id.desc()).limit(limit)
        with translated(session_url(self._session), "reading notifications"):
            rows = [notification_of(r) for r in self._session.scalars(query)]
        return sorted(rows, key=lambda n: n.id or 0)
