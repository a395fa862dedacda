"""The API in tests: an app over the in-memory fakes (or a database), a catalogue of two
customers, a token per role, and an httpx client on the ASGI app, in process."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx

from slmo.api import create_app
from slmo.bootstrap import Slmo, connect, in_memory
from slmo.core.model.audit import Actor
from slmo.settings import Settings
from tests.factories import AGREEMENT, INDICATOR, PARTY, SERVICE, catalogue_text

NOW = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)
ADMIN = Actor(name="tester", interface="cli")


class FixedClock:
    def __init__(self, now: dt.datetime = NOW) -> None:
        self.at = now

    def now(self) -> dt.datetime:
        return self.at


def other_customer_text() -> str:
    """A second customer, with its own service, indicator and agreement."""
    return "---\n".join(
        [
            PARTY.format(name="bank", type="customer"),
            SERVICE.format(name="payments", owner="ops"),
            INDICATOR.format(name="payments-requests", service="payments"),
            AGREEMENT.format(
                name="payments-sla",
                party="bank",
                service="payments",
                indicator="payments-requests",
                target="0.99",
                calendar="office",
            ),
        ]
    )


def seed(slmo: Slmo) -> None:
    loaded = slmo.codec.load_text(catalogue_text() + "---\n" + other_customer_text(), "seed.yaml")
    slmo.catalogue.apply(loaded, ADMIN)


@dataclass
class Api:
    """Requests to the app through httpx's ASGI transport; ``as_`` picks the token."""

    slmo: Slmo
    clock: FixedClock
    body_limit: int = 64 * 1024 * 1024
    tokens: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.app = create_app(self.slmo, body_limit=self.body_limit)

    def token(self, role: str, party: str | None = None, name: str | None = None) -> str:
        _, secret = self.slmo.auth.create(role, ADMIN, name=name or f"{role}-token", party=party)
        return secret

    def request(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"

        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://slmo.test") as client:
                return await client.request(method, path, headers=headers, **kwargs)

        return anyio.run(send)


@contextmanager
def api_over(db_url: str | None = None, *, body_limit: int = 64 * 1024 * 1024) -> Iterator[Api]:
    clock = FixedClock()
    slmo = in_memory(clock=clock) if db_url is None else connect(Settings(database_url=db_url), clock=clock)
    with slmo:
        seed(slmo)
        yield Api(slmo, clock, body_limit)
