"""A ``Notifier`` that keeps what it is given, for tests of the use cases: each message as
(target, title, body), and a queue of reasons for the next sends to fail with."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sent:
    target: str
    title: str
    body: str


@dataclass
class RecordingNotifier:
    sent: list[Sent] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    tried: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def fail_next(self, *reasons: str) -> None:
        """The next ``len(reasons)`` sends fail, with these reasons in order."""
        with self.lock:
            self.failures.extend(reasons)

    def send(self, target: str, title: str, body: str) -> str | None:
        with self.lock:
            self.tried += 1
            if self.failures:
                return self.failures.pop(0)
            self.sent.append(Sent(target, title, body))
        return None
