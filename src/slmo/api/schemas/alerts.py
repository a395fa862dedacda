"""Alerts and their notifications over the API: the keys of ``slmo alerts --json``, instants
as ``isoformat()`` text to the second. A notification's target is never shown whole (it may
hold a token or a password): only its channel, the URL's scheme."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from slmo.core.model.alerts import Alert, Notification


def _iso(at: dt.datetime | None) -> str | None:
    return None if at is None else at.isoformat(timespec="seconds")


class AlertPublic(BaseModel):
    id: int
    objective: str = Field(description="AGREEMENT/OBJECTIVE")
    agreement: str
    name: str = Field(description="The objective's name in its agreement.")
    service: str | None
    tier: str = Field(description="page, ticket, or a severity of the objective's alert policy")
    state: str = Field(description="firing, acknowledged or resolved")
    level: int = Field(description="The contact level told so far (1 first, raised by escalation).")
    opened_at: str | None
    last_seen_at: str | None
    escalated_at: str | None
    acknowledged_at: str | None
    acknowledged_by: str | None
    resolved_at: str | None
    reasons: list[str] = Field(description="The active signals when last seen: burn 1h/5m, budget < 25% ...")
    burn_rate: float | None
    burn_window: str | None
    budget_left: float | None = Field(description="A fraction of the window's budget; negative when overspent.")


class AlertPage(BaseModel):
    items: list[AlertPublic]
    total: int = Field(description="Alerts matching the filter, over every page.")
    limit: int
    offset: int


def alert_public(alert: Alert) -> AlertPublic:
    assert alert.id is not None
    return AlertPublic(
        id=alert.id,
        objective=alert.key,
        agreement=alert.agreement,
        name=alert.objective,
        service=alert.service,
        tier=alert.tier,
        state=alert.state.value,
        level=alert.level,
        opened_at=_iso(alert.opened_at),
        last_seen_at=_iso(alert.last_seen_at),
        escalated_at=_iso(alert.escalated_at),
        acknowledged_at=_iso(alert.acknowledged_at),
        acknowledged_by=alert.acknowledged_by,
        resolved_at=_iso(alert.resolved_at),
        reasons=list(alert.reasons),
        burn_rate=alert.burn_rate,
        burn_window=alert.burn_window,
        budget_left=alert.budget_left,
    )


class AttemptPublic(BaseModel):
    at: str | None
    error: str | None = Field(description="Why it was not delivered; null when it was.")


class NotificationPublic(BaseModel):
    id: int
    event: str = Field(description="firing, escalated, resolved or ticket_warning")
    recipient: str = Field(description="PARTY/CONTACT, or target/NAME for a policy's notification target")
    channel: str = Field(description="The target URL's scheme (mailto, json, slack ...); the URL is never shown.")
    lang: str
    title: str
    body: str
    status: str = Field(description="pending, sent or failed")
    attempts: int
    last_error: str | None
    created_at: str | None
    next_attempt_at: str | None
    sent_at: str | None
    history: list[AttemptPublic]


class NotificationPage(BaseModel):
    items: list[NotificationPublic]
    total: int
    limit: int
    offset: int


def notification_public(n: Notification) -> NotificationPublic:
    assert n.id is not None
    return NotificationPublic(
        id=n.id,
        event=n.event.value,
        recipient=n.recipient,
        channel=n.channel,
        lang=n.lang,
        title=n.title,
        body=n.body,
        status=n.status.value,
        attempts=n.attempts,
        last_error=n.last_error,
        created_at=_iso(n.created_at),
        next_attempt_at=_iso(n.next_attempt_at),
        sent_at=_iso(n.sent_at),
        history=[AttemptPublic(at=_iso(a.at), error=a.error) for a in n.history],
    )
