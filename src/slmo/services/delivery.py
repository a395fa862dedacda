"""Delivering the outbox: the ``notify`` job sends each pending notification that is due
through the ``Notifier`` port (apprise), and records every attempt.

- A notification is tried when its ``next_attempt_at`` has come. Sent: ``sent`` with
  ``sent_at``. Not sent: tried again after ``RETRY_SECONDS`` doubled at each failure
  (30 s, 1 min, 2, 4, 8 ...), until ``MAX_ATTEMPTS`` attempts have failed, when it is
  ``failed`` for good. Each attempt is kept in its history with the reason it failed.
- Each outcome is committed on its own, right after the attempt, so a worker that dies in
  the middle of a batch sends again only the message it had in hand (delivery is at least
  once: a message sent whose record was lost is sent again). The ``notify`` job is leased to
  one worker at a time, so two workers never deliver the same notification at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass

from slmo.core.model.alerts import DeliveryAttempt, DeliveryStatus, Notification
from slmo.core.ports import Clock, Notifier, UnitOfWork, UnitOfWorkFactory
from slmo.services.notifications import anyone_to_tell

logger = logging.getLogger(__name__)

# The job kind that delivers the outbox (one job, key ``outbox``), and its cadence.
NOTIFY = "notify"
NOTIFY_KEY = "outbox"
NOTIFY_SECONDS = 15
RETRY_SECONDS = 30
MAX_ATTEMPTS = 6
BATCH = 100


def retry_delay(attempts: int) -> int:
    """Seconds before the next try of a notification that failed ``attempts`` times."""
    return RETRY_SECONDS << max(min(attempts, 20) - 1, 0)


def attempted(notification: Notification, at: dt.datetime, error: str | None) -> Notification:
    """``notification`` after one more attempt at ``at`` that failed with ``error`` (``None``:
    delivered)."""
    attempts = notification.attempts + 1
    history = (*notification.history, DeliveryAttempt(at=at, error=error))
    if error is None:
        return dataclasses.replace(
            notification,
            status=DeliveryStatus.SENT,
            attempts=attempts,
            last_error=None,
            sent_at=at,
            next_attempt_at=None,
            history=history,
        )
    if attempts >= MAX_ATTEMPTS:
        return dataclasses.replace(
            notification,
            status=DeliveryStatus.FAILED,
            attempts=attempts,
            last_error=error,
            next_attempt_at=None,
            history=history,
        )
    return dataclasses.replace(
        notification,
        attempts=attempts,
        last_error=error,
        next_attempt_at=at + dt.timedelta(seconds=retry_delay(attempts)),
        history=history,
    )


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


class DeliveryService:
    def __init__(self, uow: UnitOfWorkFactory, notifier: Notifier, clock: Clock) -> None:
        self._uow = uow
        self._notifier = notifier
        self._clock = clock

    @staticmethod
    def needed(uow: UnitOfWork) -> bool:
        """Whether a delivery job is needed: someone could be told, or something is pending."""
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        return anyone_to_tell(uow) or bool(uow.notifications.due(far, 1))

    def deliver_due(self, limit: int = BATCH) -> DeliveryReport:
        """Try every notification due now (at most ``limit``), each outcome committed at once."""
        with self._uow() as uow:
            due = uow.notifications.due(self._clock.now(), limit)
        sent = retrying = failed = 0
        for notification in due:
            try:
                error = self._notifier.send(notification.target, notification.title, notification.body)
            except Exception as exc:  # a notifier must not stop the others
                logger.warning("notification %d: the notifier failed", notification.id, exc_info=True)
                error = f"{type(exc).__name__}: {exc}"
            after = attempted(notification, self._clock.now(), error)
            with self._uow() as uow:
                uow.notifications.record(after)
                uow.commit()
            if after.status is DeliveryStatus.SENT:
                sent += 1
                logger.info("notification %d (%s) sent to %s", after.id, after.event.value, after.recipient)
            elif after.status is DeliveryStatus.FAILED:
                failed += 1
                logger.warning(
                    "notification %d to %s failed %d times, given up: %s",
                    after.id,
                    after.recipient,
                    after.attempts,
                    error,
                )
            else:
                retrying += 1
                logger.info("notification %d to %s not sent (%s); retried later", after.id, after.recipient, error)
        return DeliveryReport(sent, retrying, failed)
