"""Notifications through apprise (``github.com/caronc/apprise``): one URL syntax for e-mail
(``mailto://``), Slack, Microsoft Teams, Telegram, webhooks (``json://``, ``form://``) and
about a hundred other services, behind the ``Notifier`` port.

apprise reports a failed delivery in its log rather than by an exception; the adapter reads
that log (``LogCapture``) for the reason, so that the outbox can say why a message was not
sent. apprise hides the secrets of URLs in what it logs.
"""

from __future__ import annotations

import logging

import apprise

logger = logging.getLogger(__name__)

# A reason is kept for people to read: its last lines, no more.
REASON_LINES = 3


def _reason(captured: str) -> str:
    lines = [line.strip() for line in captured.splitlines() if line.strip()]
    return " | ".join(lines[-REASON_LINES:]) or "not delivered (apprise gave no reason)"


class AppriseNotifier:
    def send(self, target: str, title: str, body: str) -> str | None:
        scheme = target.split("://", 1)[0] if "://" in target else "?"
        sender = apprise.Apprise()
        with apprise.LogCapture(level=logging.WARNING) as captured:  # type: ignore[no-untyped-call]
            if not sender.add(target):
                return f"not a notification URL apprise can use ({scheme}://...)"
            delivered = bool(sender.notify(body=body, title=title))
            text = captured.getvalue()
        if delivered:
            return None
        reason = _reason(text)
        logger.debug("apprise could not deliver to %s://...: %s", scheme, reason)
        return reason
