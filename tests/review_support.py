"""A small world for reviews and improvement actions: a provider team with contacts in two
languages, an SLA in force since January with a six-monthly review, a runbook and a facility,
and a clock the test moves."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from slmo.bootstrap import Slmo
from slmo.core.model.audit import Actor
from slmo.services.ingest import MeasurementKind

ADMIN = Actor(name="tester", interface="cli")
TODAY = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)
RATE = 100

CATALOGUE = """\
apiVersion: slmo/v1
kind: Party
metadata: {name: ministry, displayName: {en: Ministry, ar: الوزارة}}
spec:
  type: customer
  contacts:
    - {name: Noura, lang: ar, channels: ["json://ministry.example/reviews"]}
---
apiVersion: slmo/v1
kind: Party
metadata: {name: ops, displayName: {en: Operations, ar: العمليات}}
spec:
  type: internal
  contacts:
    - {name: Omar, channels: ["json://ops.example/reviews"]}
    - {name: Huda, lang: ar, channels: ["json://ops.example/huda"]}
    - {name: Head of operations, level: 2, channels: ["json://ops.example/head"]}
---
apiVersion: slmo/v1
kind: Party
metadata: {name: facilities}
spec: {type: internal}
---
apiVersion: slmo/v1
kind: Calendar
metadata: {name: always}
spec: {timeZone: UTC}
---
apiVersion: slmo/v1
kind: Service
metadata: {name: portal, displayName: {en: Portal, ar: البوابة}}
spec: {owner: ops}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {name: portal-requests}
spec: {service: portal, kind: ratio}
---
apiVersion: slmo/v1
kind: Agreement
metadata: {name: portal-sla}
spec:
  type: sla
  parties:
    - {party: ministry, role: customer}
    - {party: ops, role: provider}
  services: [portal]
  versions:
    - version: 1
      state: active
      effective: {from: 2026-01-01}
      calendar: always
      review: {everyMonths: 6}
      objectives:
        - name: success
          indicator: portal-requests
          target: 0.99
          window: {rolling: 28d}
---
apiVersion: slmo/v1
kind: Procedure
metadata: {name: portal-runbook, displayName: {en: Portal runbook, ar: دليل تشغيل البوابة}}
spec:
  type: runbook
  owner: ops
  services: [portal]
  review: {everyMonths: 6}
  nextReview: 2027-01-15
  location: https://wiki.example/runbooks/portal
---
apiVersion: slmo/v1
kind: Procedure
metadata: {name: data-centre}
spec:
  type: facility
  owner: facilities
  services: [portal]
  review: {everyMonths: 12}
"""


def seed(slmo: Slmo, text: str = CATALOGUE) -> None:
    slmo.catalogue.apply(slmo.codec.load_text(text, "reviews.yaml"), ADMIN)


def write_minutes(slmo: Slmo, start: dt.datetime, good: Sequence[int], total: int = RATE) -> None:
    """One row of events a minute from ``start`` (``good[i]`` good of ``total``), ingested."""
    lines = ["timestamp,good,total"]
    lines += [f"{(start + dt.timedelta(minutes=i)).isoformat()},{g},{total}" for i, g in enumerate(good)]
    stream = io.BytesIO(("\n".join(lines) + "\n").encode())
    slmo.ingest.measurements(MeasurementKind.EVENTS, "portal-requests", stream, "minutes.csv", ADMIN)
