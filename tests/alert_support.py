"""Alert tests' world: one objective whose requests page and then recover, contacts at two
escalation levels (one Arabic, one English), a policy target, and a clock the test moves.

The objective: 99.9 % of requests over a rolling 28 days, 1,000 requests a minute all good
for a day before ``BURST``, then half of them failing for an hour (a burn rate of 500), then
all good again. With the workbook default's factors for 28 days, the page (1h/5m at 13.44) fires
from the burst's first minutes and the ticket (1d/2h at 2.8) from its ninth. With a day of
history the window's budget is 1,440 failed requests, which the burst overspends at once.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import numpy as np

from slmo.bootstrap import Slmo
from slmo.core.model.audit import Actor
from slmo.services.ingest import MeasurementKind

ADMIN = Actor(name="tester", interface="cli")
BURST = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
BURST_MINUTES = 60
RATE = 1000

CATALOGUE = """\
apiVersion: slmo/v1
kind: Party
metadata: {{name: ministry, displayName: {{en: Ministry, ar: الوزارة}}}}
spec:
  type: customer
  contacts:
    - {noura}
    - {{name: Duty desk, level: 2, channels: ["{second}"]}}
---
apiVersion: slmo/v1
kind: Party
metadata: {{name: ops, displayName: {{en: Operations, ar: العمليات}}}}
spec: {{type: internal}}
---
apiVersion: slmo/v1
kind: Calendar
metadata: {{name: always}}
spec:
  timeZone: Asia/Riyadh
  exclusions: {exclusions}
---
apiVersion: slmo/v1
kind: Service
metadata: {{name: portal, displayName: {{en: Portal, ar: البوابة}}}}
spec: {{owner: ops}}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {{name: portal-requests}}
spec: {{service: portal, kind: ratio}}
---
apiVersion: slmo/v1
kind: NotificationTarget
metadata: {{name: ops-hook}}
spec: {{target: "{hook}"}}
---
apiVersion: slmo/v1
kind: AlertCondition
metadata: {{name: fast-burn}}
spec: {{severity: page, op: gt, threshold: 13.44, lookbackWindow: 1h, shortLookbackWindow: 5m}}
---
apiVersion: slmo/v1
kind: AlertCondition
metadata: {{name: slow-burn}}
spec: {{severity: ticket, op: gt, threshold: 2.8, lookbackWindow: 1d, shortLookbackWindow: 2h}}
---
apiVersion: slmo/v1
kind: AlertPolicy
metadata: {{name: portal-policy}}
spec:
  conditions: [fast-burn, slow-burn]
  notificationTargets: [ops-hook]
  alertWhenResolved: true
  escalateAfter: 30m
---
apiVersion: slmo/v1
kind: Agreement
metadata: {{name: portal-sla}}
spec:
  type: sla
  parties:
    - {{party: ministry, role: customer}}
    - {{party: ops, role: provider}}
  services: [portal]
  versions:
    - version: 1
      state: active
      calendar: always
      objectives:
        - name: success
          indicator: portal-requests
          target: 0.999
          window: {{rolling: 28d}}
          alertPolicies: {policies}
"""


def catalogue(
    *,
    first: str = "json://noura.example/hook",
    first_email: str | None = None,
    second: str = "json://duty.example/hook",
    hook: str = "json://ops.example/alerts",
    policies: Sequence[str] = ("portal-policy",),
    exclusions: str = "[]",
) -> str:
    """The world's catalogue; ``first_email`` gives Noura an e-mail address instead of a channel."""
    noura = (
        f"{{name: Noura, lang: ar, email: {first_email}}}"
        if first_email
        else f'{{name: Noura, lang: ar, channels: ["{first}"]}}'
    )
    return CATALOGUE.format(
        noura=noura, second=second, hook=hook, policies="[" + ", ".join(policies) + "]", exclusions=exclusions
    )


def seed(slmo: Slmo, text: str) -> None:
    slmo.catalogue.apply(slmo.codec.load_text(text, "alerts.yaml"), ADMIN)


def write_minutes(slmo: Slmo, start: dt.datetime, good: Sequence[int] | np.ndarray, total: int = RATE) -> None:
    """One row of events a minute from ``start`` (``good[i]`` good of ``total``), ingested."""
    lines = ["timestamp,good,total"]
    for i, g in enumerate(np.asarray(good, dtype=np.int64).tolist()):
        lines.append(f"{(start + dt.timedelta(minutes=i)).isoformat()},{g},{total}")
    stream = io.BytesIO(("\n".join(lines) + "\n").encode())
    slmo.ingest.measurements(MeasurementKind.EVENTS, "portal-requests", stream, "minutes.csv", ADMIN)


def page_then_recover(slmo: Slmo, *, burst: dt.datetime = BURST, minutes: int = BURST_MINUTES) -> None:
    """A day of good minutes before ``burst``, ``minutes`` of half failing, then 12 hours good."""
    day = 1440
    good = np.concatenate([np.full(day, RATE), np.full(minutes, RATE // 2), np.full(day // 2, RATE)])
    write_minutes(slmo, burst - dt.timedelta(days=1), good)
