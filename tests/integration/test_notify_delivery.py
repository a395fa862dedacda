"""Notifications delivered through apprise for real: e-mail to a local SMTP server (aiosmtpd,
on a free port) and a webhook (``json://``) to a local HTTP server that fails once and then
takes the retry. The objective pages, escalates and is told in Arabic and in English
(``tests/alert_support.py``), over SQLite."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from slmo.bootstrap import Slmo, connect
from slmo.core.model.alerts import NotificationEvent
from slmo.notify.apprise_notifier import AppriseNotifier
from slmo.settings import Settings
from tests.alert_support import BURST, catalogue, page_then_recover, seed
from tests.api_support import FixedClock


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Mailbox:
    """What the SMTP server received: each message parsed, with its envelope's recipients."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Mailbox]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()


@dataclass
class Hook:
    """A webhook receiver: answers the statuses in ``answers`` in turn (then 200), keeps the
    JSON bodies it took."""

    answers: list[int] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    tries: int = 0


@pytest.fixture
def hook() -> Iterator[tuple[int, Hook]]:
    state = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            state.tries += 1
            status = state.answers.pop(0) if state.answers else 200
            if status == 200:
                state.bodies.append(body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def world(tmp_path: Path, smtp: tuple[int, Mailbox], hook: tuple[int, Hook]) -> Iterator[tuple[Slmo, FixedClock]]:
    """Noura (Arabic) has an e-mail address, told through the installation's SMTP URL; the
    duty desk (English, level 2) an e-mail channel of its own; the policy's target is the hook."""
    smtp_port, _ = smtp
    hook_port, _ = hook
    clock = FixedClock(BURST)
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'slmo.db'}",
        notify_email_url=f"mailto://127.0.0.1:{smtp_port}?from=slmo@it.example",
        public_url="https://slmo.example",
    )
    with connect(settings, clock=clock, notifier=AppriseNotifier()) as slmo:
        text = catalogue(
            first_email="noura@ministry.example",
            second=f"mailto://127.0.0.1:{smtp_port}?from=slmo@it.example&to=duty@ministry.example",
            hook=f"json://127.0.0.1:{hook_port}/alerts",
        )
        seed(slmo, text)
        page_then_recover(slmo)
        yield slmo, clock


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    content: str = part.get_content()
    return content


def test_arabic_and_english_mail_and_a_webhook_retried(
    world: tuple[Slmo, FixedClock], smtp: tuple[int, Mailbox], hook: tuple[int, Hook]
) -> None:
    slmo, clock = world
    _, box = smtp
    _, receiver = hook
    receiver.answers = [500]
    clock.at = BURST + dt.timedelta(minutes=3)
    slmo.scheduler.sync()
    assert {j.kind for j in slmo.scheduler.jobs()} == {"evaluate", "notify", "review", "close"}
    outcomes = slmo.scheduler.run_due("tester", limit=10)  # evaluates, pages, then delivers
    assert all(o.completed for o in outcomes)
    assert {o.job.kind for o in outcomes} == {"evaluate", "notify", "review", "close"}
    ((rcpt, arabic),) = box.messages
    assert rcpt == ["noura@ministry.example"]
    assert arabic["Subject"] == "[page] portal: تنبيه على الهدف success"
    body = _text(arabic)
    assert "تنبيه المستوى page للهدف success" in body and "معدل الاستهلاك: ٢٥٫٠٠× (1h)" in body
    assert "https://slmo.example/ui/agreements/portal-sla" in body
    (page,) = slmo.alerts.alerts()
    assert page.id is not None
    told = {n.recipient: n for n in slmo.alerts.notifications(page.id)}
    assert told["ministry/Noura"].status.value == "sent" and told["ministry/Noura"].attempts == 1
    webhook = told["target/ops-hook"]
    assert (webhook.status.value, webhook.attempts, receiver.tries, receiver.bodies) == ("pending", 1, 1, [])
    assert webhook.last_error is not None and "500" in webhook.last_error

    clock.at += dt.timedelta(seconds=30)
    report = slmo.delivery.deliver_due()
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    (posted,) = receiver.bodies
    assert posted["title"] == "[page] portal: success is alerting" and "Burn rate: 25.00× (1h)" in posted["message"]
    again = {n.recipient: n for n in slmo.alerts.notifications(page.id)}["target/ops-hook"]
    assert (again.status.value, again.attempts, [a.ok for a in again.history]) == ("sent", 2, [False, True])

    # Unacknowledged for 30 minutes: the duty desk (English) is told by its own mail channel
    # (and Noura of the ticket tier, which fires by now).
    clock.at = BURST + dt.timedelta(minutes=33)
    slmo.alerts.evaluate(clock.at)
    slmo.delivery.deliver_due()
    (english,) = [m for rcpt, m in box.messages if rcpt == ["duty@ministry.example"]]
    assert [m["Subject"] for rcpt, m in box.messages[1:] if rcpt == ["noura@ministry.example"]] == [
        "[ticket] portal: تنبيه على الهدف success"
    ]
    assert english["Subject"] == "[page] portal: success is not acknowledged; escalated to level 2"
    assert "now reaches contact level 2" in _text(english) and "Error budget left:" in _text(english)
    escalated = [n for n in slmo.alerts.notifications(page.id) if n.event is NotificationEvent.ESCALATED]
    assert {(n.recipient, n.status.value) for n in escalated} == {
        ("ministry/Duty desk", "sent"),
        ("target/ops-hook", "sent"),
    }
    assert sorted(b["title"] for b in receiver.bodies[1:]) == [
        "[page] portal: success is not acknowledged; escalated to level 2",
        "[ticket] portal: success is alerting",
    ]


def test_an_unknown_url_and_a_closed_port_are_reasons_not_exceptions() -> None:
    notifier = AppriseNotifier()
    assert notifier.send("nosuch://x", "t", "b") == "not a notification URL apprise can use (nosuch://...)"
    reason = notifier.send(f"json://127.0.0.1:{free_port()}/hook", "t", "b")
    assert reason is not None and reason != ""
