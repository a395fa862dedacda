"""Calendars are effective-dated (sla-clock-cases.md, case 19): editing a calendar while a
ticket runs changes its clock from the edit on, and never rewrites the time already counted."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from slmo import Actor, Slmo, connect, load_settings

ACTOR = Actor(name="tests", interface="python")


class SettableClock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at


CATALOGUE = """\
apiVersion: slmo/v1
kind: Calendar
metadata: {{name: std}}
spec:
  timeZone: Europe/London
  hours: {{mon: ["{hours}"], tue: ["{hours}"], wed: ["{hours}"], thu: ["{hours}"], fri: ["{hours}"]}}
---
apiVersion: slmo/v1
kind: Party
metadata: {{name: desk}}
spec: {{type: internal}}
---
apiVersion: slmo/v1
kind: Service
metadata: {{name: helpdesk}}
spec: {{owner: desk}}
---
apiVersion: slmo/v1
kind: Indicator
metadata: {{name: resolution}}
spec: {{service: helpdesk, kind: ticket, ticket: {{clock: resolution}}}}
---
apiVersion: slmo/v1
kind: Agreement
metadata: {{name: desk-ola}}
spec:
  type: ola
  parties: [{{party: desk, role: provider}}]
  services: [helpdesk]
  versions:
    - version: 1
      state: active
      calendar: std
      objectives:
        - name: resolution
          indicator: resolution
          target: 0.9
          window: {{calendar: month}}
          tickets:
            unit: business
            targets: {{P1: 8h}}
"""


@pytest.fixture
def slmo(tmp_path: Path) -> Iterator[tuple[Slmo, SettableClock]]:
    clock = SettableClock(dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    with connect(load_settings(database_url=f"sqlite:///{tmp_path / 'desk.db'}"), clock=clock) as handle:
        yield handle, clock


def apply(slmo: Slmo, tmp_path: Path, hours: str) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(CATALOGUE.format(hours=hours), encoding="utf-8")
    slmo.catalogue.apply(slmo.catalogue.load([str(path)]), ACTOR)


def test_an_edit_mid_ticket_changes_the_clock_from_the_edit_on(
    slmo: tuple[Slmo, SettableClock], tmp_path: Path
) -> None:
    handle, clock = slmo
    apply(handle, tmp_path, "09:00-17:00")
    rows = "id,service,priority,opened\nT1,helpdesk,P1,2025-01-13T14:00:00Z\n"
    clock.at = dt.datetime(2025, 1, 13, 15, 0, tzinfo=dt.UTC)
    handle.tickets.ingest(io.BytesIO(rows.encode()), "t.csv", ACTOR)
    # Tuesday 10:00: the desk now works 09:00-13:00.
    clock.at = dt.datetime(2025, 1, 14, 10, 0, tzinfo=dt.UTC)
    apply(handle, tmp_path, "09:00-13:00")
    clock.at = dt.datetime(2025, 1, 20, tzinfo=dt.UTC)
    _, (timer,) = handle.tickets.show("T1", clock.at)
    # Old hours until the edit: Mon 14:00-17:00 (3 h) and Tue 09:00-10:00 (1 h); then the new
    # hours: Tue 10:00-13:00 (3 h) and Wed 09:00-10:00 (1 h): 8 h at Wed 10:00. Rewriting
    # history (the new hours from the start) would say Wed 13:00.
    assert timer.deadline == int(dt.datetime(2025, 1, 15, 10, 0, tzinfo=dt.UTC).timestamp())
