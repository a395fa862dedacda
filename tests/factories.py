"""Readable test data: catalogue documents as YAML text, small enough to read in a test."""

from __future__ import annotations

import itertools

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


PARTY = """\
apiVersion: slmo/v1
kind: Party
metadata:
  name: {name}
  displayName: {{en: Ministry, ar: الوزارة}}
spec:
  type: {type}
"""

SERVICE = """\
apiVersion: slmo/v1
kind: Service
metadata:
  name: {name}
  displayName: {{en: Portal, ar: البوابة}}
spec:
  owner: {owner}
  tier: 1
"""

CALENDAR = """\
apiVersion: slmo/v1
kind: Calendar
metadata:
  name: {name}
spec:
  timeZone: {zone}
  hours:
    sun: ["08:00-16:00"]
    mon: ["08:00-16:00"]
"""

INDICATOR = """\
apiVersion: slmo/v1
kind: Indicator
metadata:
  name: {name}
spec:
  service: {service}
  kind: ratio
"""

AGREEMENT = """\
apiVersion: slmo/v1
kind: Agreement
metadata:
  name: {name}
spec:
  type: sla
  parties:
    - {{party: {party}, role: customer}}
  services: [{service}]
  versions:
    - version: 1
      state: active
      objectives:
        - name: success
          indicator: {indicator}
          target: {target}
          window: {{rolling: 28d}}
          calendar: {calendar}
"""

PROCEDURE = """\
apiVersion: slmo/v1
kind: Procedure
metadata:
  name: {name}
spec:
  type: runbook
  owner: {owner}
  services: [{service}]
  review: {{everyMonths: 6}}
"""


def catalogue_text(target: str = "0.999", calendar: str = "office", zone: str = "Asia/Riyadh") -> str:
    """A small valid catalogue in one file; parts can be spoilt through the arguments."""
    return "---\n".join(
        [
            PARTY.format(name="ministry", type="customer"),
            PARTY.format(name="ops", type="internal"),
            CALENDAR.format(name="office", zone=zone),
            SERVICE.format(name="portal", owner="ops"),
            INDICATOR.format(name="portal-requests", service="portal"),
            AGREEMENT.format(
                name="portal-sla",
                party="ministry",
                service="portal",
                indicator="portal-requests",
                target=target,
                calendar=calendar,
            ),
        ]
    )
