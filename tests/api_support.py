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


TICKET_OBJECTIVES = """\
apiVersion: slmo/v1
kind: Indicator
metadata:
  name: {service}-resolution
spec:
  service: {service}
  kind: ticket
  ticket: {{clock: resolution, priorities: [P1, P2]}}
---
apiVersion: slmo/v1
kind: Agreement
metadata:
  name: {service}-desk
spec:
  type: sla
  parties:
    - {{party: {party}, role: customer}}
  services: [{service}]
  versions:
    - version: 1
      state: active
      objectives:
        - name: resolution
          indicator: {service}-resolution
          target: 0.9
          window: {{calendar: month}}
          tickets:
            unit: calendar
            targets: {{P1: 4h, P2: 8h}}
"""

# Tickets of both customers' services: T1 (portal, P1) resolved in 6 h, past its 4 h; T2
# (portal, P2) in 3 h; B1 (payments, P1) in 1 h.
TICKETS_CSV = """\
id,service,priority,opened,status,at,sequence,resolved
T1,portal,P1,2026-10-04T09:00:00Z,New,2026-10-04T09:00:00Z,0,
T1,portal,P1,2026-10-04T09:00:00Z,Resolved,2026-10-04T15:00:00Z,1,2026-10-04T15:00:00Z
T2,portal,P2,2026-10-05T09:00:00Z,New,2026-10-05T09:00:00Z,0,
T2,portal,P2,2026-10-05T09:00:00Z,Resolved,2026-10-05T12:00:00Z,1,2026-10-05T12:00:00Z
B1,payments,P1,2026-10-06T09:00:00Z,New,2026-10-06T09:00:00Z,0,
B1,payments,P1,2026-10-06T09:00:00Z,Resolved,2026-10-06T10:00:00Z,1,2026-10-06T10:00:00Z
"""


def seed_walls(slmo: Slmo) -> None:
    """Sides for the walls: ticket objectives for both customers (``portal-desk`` of ministry,
    ``payments-desk`` of bank), and ``payments`` owned by another party than ``ops`` (the
    supplier ``partner``), so that an owner token of ``ops`` has another party's service."""
    text = "---\n".join(
        [
            PARTY.format(name="partner", type="supplier"),
            SERVICE.format(name="payments", owner="partner"),
            TICKET_OBJECTIVES.format(service="portal", party="ministry"),
            TICKET_OBJECTIVES.format(service="payments", party="bank"),
        ]
    )
    slmo.catalogue.apply(slmo.codec.load_text(text, "walls.yaml"), ADMIN)
