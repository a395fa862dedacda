"""Alerts and notifications in every store (in-memory fake, SQLite, PostgreSQL): kept exactly,
one open alert per objective and tier, stale changes refused, the outbox idempotent by key,
due notifications in order, attempts recorded."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from slmo.core.model.alerts import (
    Alert,
    AlertStatus,
    DeliveryAttempt,
    DeliveryStatus,
    Notification,
    NotificationEvent,
)
from slmo.core.ports import UnitOfWork
from slmo.errors import ConflictError

UowFactory = Callable[[], UnitOfWork]
T0 = dt.datetime(2026, 11, 2, 9, 3, tzinfo=dt.UTC)
RIYADH = dt.timezone(dt.timedelta(hours=3))


def _alert(tier: str = "page", **changes: object) -> Alert:
    made = Alert(
        agreement="portal-sla",
        objective="success",
        service="portal",
        tier=tier,
        opened_at=T0.astimezone(RIYADH),  # comes back as the same instant in UTC
        last_seen_at=T0,
        reasons=("burn 1h/5m", "burn 6h/30m"),
        burn_rate=25.0,
        burn_window="1h",
        budget_left=-0.04,
    )
    return dataclasses.replace(made, **changes)  # type: ignore[arg-type]


def _notification(key: str, *, alert_id: int | None, at: dt.datetime = T0) -> Notification:
    return Notification(
        key=key,
        subject=key.split("|", maxsplit=1)[0],
        alert_id=alert_id,
        event=NotificationEvent.FIRING,
        agreement="portal-sla",
        objective="success",
        recipient="ministry/Noura",
        target="mailto://smtp.example?to=noura@ministry.example",
        lang="ar",
        title="[page] portal: تنبيه على الهدف success",
        body="معدل الاستهلاك: ٢٥٫٠٠×",
        created_at=at,
        next_attempt_at=at,
    )


def test_alerts_are_kept_exactly_and_changed_by_revision(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        added = uow.alerts.add(_alert())
        assert added.id is not None and added.revision == 1
        uow.commit()
    with uow_factory() as uow:
        held = uow.alerts.get(added.id)
        assert held == dataclasses.replace(_alert(), id=added.id, revision=1, opened_at=T0)
        assert held is not None and held.opened_at.utcoffset() == dt.timedelta(0)
        acked = uow.alerts.update(
            dataclasses.replace(held, state=AlertStatus.ACKNOWLEDGED, acknowledged_at=T0, acknowledged_by="noura")
        )
        assert acked.revision == 2
        uow.commit()
    with uow_factory() as uow:
        assert [a.state for a in uow.alerts.open_for("portal-sla", "success")] == [AlertStatus.ACKNOWLEDGED]
        # A change based on revision 1 lost the race against the acknowledgement.
        with pytest.raises(ConflictError):
            uow.alerts.update(dataclasses.replace(held, last_seen_at=T0 + dt.timedelta(minutes=1)))


def test_one_open_alert_per_objective_and_tier(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        first = uow.alerts.add(_alert())
        uow.alerts.add(_alert("ticket"))
        uow.commit()
    with uow_factory() as uow, pytest.raises(ConflictError):
        uow.alerts.add(_alert())
        uow.commit()
    with uow_factory() as uow:
        current = uow.alerts.get(first.id or 0)
        assert current is not None
        uow.alerts.update(dataclasses.replace(current, state=AlertStatus.RESOLVED, resolved_at=T0))
        again = uow.alerts.add(_alert(opened_at=T0 + dt.timedelta(hours=1)))  # resolved: the slot is free
        uow.commit()
    with uow_factory() as uow:
        everything = uow.alerts.list()
        assert [(a.id, a.tier, a.state) for a in everything] == [
            (again.id, "page", AlertStatus.FIRING),  # newest first
            (everything[1].id, "ticket", AlertStatus.FIRING),
            (first.id, "page", AlertStatus.RESOLVED),
        ]
        assert [a.id for a in uow.alerts.list(states={AlertStatus.RESOLVED})] == [first.id]
        assert len(uow.alerts.list(agreement="portal-sla", objective="success")) == 3
        assert uow.alerts.list(agreements=["other"]) == []
        assert sorted(a.tier for a in uow.alerts.open_for("portal-sla", "success")) == ["page", "ticket"]


def test_the_outbox_is_idempotent_by_key_and_delivers_in_order(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        alert = uow.alerts.add(_alert())
        queued = [
            _notification("alert:1:firing:1|ministry/Noura|a", alert_id=alert.id),
            _notification("alert:1:firing:1|target/hook|b", alert_id=alert.id, at=T0 - dt.timedelta(seconds=5)),
            _notification("ticket:desk/resolution:T1:75|ministry/Noura|a", alert_id=None),
        ]
        assert uow.notifications.add(queued) == 3
        assert uow.notifications.add(queued[:1]) == 0  # seen in its own transaction
        uow.commit()
    with uow_factory() as uow:
        assert uow.notifications.add(queued) == 0
        assert uow.notifications.told("alert:1:firing:1") and not uow.notifications.told("alert:1:resolved:1")
        due = uow.notifications.due(T0, 10)
        assert [n.key for n in due] == [queued[1].key, queued[0].key, queued[2].key]
        assert uow.notifications.due(T0 - dt.timedelta(seconds=6), 10) == []
        first = due[0]
        assert first.id is not None and first.title == queued[1].title and first.body == "معدل الاستهلاك: ٢٥٫٠٠×"
        later = T0 + dt.timedelta(seconds=1)
        uow.notifications.record(
            dataclasses.replace(
                first,
                attempts=1,
                last_error="HTTP 500",
                next_attempt_at=later + dt.timedelta(seconds=30),
                history=(DeliveryAttempt(at=later, error="HTTP 500"),),
            )
        )
        uow.notifications.record(
            dataclasses.replace(
                due[1],
                status=DeliveryStatus.SENT,
                attempts=1,
                sent_at=later,
                next_attempt_at=None,
                history=(DeliveryAttempt(at=later),),
            )
        )
        uow.commit()
    with uow_factory() as uow:
        assert [n.key for n in uow.notifications.due(T0 + dt.timedelta(seconds=10), 10)] == [queued[2].key]
        of_alert = uow.notifications.list(alert_id=alert.id)
        assert [(n.status, n.attempts, n.last_error) for n in of_alert] == [
            (DeliveryStatus.SENT, 1, None),
            (DeliveryStatus.PENDING, 1, "HTTP 500"),
        ]
        assert of_alert[1].history == (DeliveryAttempt(at=T0 + dt.timedelta(seconds=1), error="HTTP 500"),)
        assert [n.key for n in uow.notifications.list(status=DeliveryStatus.SENT)] == [queued[0].key]
        assert len(uow.notifications.list(limit=2)) == 2


def test_nothing_is_kept_on_rollback(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        alert = uow.alerts.add(_alert())
        uow.notifications.add([_notification("k|r|a", alert_id=alert.id)])
        assert [a.tier for a in uow.alerts.open_for("portal-sla", "success")] == ["page"]
    with uow_factory() as uow:
        assert uow.alerts.list() == [] and uow.notifications.list() == []
