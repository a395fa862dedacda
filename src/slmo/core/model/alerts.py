"""Alerts as records: one per objective and tier while it fires, with its life cycle
(``firing -> acknowledged -> resolved``, or ``firing -> resolved``), and the notifications
that tell people about it (an outbox: one row per event and recipient).

The decision that a tier fires is the engine's (``core.engine.alert_rules``); these are what
the services keep of it. ``docs/alerting.md`` section 7 has the rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

# An alert left firing unacknowledged this long moves to the next contact level, unless its
# policy says otherwise (``AlertPolicy.escalate_after_seconds``).
DEFAULT_ESCALATE_SECONDS = 30 * 60


class AlertStatus(StrEnum):
    FIRING = "firing"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


@dataclass(frozen=True, kw_only=True)
class Alert:
    """One alert of one objective's tier. ``level`` is the contact level told so far (1 first,
    raised by escalation); ``reasons`` the names of the signals that were active when it was
    last seen (``burn 1h/5m``, ``budget < 25%``); ``burn_rate`` the fastest burn rate over
    the windows of those signals (``burn_window``), and ``budget_left`` the share of the
    window's budget left, both when last seen. ``revision`` grows with every change (an
    optimistic lock: a change based on an older revision is a conflict). ``id`` is ``None``
    until stored."""

    id: int | None = None
    agreement: str
    objective: str
    service: str | None = None
    tier: str
    state: AlertStatus = AlertStatus.FIRING
    level: int = 1
    opened_at: dt.datetime
    last_seen_at: dt.datetime
    escalated_at: dt.datetime | None = None
    acknowledged_at: dt.datetime | None = None
    acknowledged_by: str | None = None
    resolved_at: dt.datetime | None = None
    reasons: tuple[str, ...] = ()
    burn_rate: float | None = None
    burn_window: str | None = None
    budget_left: float | None = None
    revision: int = 0

    @property
    def key(self) -> str:
        """``agreement/objective``, as jobs and commands name objectives."""
        return f"{self.agreement}/{self.objective}"

    @property
    def open(self) -> bool:
        return self.state is not AlertStatus.RESOLVED


class NotificationEvent(StrEnum):
    FIRING = "firing"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    TICKET_WARNING = "ticket_warning"
    REVIEW_DUE = "review_due"
    REVIEW_OVERDUE = "review_overdue"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True)
class DeliveryAttempt:
    """One try at delivering a notification: when, and the reason when it failed."""

    at: dt.datetime
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, kw_only=True)
class Notification:
    """One message to one recipient about one event, written in the same transaction as the
    change it tells of, then delivered (and retried) by the ``notify`` job.

    ``subject`` names the event (``alert:12:firing:1``, ``ticket:desk/resolution:T1:75``);
    ``key`` is the subject and the recipient, unique, so an event is never queued twice for
    one recipient. ``target`` is the apprise URL it goes to (it may hold secrets: never shown
    whole); ``title`` and ``body`` are rendered in ``lang`` when queued, so every retry sends
    the same text."""

    id: int | None = None
    key: str
    subject: str
    alert_id: int | None = None
    event: NotificationEvent
    agreement: str
    objective: str
    recipient: str
    target: str
    lang: str = "en"
    title: str
    body: str
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    last_error: str | None = None
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None = None
    sent_at: dt.datetime | None = None
    history: tuple[DeliveryAttempt, ...] = ()

    @property
    def channel(self) -> str:
        """The target without anything that may be secret: its scheme (``mailto``, ``slack``)."""
        scheme, sep, _ = self.target.partition("://")
        return scheme if sep else "?"
