"""In-memory alerts and notifications, with the SQL store's rules: nothing is visible to
other units of work until commit; one open alert per objective and tier (a second is a
``ConflictError``, as the unique key makes it); a change based on a revision someone else
has since committed is a ``ConflictError``, checked at the call and again at commit; a
notification whose key is queued already is left out."""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from slmo.core.model.alerts import Alert, AlertStatus, DeliveryStatus, Notification
from slmo.errors import ConflictError
from slmo.store.documents import as_utc

_Row = TypeVar("_Row", Alert, Notification)


@dataclass
class StoredAlerts:
    """The committed alerts and notifications, by id."""

    alerts: dict[int, Alert] = field(default_factory=dict)
    notifications: dict[int, Notification] = field(default_factory=dict)
    last_id: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next_id(self) -> int:
        with self.lock:
            self.last_id += 1
            return self.last_id


def _in_utc(obj: _Row) -> _Row:
    """The same record with every instant in UTC, as the database hands instants back."""
    changes: dict[str, object] = {
        f.name: as_utc(value) for f in dataclasses.fields(obj) if isinstance(value := getattr(obj, f.name), dt.datetime)
    }
    if isinstance(obj, Notification):
        changes["history"] = tuple(dataclasses.replace(a, at=as_utc(a.at)) for a in obj.history)
    return dataclasses.replace(obj, **changes)  # type: ignore[arg-type]


def _slot(alert: Alert) -> tuple[str, str, str]:
    return (alert.agreement, alert.objective, alert.tier)


def _stale(alert_id: int) -> ConflictError:
    return ConflictError(
        f"alert {alert_id} was changed by someone else meanwhile; read it again and retry", key="error.store.stale"
    )


class MemoryAlertRepository:
    def __init__(self, stored: StoredAlerts) -> None:
        self._stored = stored
        # id -> (the revision the change was based on, None for a new alert; the alert)
        self.pending: dict[int, tuple[int | None, Alert]] = {}

    def _visible(self) -> dict[int, Alert]:
        with self._stored.lock:
            found = dict(self._stored.alerts)
        found.update({i: a for i, (_, a) in self.pending.items()})
        return found

    def _check_slot(self, alert: Alert, visible: dict[int, Alert]) -> None:
        if not alert.open:
            return
        for other in visible.values():
            if other.id != alert.id and other.open and _slot(other) == _slot(alert):
                raise ConflictError(
                    f"{alert.key} already has an open {alert.tier} alert ({other.id})", key="error.store.integrity"
                )

    def add(self, alert: Alert) -> Alert:
        new = _in_utc(dataclasses.replace(alert, id=self._stored.next_id(), revision=1))
        self._check_slot(new, self._visible())
        assert new.id is not None
        self.pending[new.id] = (None, new)
        return new

    def update(self, alert: Alert) -> Alert:
        if alert.id is None:
            raise ValueError("an alert must be stored before it is changed")
        current = self._visible().get(alert.id)
        if current is None or current.revision != alert.revision:
            raise _stale(alert.id)
        if current == _in_utc(alert):
            return current
        changed = _in_utc(dataclasses.replace(alert, revision=alert.revision + 1))
        self._check_slot(changed, self._visible())
        base = self.pending[alert.id][0] if alert.id in self.pending else alert.revision
        self.pending[alert.id] = (base, changed)
        return changed

    def get(self, alert_id: int) -> Alert | None:
        return self._visible().get(alert_id)

    def open_for(self, agreement: str, objective: str) -> builtins.list[Alert]:
        found = [a for a in self._visible().values() if a.open and (a.agreement, a.objective) == (agreement, objective)]
        return sorted(found, key=lambda a: a.tier)

    def list(
        self,
        *,
        states: Collection[AlertStatus] | None = None,
        agreement: str | None = None,
        objective: str | None = None,
        agreements: Collection[str] | None = None,
    ) -> builtins.list[Alert]:
        found = [
            a
            for a in self._visible().values()
            if (states is None or a.state in states)
            and (agreement is None or a.agreement == agreement)
            and (objective is None or a.objective == objective)
            and (agreements is None or a.agreement in agreements)
        ]
        return sorted(found, key=lambda a: (as_utc(a.opened_at), a.id or 0), reverse=True)

    def check(self) -> None:
        """Refuse the commit when a change's base is no longer what is committed, or when it
        would leave two open alerts in one slot."""
        with self._stored.lock:
            committed = dict(self._stored.alerts)
        for alert_id, (base, _) in self.pending.items():
            held = committed.get(alert_id)
            if base is not None and (held is None or held.revision != base):
                raise _stale(alert_id)
        slots: dict[tuple[str, str, str], int] = {}
        merged = committed
        merged.update({i: a for i, (_, a) in self.pending.items()})
        for alert in merged.values():
            if alert.open:
                if _slot(alert) in slots:
                    raise ConflictError(
                        f"{alert.key} already has an open {alert.tier} alert", key="error.store.integrity"
                    )
                assert alert.id is not None
                slots[_slot(alert)] = alert.id

    def commit(self) -> None:
        with self._stored.lock:
            self._stored.alerts.update({i: a for i, (_, a) in self.pending.items()})
        self.pending.clear()

    def rollback(self) -> None:
        self.pending.clear()


class MemoryNotificationRepository:
    def __init__(self, stored: StoredAlerts) -> None:
        self._stored = stored
        self.pending: dict[int, Notification] = {}

    def _visible(self) -> dict[int, Notification]:
        with self._stored.lock:
            found = dict(self._stored.notifications)
        found.update(self.pending)
        return found

    def add(self, notifications: Sequence[Notification]) -> int:
        keys = {n.key for n in self._visible().values()}
        added = 0
        for n in notifications:
            if n.key in keys:
                continue
            keys.add(n.key)
            new = _in_utc(dataclasses.replace(n, id=self._stored.next_id()))
            assert new.id is not None
            self.pending[new.id] = new
            added += 1
        return added

    def told(self, subject: str) -> bool:
        return any(n.subject == subject for n in self._visible().values())

    def due(self, now: dt.datetime, limit: int) -> builtins.list[Notification]:
        at = as_utc(now)
        found = [
            n
            for n in self._visible().values()
            if n.status is DeliveryStatus.PENDING and n.next_attempt_at is not None and as_utc(n.next_attempt_at) <= at
        ]
        found.sort(key=lambda n: (as_utc(n.next_attempt_at or at), n.id or 0))
        return found[: max(limit, 0)]

    def record(self, notification: Notification) -> None:
        if notification.id is None or notification.id not in self._visible():
            raise ConflictError(f"notification {notification.id} is gone", key="error.store.stale")
        self.pending[notification.id] = _in_utc(notification)

    def list(
        self, *, alert_id: int | None = None, status: DeliveryStatus | None = None, limit: int | None = None
    ) -> builtins.list[Notification]:
        found = sorted(
            (
                n
                for n in self._visible().values()
                if (alert_id is None or n.alert_id == alert_id) and (status is None or n.status is status)
            ),
            key=lambda n: n.id or 0,
        )
        return found if limit is None else found[len(found) - limit :] if limit else []

    def commit(self) -> None:
        with self._stored.lock:
            self._stored.notifications.update(self.pending)
        self.pending.clear()

    def rollback(self) -> None:
        self.pending.clear()
